package dev.baton.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.StepContext;

/** A {@link StepContext} for calling handlers directly. */
record FakeContext(String instanceId, String stepId, int tryNumber, JsonNode input) implements StepContext {

    static final ObjectMapper JSON = new ObjectMapper();

    static FakeContext of(String instanceId, String stepId, String inputJson) {
        try {
            return new FakeContext(instanceId, stepId, 1, JSON.readTree(inputJson));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String commandId() {
        return instanceId + "/" + stepId + "/1";
    }

    @Override
    public String workflow() {
        return "article";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public <T> T inputAs(Class<T> type) {
        return JSON.convertValue(input, type);
    }
}
