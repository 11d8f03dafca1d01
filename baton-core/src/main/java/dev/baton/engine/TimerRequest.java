package dev.baton.engine;

import java.time.Instant;

/**
 * A timer the runtime must set or clear; when one comes due it feeds {@link Inbound.FireTimeout} (a step's timeout) or
 * {@link Inbound.FireRetry} (the end of a retry's backoff) back in.
 */
public sealed interface TimerRequest {
    String instanceId();

    String commandId();

    Instant dueAt();

    record ScheduleTimeout(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}

    /** {@code dueAt} is the time the timer was scheduled for, so a runtime can find it in a time-ordered index. */
    record CancelTimeout(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}

    /** Call again after a retryable failure of {@code commandId}, at {@code dueAt}. */
    record ScheduleRetry(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}

    /** The retry is no longer wanted (the step succeeded after all, or was abandoned). */
    record CancelRetry(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}
}
