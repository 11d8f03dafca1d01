package dev.baton.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.Failure;
import dev.baton.engine.Inbound.ReportOutcome;
import java.time.Instant;
import java.util.LinkedHashMap;

/**
 * A worker's absolute outcome from the callback topic:
 * {@code {"commandId", "instanceId", "stepId", "status", "output"|"error", "attempts", "retryable"?}}.
 * {@code retryable} (default false) is written by Baton's HTTP executor for a failed call worth making again; the
 * engine acts on it only for steps with a retry policy.
 */
public record WorkerOutcome(
        String commandId,
        String instanceId,
        String stepId,
        boolean succeeded,
        Object output,
        Failure error,
        int attempts,
        boolean retryable) {

    public WorkerOutcome(
            String commandId,
            String instanceId,
            String stepId,
            boolean succeeded,
            Object output,
            Failure error,
            int attempts) {
        this(commandId, instanceId, stepId, succeeded, output, error, attempts, false);
    }

    /** Parses a record value; throws {@link MalformedMessageException} with the reason. */
    public static WorkerOutcome parse(byte[] json) {
        Fields f = Fields.parse("outcome", json);
        String commandId = f.requiredText("commandId");
        String instanceId = f.requiredText("instanceId");
        String stepId = f.requiredText("stepId");
        String status = f.requiredText("status");
        boolean succeeded;
        if ("SUCCEEDED".equals(status)) {
            succeeded = true;
        } else if ("FAILED".equals(status)) {
            succeeded = false;
        } else {
            throw f.error("field 'status' must be SUCCEEDED or FAILED, not '" + status + "'");
        }
        Integer attempts = f.optionalInt("attempts");
        if (attempts != null && attempts < 0) {
            throw f.error("field 'attempts' must not be negative");
        }
        Failure error = succeeded ? null : error(f, stepId);
        JsonNode retryable = f.node("retryable");
        if (retryable != null && !retryable.isNull() && !retryable.isBoolean()) {
            throw f.error("field 'retryable' must be true or false");
        }
        return new WorkerOutcome(
                commandId,
                instanceId,
                stepId,
                succeeded,
                succeeded ? f.value("output") : null,
                error,
                attempts == null ? 1 : attempts,
                !succeeded && retryable != null && retryable.asBoolean(false));
    }

    private static Failure error(Fields f, String stepId) {
        JsonNode e = f.node("error");
        if (e == null || e.isNull()) {
            return new Failure(stepId, "Failed", "the worker gave no error");
        }
        if (e.isTextual()) {
            return new Failure(stepId, "Failed", e.asText());
        }
        if (!e.isObject()) {
            throw f.error("field 'error' must be an object {\"type\", \"message\"} or a string");
        }
        String type = e.path("type").isTextual() ? e.get("type").asText() : "Failed";
        String message = e.path("message").isTextual() ? e.get("message").asText() : e.toString();
        return new Failure(stepId, type, message);
    }

    public ReportOutcome toInbound(Instant at) {
        return new ReportOutcome(instanceId, stepId, commandId, succeeded, output, error, attempts, retryable, at);
    }

    public byte[] toJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("commandId", commandId);
        m.put("instanceId", instanceId);
        m.put("stepId", stepId);
        m.put("status", succeeded ? "SUCCEEDED" : "FAILED");
        if (succeeded) {
            m.put("output", output);
        } else {
            var e = new LinkedHashMap<String, Object>();
            e.put("type", error.type());
            e.put("message", error.message());
            m.put("error", e);
        }
        m.put("attempts", attempts);
        if (retryable) {
            m.put("retryable", true);
        }
        return Writing.bytes(m);
    }
}
