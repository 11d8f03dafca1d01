package dev.baton.protocol;

import dev.baton.engine.Inbound;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * An operator's action on an instance, written to the requests topic keyed by the instance id:
 * {@code {"operation": "cancel", "reason": "..."}} or {@code {"operation": "retry", "stepId": "..."}}.
 */
public record OperatorRequest(Operation operation, String stepId, String reason) implements RequestMessage {

    public enum Operation {
        CANCEL,
        RETRY
    }

    static OperatorRequest from(Fields f) {
        String op = f.requiredText("operation");
        Operation operation;
        try {
            operation = Operation.valueOf(op.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw f.error("field 'operation' must be cancel or retry, not '" + op + "'");
        }
        return new OperatorRequest(operation, f.optionalText("stepId"), f.optionalText("reason"));
    }

    public Inbound toInbound(String instanceId, Instant at) {
        return switch (operation) {
            case CANCEL -> new Inbound.CancelInstance(instanceId, reason, at);
            case RETRY -> new Inbound.RetryInstance(instanceId, stepId, at);
        };
    }

    public byte[] toJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("operation", operation.name().toLowerCase(Locale.ROOT));
        if (stepId != null) {
            m.put("stepId", stepId);
        }
        if (reason != null) {
            m.put("reason", reason);
        }
        return Writing.bytes(m);
    }
}
