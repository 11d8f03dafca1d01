package dev.baton.protocol;

import dev.baton.engine.Inbound;
import dev.baton.engine.ParentRef;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * An operator's action on an instance, written to the requests topic keyed by the instance id:
 * {@code {"operation": "cancel", "reason": "..."}}, {@code {"operation": "retry", "stepId": "..."}}, {@code pause},
 * {@code resume}, {@code redrive}, {@code complete} (a step, with an {@code output}), {@code skip} (a step),
 * {@code rerun} (a step and those after it, with an optional new {@code input}) or {@code migrate}, each
 * with the {@code actor} who asks and the {@code reason}. A parent workflow sends
 * {@code {"operation": "compensate", "parent": {...}}} to a completed sub-workflow to have it compensated.
 */
public record OperatorRequest(
        Operation operation,
        String stepId,
        String reason,
        ParentRef parent,
        String actor,
        Object output,
        Integer version,
        java.util.Map<String, String> mapping)
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
        SKIP,
        /** Move the running instance to {@code version}, with {@code mapping} for renamed steps. */
        MIGRATE,
        /** Run {@code stepId} and every step after it again; {@code output} holds its new input, if any. */
        RERUN;

        /** Whether the action settles one step, so that the request must name it. */
        public boolean needsStep() {
            return this == COMPLETE || this == SKIP || this == RERUN;
        }

        /** Whether the action is one of the recovery actions, for which an operator must give a reason. */
        public boolean needsReason() {
            return this == PAUSE
                    || this == RESUME
                    || this == REDRIVE
                    || this == COMPLETE
                    || this == SKIP
                    || this == MIGRATE
                    || this == RERUN;
        }
    }

    public OperatorRequest {
        mapping = mapping == null ? java.util.Map.of() : java.util.Map.copyOf(mapping);
    }

    public OperatorRequest(Operation operation, String stepId, String reason) {
        this(operation, stepId, reason, null, null, null, null, null);
    }

    public OperatorRequest(Operation operation, String stepId, String reason, ParentRef parent) {
        this(operation, stepId, reason, parent, null, null, null, null);
    }

    /** An action of an operator, who is named, on one instance (or one of its steps). */
    public static OperatorRequest byOperator(
            Operation operation, String stepId, String reason, String actor, Object output) {
        return new OperatorRequest(operation, stepId, reason, null, actor, output, null, null);
    }

    /** An operator's move of a running instance to {@code version}. */
    public static OperatorRequest migrate(
            int version, java.util.Map<String, String> mapping, String reason, String actor) {
        return new OperatorRequest(Operation.MIGRATE, null, reason, null, actor, null, version, mapping);
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
        Integer version = f.optionalInt("version");
        if (operation == Operation.MIGRATE && version == null) {
            throw f.error("a migrate request names the version to move to in field 'version'");
        }
        return new OperatorRequest(
                operation,
                stepId,
                reason,
                parent,
                f.optionalText("actor"),
                // A rerun's new input and a completed step's output share the component; the wire names each.
                operation == Operation.RERUN ? f.value("input") : f.value("output"),
                version,
                mapping(f.value("mapping"), f));
    }

    private static java.util.Map<String, String> mapping(Object value, Fields f) {
        if (value == null) {
            return java.util.Map.of();
        }
        if (!(value instanceof java.util.Map<?, ?> m) || !m.values().stream().allMatch(String.class::isInstance)) {
            throw f.error("field 'mapping' must be an object of old step id to new step id");
        }
        var mapping = new java.util.LinkedHashMap<String, String>();
        m.forEach((k, v) -> mapping.put(String.valueOf(k), (String) v));
        return mapping;
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
            case RERUN -> new Inbound.RerunStep(instanceId, stepId, output, who, reason, at);
            case MIGRATE -> throw new IllegalStateException("a migration needs its target: use toMigration");
        };
    }

    /** The engine's event for a migrate request, with the target version as deployed ({@code null} if it is not). */
    public Inbound.MigrateInstance toMigration(
            String instanceId, dev.baton.definition.WorkflowDefinition target, Instant at) {
        return new Inbound.MigrateInstance(
                instanceId, target, mapping, actor == null ? "anonymous" : actor, reason, at);
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
            m.put(operation == Operation.RERUN ? "input" : "output", output);
        }
        if (version != null) {
            m.put("version", version);
        }
        if (!mapping.isEmpty()) {
            m.put("mapping", mapping);
        }
        return Writing.bytes(m);
    }
}
