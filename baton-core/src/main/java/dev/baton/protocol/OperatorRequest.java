package dev.baton.protocol;

import dev.baton.engine.Inbound;
import dev.baton.engine.ParentRef;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * An operator's action on an instance, written to the requests topic keyed by the instance id:
 * {@code {"operation": "cancel", "reason": "..."}} or {@code {"operation": "retry", "stepId": "..."}}. A parent
 * workflow sends {@code {"operation": "compensate", "parent": {...}}} to a completed sub-workflow to have it undone.
 */
public record OperatorRequest(Operation operation, String stepId, String reason, ParentRef parent)
        implements RequestMessage {

    public enum Operation {
        CANCEL,
        RETRY,
        /** From a parent workflow: undo the completed instance's steps and answer {@code parent.commandId()}. */
        COMPENSATE
    }

    public OperatorRequest(Operation operation, String stepId, String reason) {
        this(operation, stepId, reason, null);
    }

    /** What a parent sends a completed sub-workflow to undo it; the answer is the outcome of the parent's command. */
    public static OperatorRequest compensate(ParentRef parent) {
        return new OperatorRequest(Operation.COMPENSATE, null, null, parent);
    }

    static OperatorRequest from(Fields f) {
        String op = f.requiredText("operation");
        Operation operation;
        try {
            operation = Operation.valueOf(op.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw f.error("field 'operation' must be cancel, retry or compensate, not '" + op + "'");
        }
        ParentRef parent = f.optionalParent();
        if (operation == Operation.COMPENSATE && parent == null) {
            throw f.error("a compensate request comes from a parent workflow and names it in field 'parent'");
        }
        return new OperatorRequest(operation, f.optionalText("stepId"), f.optionalText("reason"), parent);
    }

    public Inbound toInbound(String instanceId, Instant at) {
        return switch (operation) {
            case CANCEL -> new Inbound.CancelInstance(instanceId, reason, at);
            case RETRY -> new Inbound.RetryInstance(instanceId, stepId, at);
            case COMPENSATE -> new Inbound.CompensateInstance(instanceId, parent, at);
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
        if (parent != null) {
            m.put("parent", Fields.parent(parent));
        }
        return Writing.bytes(m);
    }
}
