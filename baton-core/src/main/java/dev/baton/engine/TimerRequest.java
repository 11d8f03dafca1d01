package dev.baton.engine;

import java.time.Instant;

/**
 * A timer the runtime must set or clear; when one comes due it feeds {@link Inbound.FireTimeout} (a step's timeout),
 * {@link Inbound.FireRetry} (the end of a retry's backoff) or {@link Inbound.FirePurge} (the end of a completed
 * instance's retention) back in.
 */
public sealed interface TimerRequest {
    String instanceId();

    /** The command the timer is about; {@code null} for a purge, which is about the whole instance. */
    String commandId();

    Instant dueAt();

    /** Forget the completed instance at {@code dueAt}, when its retention runs out. */
    record SchedulePurge(String instanceId, Instant dueAt) implements TimerRequest {
        @Override
        public String commandId() {
            return null;
        }
    }

    record ScheduleTimeout(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}

    /** {@code dueAt} is the time the timer was scheduled for, so a runtime can find it in a time-ordered index. */
    record CancelTimeout(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}

    /** Call again after a retryable failure of {@code commandId}, at {@code dueAt}. */
    record ScheduleRetry(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}

    /** The retry is no longer wanted (the step succeeded after all, or was abandoned). */
    record CancelRetry(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}
}
