package dev.baton.engine;

import java.time.Instant;

/**
 * A timer the runtime must set or clear; when one comes due it feeds {@link Inbound.FireTimeout} (a step's timeout),
 * {@link Inbound.FireRetry} (the end of a retry's backoff), {@link Inbound.FirePurge} (the end of a completed
 * instance's retention), {@link Inbound.FireWake} (a sleep's wake time, a repeating step's next round),
 * {@link Inbound.FireStart} (a delayed start) or {@link Inbound.FireDeadline} (a workflow's deadline) back in.
 */
public sealed interface TimerRequest {
    String instanceId();

    /**
     * The command the timer is about; {@code null} for a purge, a delayed start and a deadline, which are about the
     * whole instance.
     */
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

    /** Wake the step up at {@code dueAt}: a sleep ends, or a repeating step's next round goes out. */
    record ScheduleWake(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}

    /** The wake-up is no longer wanted (the step was abandoned, completed or skipped by hand). */
    record CancelWake(String instanceId, String stepId, String commandId, Instant dueAt) implements TimerRequest {}

    /** Start the recorded instance's first steps at {@code dueAt}. */
    record ScheduleStart(String instanceId, Instant dueAt) implements TimerRequest {
        @Override
        public String commandId() {
            return null;
        }
    }

    /** The delayed start is no longer wanted: the instance was cancelled first. */
    record CancelStart(String instanceId, Instant dueAt) implements TimerRequest {
        @Override
        public String commandId() {
            return null;
        }
    }

    /** The workflow's deadline for the instance passes at {@code dueAt}. */
    record ScheduleDeadline(String instanceId, Instant dueAt) implements TimerRequest {
        @Override
        public String commandId() {
            return null;
        }
    }

    /** The instance completed before its deadline. */
    record CancelDeadline(String instanceId, Instant dueAt) implements TimerRequest {
        @Override
        public String commandId() {
            return null;
        }
    }
}
