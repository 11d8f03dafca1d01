package dev.baton.worker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

/** Test fixtures. */
final class TestCommands {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private TestCommands() {}

    static Command command(String instanceId, String stepId, int n) {
        return command(instanceId, stepId, n, Command.EXECUTE, NullNode.getInstance());
    }

    static Command command(String instanceId, String stepId, int n, String kind, JsonNode input) {
        return new Command(
                instanceId,
                "order-fulfilment",
                stepId,
                instanceId + "/" + stepId + "/" + n,
                kind,
                n,
                CommandParser.DEFAULT_CALLBACK_TOPIC,
                input,
                null,
                null);
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
