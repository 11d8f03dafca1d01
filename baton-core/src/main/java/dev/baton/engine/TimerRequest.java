package dev.baton.engine;

import java.time.Instant;

/** A timer the runtime must set or clear; when one comes due it feeds {@link Inbound.FireTimeout} back in. */
public sealed interface TimerRequest {
    String instanceId();

    String commandId();

    Instant dueAt();

    record ScheduleTimeout(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}

    /** {@code dueAt} is the time the timer was scheduled for, so a runtime can find it in a time-ordered index. */
    record CancelTimeout(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}
}
