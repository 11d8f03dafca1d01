package dev.baton.engine;

import java.time.Instant;

/** A timer the runtime must set or clear; when one comes due it feeds {@link Inbound.FireTimeout} back in. */
public sealed interface TimerRequest {
    String instanceId();

    String commandId();

    record ScheduleTimeout(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}

    record CancelTimeout(String instanceId, String stepId, String commandId) implements TimerRequest {}
}
