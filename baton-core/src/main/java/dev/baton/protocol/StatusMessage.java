package dev.baton.protocol;

import dev.baton.engine.Failure;
import dev.baton.engine.Notification;
import dev.baton.engine.Notification.CompensationCompleted;
import dev.baton.engine.Notification.CompensationFailed;
import dev.baton.engine.Notification.CompensationStarted;
import dev.baton.engine.Notification.IncidentRaised;
import dev.baton.engine.Notification.InstanceCompleted;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.Notification.InstanceMigrated;
import dev.baton.engine.Notification.InstanceScheduled;
import dev.baton.engine.Notification.InstanceStarted;
import dev.baton.engine.Notification.OperatorActed;
import dev.baton.engine.Notification.OutcomeIgnored;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.Notification.StepAbandoned;
import dev.baton.engine.Notification.StepCompleted;
import dev.baton.engine.Notification.StepFailed;
import dev.baton.engine.Notification.StepRedriven;
import dev.baton.engine.Notification.StepRetryScheduled;
import dev.baton.engine.Notification.StepRoundCompleted;
import dev.baton.engine.Notification.StepSkipped;
import dev.baton.engine.Notification.StepSleeping;
import dev.baton.engine.Notification.StepStarted;
import dev.baton.engine.Notification.StepTimedOut;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of a status notification on {@code baton.status} (docs/protocol.md, "Status notification"): {@link #TYPE},
 * {@link #WORKFLOW}, {@link #INSTANCE_ID}, the type's own fields, then {@link #AT}. Fields without a value are left
 * out.
 *
 * <p>The type and field names are this protocol's, written out here, not read from the engine's records: renaming an
 * engine class or record component must not change what consumers read. A {@link Notification} type without a branch
 * here is rejected at runtime and fails {@code StatusMessagesDocumentedTest}, which also holds the docs to this
 * output.
 */
public final class StatusMessage {
    public static final String TYPE = "type";
    public static final String WORKFLOW = "workflow";
    public static final String INSTANCE_ID = "instanceId";
    public static final String AT = "at";
    public static final String VERSION = "version";
    public static final String STEP_ID = "stepId";
    public static final String COMMAND_ID = "commandId";
    public static final String ATTEMPT = "attempt";
    public static final String ERROR = "error";
    public static final String CALLS = "calls";
    public static final String RETRY_AT = "retryAt";
    public static final String OUTCOME = "outcome";
    public static final String FAILURE = "failure";
    public static final String REASON = "reason";
    public static final String REQUEST = "request";
    public static final String ACTION = "action";
    public static final String ACTOR = "actor";
    public static final String FROM_VERSION = "fromVersion";
    public static final String TO_VERSION = "toVersion";
    public static final String STARTS_AT = "startsAt";
    public static final String UNTIL = "until";
    public static final String ROUND = "round";
    public static final String NEXT_ROUND_AT = "nextRoundAt";

    /** The values of {@link #TYPE}. */
    public static final class Types {
        public static final String INSTANCE_STARTED = "InstanceStarted";
        public static final String STEP_STARTED = "StepStarted";
        public static final String STEP_COMPLETED = "StepCompleted";
        public static final String STEP_SKIPPED = "StepSkipped";
        public static final String STEP_FAILED = "StepFailed";
        public static final String STEP_RETRY_SCHEDULED = "StepRetryScheduled";
        public static final String STEP_TIMED_OUT = "StepTimedOut";
        public static final String STEP_ABANDONED = "StepAbandoned";
        public static final String INSTANCE_FAILING = "InstanceFailing";
        public static final String COMPENSATION_STARTED = "CompensationStarted";
        public static final String COMPENSATION_COMPLETED = "CompensationCompleted";
        public static final String COMPENSATION_FAILED = "CompensationFailed";
        public static final String INCIDENT_RAISED = "IncidentRaised";
        public static final String INSTANCE_COMPLETED = "InstanceCompleted";
        public static final String OUTCOME_IGNORED = "OutcomeIgnored";
        public static final String REQUEST_IGNORED = "RequestIgnored";
        public static final String STEP_REDRIVEN = "StepRedriven";
        public static final String OPERATOR_ACTED = "OperatorActed";
        public static final String INSTANCE_MIGRATED = "InstanceMigrated";
        public static final String INSTANCE_SCHEDULED = "InstanceScheduled";
        public static final String STEP_SLEEPING = "StepSleeping";
        public static final String STEP_ROUND_COMPLETED = "StepRoundCompleted";

        private Types() {}
    }

    private StatusMessage() {}

    public static byte[] toJson(Notification notification, String workflow) {
        return Writing.bytes(toMap(notification, workflow));
    }

    /** The JSON of a message made by {@link #toMap}, for a caller that read its type first. */
    public static byte[] toJson(Map<String, Object> message) {
        return Writing.bytes(message);
    }

    /**
     * The notification's fields in wire order.
     *
     * @param workflow the name of the instance's workflow, written for every type (for {@code InstanceStarted} in
     *     place of the record's own)
     * @throws IllegalArgumentException for a notification type this protocol has no wire form for (a bug: see the
     *     class comment)
     */
    public static Map<String, Object> toMap(Notification notification, String workflow) {
        // why: Java 17 has no pattern switch; StatusMessagesDocumentedTest stands in for its exhaustiveness check.
        if (notification instanceof InstanceStarted n) {
            return start(Types.INSTANCE_STARTED, workflow, n)
                    .number(VERSION, n.version())
                    .end(n);
        }
        if (notification instanceof StepStarted n) {
            return start(Types.STEP_STARTED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .number(ATTEMPT, n.attempt())
                    .end(n);
        }
        if (notification instanceof StepCompleted n) {
            return start(Types.STEP_COMPLETED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .end(n);
        }
        if (notification instanceof StepSkipped n) {
            return start(Types.STEP_SKIPPED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .end(n);
        }
        if (notification instanceof StepFailed n) {
            return start(Types.STEP_FAILED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .failure(ERROR, n.error())
                    .end(n);
        }
        if (notification instanceof StepRetryScheduled n) {
            return start(Types.STEP_RETRY_SCHEDULED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .failure(ERROR, n.error())
                    .number(CALLS, n.calls())
                    .time(RETRY_AT, n.retryAt())
                    .end(n);
        }
        if (notification instanceof StepTimedOut n) {
            return start(Types.STEP_TIMED_OUT, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .end(n);
        }
        if (notification instanceof StepAbandoned n) {
            return start(Types.STEP_ABANDONED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .end(n);
        }
        if (notification instanceof InstanceFailing n) {
            return start(Types.INSTANCE_FAILING, workflow, n)
                    .name(OUTCOME, n.outcome())
                    .failure(FAILURE, n.failure())
                    .end(n);
        }
        if (notification instanceof CompensationStarted n) {
            return start(Types.COMPENSATION_STARTED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .end(n);
        }
        if (notification instanceof CompensationCompleted n) {
            return start(Types.COMPENSATION_COMPLETED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .end(n);
        }
        if (notification instanceof CompensationFailed n) {
            return start(Types.COMPENSATION_FAILED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .failure(ERROR, n.error())
                    .end(n);
        }
        if (notification instanceof IncidentRaised n) {
            return start(Types.INCIDENT_RAISED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(REASON, n.reason())
                    .end(n);
        }
        if (notification instanceof InstanceCompleted n) {
            return start(Types.INSTANCE_COMPLETED, workflow, n)
                    .name(OUTCOME, n.outcome())
                    .end(n);
        }
        if (notification instanceof OutcomeIgnored n) {
            return start(Types.OUTCOME_IGNORED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .name(REASON, n.reason())
                    .end(n);
        }
        if (notification instanceof RequestIgnored n) {
            return start(Types.REQUEST_IGNORED, workflow, n)
                    .text(REQUEST, n.request())
                    .text(REASON, n.reason())
                    .end(n);
        }
        if (notification instanceof InstanceMigrated n) {
            return start(Types.INSTANCE_MIGRATED, workflow, n)
                    .number(FROM_VERSION, n.fromVersion())
                    .number(TO_VERSION, n.toVersion())
                    .end(n);
        }
        if (notification instanceof StepRedriven n) {
            return start(Types.STEP_REDRIVEN, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .end(n);
        }
        if (notification instanceof OperatorActed n) {
            return start(Types.OPERATOR_ACTED, workflow, n)
                    .name(ACTION, n.action())
                    .text(STEP_ID, n.stepId())
                    .text(ACTOR, n.actor())
                    .text(REASON, n.reason())
                    .end(n);
        }
        if (notification instanceof InstanceScheduled n) {
            return start(Types.INSTANCE_SCHEDULED, workflow, n)
                    .number(VERSION, n.version())
                    .time(STARTS_AT, n.startsAt())
                    .end(n);
        }
        if (notification instanceof StepSleeping n) {
            return start(Types.STEP_SLEEPING, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .time(UNTIL, n.until())
                    .end(n);
        }
        if (notification instanceof StepRoundCompleted n) {
            return start(Types.STEP_ROUND_COMPLETED, workflow, n)
                    .text(STEP_ID, n.stepId())
                    .text(COMMAND_ID, n.commandId())
                    .number(ROUND, n.round())
                    .time(NEXT_ROUND_AT, n.nextRoundAt())
                    .end(n);
        }
        throw new IllegalArgumentException("no wire form for the notification type "
                + notification.getClass().getName() + "; add one to StatusMessage and docs/protocol.md");
    }

    private static Body start(String type, String workflow, Notification n) {
        return new Body().text(TYPE, type).text(WORKFLOW, workflow).text(INSTANCE_ID, n.instanceId());
    }

    /** The fields of one message, in the order they are added; a null value is left out. */
    private static final class Body {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        Body text(String field, String value) {
            return put(field, value);
        }

        Body number(String field, int value) {
            return put(field, value);
        }

        Body name(String field, Enum<?> value) {
            return put(field, value == null ? null : value.name());
        }

        Body time(String field, Instant value) {
            return put(field, value == null ? null : value.toString());
        }

        Body failure(String field, Failure value) {
            return put(field, value == null ? null : ResultMessage.failure(value));
        }

        /** {@link #AT} comes last for every type. */
        Map<String, Object> end(Notification n) {
            return time(AT, n.at()).fields;
        }

        private Body put(String field, Object value) {
            if (value != null) {
                fields.put(field, value);
            }
            return this;
        }
    }
}
