package dev.baton.server.runtime;

import dev.baton.engine.Inbound;
import dev.baton.engine.Inbound.FireDeadline;
import dev.baton.engine.Inbound.FirePurge;
import dev.baton.engine.Inbound.FireRetry;
import dev.baton.engine.Inbound.FireStart;
import dev.baton.engine.Inbound.FireTimeout;
import dev.baton.engine.Inbound.FireWake;
import java.time.Instant;
import java.util.Objects;

/**
 * A timer in the {@link TimerStore}: what is due, for which instance, and when.
 *
 * @param stepId the step the timer belongs to; null for a timer about the whole instance (a purge, a delayed start, a
 *     deadline)
 * @param commandId the command the timer belongs to; null for a timer about the whole instance
 * @param failures how many times firing this timer has failed so far (0 for a timer that never fired)
 */
record DueTimer(Kind kind, String instanceId, String stepId, String commandId, Instant dueAt, int failures) {

    /** What comes due. The wire names are the codec's and never change with the Java names. */
    enum Kind {
        /** A step's timeout: the step fails if its outcome has not arrived. */
        STEP_TIMEOUT("timeout"),
        /** The end of a retry's backoff: the step is called again. */
        RETRY_BACKOFF("retry"),
        /** The end of a finished instance's retention: it leaves the instance store. */
        PURGE("purge"),
        /** A sleep's wake time, or a repeating step's next round. */
        WAKE("wake"),
        /** A delayed start: the instance's first steps start. */
        START("start"),
        /** A workflow's deadline for the instance. */
        DEADLINE("deadline");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        String wireName() {
            return wireName;
        }

        /** About the whole instance, not about one step's command. */
        boolean aboutTheInstance() {
            return this == PURGE || this == START || this == DEADLINE;
        }

        /** Starts the id part of the key of a timer about the whole instance; no step's command id starts so. */
        char mark() {
            return switch (this) {
                case PURGE -> TimerCodec.PURGE_MARK;
                case START -> TimerCodec.START_MARK;
                case DEADLINE -> TimerCodec.DEADLINE_MARK;
                default -> throw new IllegalStateException(wireName + " timers are keyed by their command id");
            };
        }

        static Kind ofWireName(String name) {
            for (Kind k : values()) {
                if (k.wireName.equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown timer kind '" + name + "'");
        }
    }

    DueTimer {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(dueAt, "dueAt");
        if (kind.aboutTheInstance() ? stepId != null || commandId != null : stepId == null || commandId == null) {
            throw new IllegalArgumentException("a purge has no step and no command (nor has a start or a deadline); a "
                    + kind.wireName() + " timer has both");
        }
        if (failures < 0) {
            throw new IllegalArgumentException("failures must not be negative");
        }
    }

    static DueTimer stepTimeout(String instanceId, String stepId, String commandId, Instant dueAt) {
        return new DueTimer(Kind.STEP_TIMEOUT, instanceId, stepId, commandId, dueAt, 0);
    }

    static DueTimer retryBackoff(String instanceId, String stepId, String commandId, Instant dueAt) {
        return new DueTimer(Kind.RETRY_BACKOFF, instanceId, stepId, commandId, dueAt, 0);
    }

    static DueTimer purge(String instanceId, Instant dueAt) {
        return new DueTimer(Kind.PURGE, instanceId, null, null, dueAt, 0);
    }

    static DueTimer wake(String instanceId, String stepId, String commandId, Instant dueAt) {
        return new DueTimer(Kind.WAKE, instanceId, stepId, commandId, dueAt, 0);
    }

    static DueTimer start(String instanceId, Instant dueAt) {
        return new DueTimer(Kind.START, instanceId, null, null, dueAt, 0);
    }

    static DueTimer deadline(String instanceId, Instant dueAt) {
        return new DueTimer(Kind.DEADLINE, instanceId, null, null, dueAt, 0);
    }

    /** The same timer after one more failed firing, due again at {@code dueAt}. */
    DueTimer failedOnceMore(Instant dueAt) {
        return new DueTimer(kind, instanceId, stepId, commandId, dueAt, failures + 1);
    }

    /** The event this timer feeds to the engine; a purge feeds none (the runtime applies the retention itself). */
    Inbound toInbound(Instant now) {
        return switch (kind) {
            case STEP_TIMEOUT -> new FireTimeout(instanceId, stepId, commandId, now);
            case RETRY_BACKOFF -> new FireRetry(instanceId, stepId, commandId, now);
            case PURGE -> new FirePurge(instanceId, now);
            case WAKE -> new FireWake(instanceId, stepId, commandId, now);
            case START -> new FireStart(instanceId, now);
            case DEADLINE -> new FireDeadline(instanceId, now);
        };
    }

    /** Its key in the store: see {@link TimerCodec#key}. */
    String key() {
        return TimerCodec.key(dueAt, kind.aboutTheInstance() ? kind.mark() + instanceId : commandId);
    }
}
