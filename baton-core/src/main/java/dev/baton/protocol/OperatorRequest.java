package dev.baton.protocol;

import dev.baton.engine.Inbound;
import dev.baton.engine.ParentRef;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * An operator's action on an instance, written to the requests topic keyed by the instance id:
 * {@code {"operation": "cancel", "reason": "..."}}, {@code {"operation": "retry", "stepId": "..."}}, {@code pause},
 * {@code resume}, {@code redrive}, {@code complete} (a step, with an {@code output}) or {@code skip} (a step), each
 * with the {@code actor} who asks and the {@code reason}. A parent workflow sends
 * {@code {"operation": "compensate", "parent": {...}}} to a completed sub-workflow to have it compensated.
 */
public record OperatorRequest(
        Operation operation, String stepId, String reason, ParentRef parent, String actor, Object output)
        implements RequestMessage {

    public enum Operation {
        CANCEL,
        RETRY,
        /** From a parent workflow: compensate the completed instance's steps and answer {@code parent.commandId()}. */
        COMPENSATE,
        PAUSE,
        RESUME,
        REDRIVE,
        /** Complete {@code stepId} by hand with {@code output}. */
        COMPLETE,
        /** Skip {@code stepId} by hand. */
        SKIP;

        /** Whether the action settles one step, so that the request must name it. */
        public boolean needsStep() {
            return this == COMPLETE || this == SKIP;
        }

        /** Whether the action is one of the recovery actions, for which an operator must give a reason. */
        public boolean needsReason() {
            return this == PAUSE || this == RESUME || this == REDRIVE || this == COMPLETE || this == SKIP;
        }
    }

    public OperatorRequest(Operation operation, String stepId, String reason) {
        this(operation, stepId, reason, null, null, null);
    }

    public OperatorRequest(Operation operation, String stepId, String reason, ParentRef parent) {
        this(operation, stepId, reason, parent, null, null);
    }

    /** What a parent sends a completed sub-workflow to compensate it; the answer is the outcome of the parent's command. */
    public static OperatorRequest compensate(ParentRef parent) {
        return new OperatorRequest(Operation.COMPENSATE, null, null, parent);
    }

    static OperatorRequest from(Fields f) {
        String op = f.requiredText("operation");
        Operation operation;
        try {
            operation = Operation.valueOf(op.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw f.error("field 'operation' must be one of " + names() + ", not '" + op + "'");
        }
        ParentRef parent = f.optionalParent();
        if (operation == Operation.COMPENSATE && parent == null) {
            throw f.error("a compensate request comes from a parent workflow and names it in field 'parent'");
        }
        String stepId = f.optionalText("stepId");
        if (operation.needsStep() && stepId == null) {
            throw f.error("a " + op.toLowerCase(Locale.ROOT) + " request names its step in field 'stepId'");
        }
        String reason = f.optionalText("reason");
        if (operation.needsReason() && (reason == null || reason.isBlank())) {
            throw f.error("a " + op.toLowerCase(Locale.ROOT) + " request says why in field 'reason'");
        }
        return new OperatorRequest(operation, stepId, reason, parent, f.optionalText("actor"), f.value("output"));
    }

    private static String names() {
        var names = new java.util.ArrayList<String>();
        for (Operation o : Operation.values()) {
            names.add(o.name().toLowerCase(Locale.ROOT));
        }
        return String.join(", ", names);
    }

    public Inbound toInbound(String instanceId, Instant at) {
        String who = actor == null ? "anonymous" : actor;
        return switch (operation) {
            case CANCEL -> new Inbound.CancelInstance(instanceId, reason, at);
            case RETRY -> new Inbound.RetryInstance(instanceId, stepId, at);
            case COMPENSATE -> new Inbound.CompensateInstance(instanceId, parent, at);
            case PAUSE -> new Inbound.PauseInstance(instanceId, who, reason, at);
            case RESUME -> new Inbound.ResumeInstance(instanceId, who, reason, at);
            case REDRIVE -> new Inbound.RedriveInstance(instanceId, who, reason, at);
            case COMPLETE -> new Inbound.CompleteStep(instanceId, stepId, output, who, reason, at);
            case SKIP -> new Inbound.SkipStep(instanceId, stepId, who, reason, at);
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
        if (actor != null) {
            m.put("actor", actor);
        }
        if (output != null) {
            m.put("output", output);
        }
        return Writing.bytes(m);
    }
}
