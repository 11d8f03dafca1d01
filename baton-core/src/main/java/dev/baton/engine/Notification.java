package dev.baton.engine;

import java.time.Instant;

/**
 * What happened, for people and monitoring: the runtime publishes each one on {@code baton.status}. Names are in
 * the past tense; none of them is needed to rebuild state, which lives in {@link Instance}.
 */
public sealed interface Notification {
    String instanceId();

    Instant at();

    /** The wire name, e.g. {@code StepCompleted}. */
    default String type() {
        return getClass().getSimpleName();
    }

    record InstanceStarted(String instanceId, String workflow, int version, Instant at) implements Notification {}

    /**
     * A request with a later {@code startAt} recorded the instance: its first steps start at {@code startsAt}, when
     * {@link InstanceStarted} follows.
     */
    record InstanceScheduled(String instanceId, String workflow, int version, Instant startsAt, Instant at)
            implements Notification {}

    /** A step that sleeps sends nothing and wakes up at {@code until}; it follows the step's {@link StepStarted}. */
    record StepSleeping(String instanceId, String stepId, String commandId, Instant until, Instant at)
            implements Notification {}

    /**
     * Round {@code round} of a repeating step succeeded, but its {@code until} condition does not hold yet: the next
     * round goes out at {@code nextRoundAt} (with its own {@link StepStarted}).
     */
    record StepRoundCompleted(
            String instanceId, String stepId, String commandId, int round, Instant nextRoundAt, Instant at)
            implements Notification {}

    record StepStarted(String instanceId, String stepId, String commandId, int attempt, Instant at)
            implements Notification {}

    record StepCompleted(String instanceId, String stepId, String commandId, Instant at) implements Notification {}

    record StepSkipped(String instanceId, String stepId, Instant at) implements Notification {}

    record StepFailed(String instanceId, String stepId, String commandId, Failure error, Instant at)
            implements Notification {}

    /** A call of an HTTP step failed in a way worth trying again: the next call goes out at {@code retryAt}. */
    record StepRetryScheduled(
            String instanceId, String stepId, String commandId, Failure error, int calls, Instant retryAt, Instant at)
            implements Notification {}

    record StepTimedOut(String instanceId, String stepId, String commandId, Instant at) implements Notification {}

    /**
     * The instance stopped waiting for a running step (the item was cancelled or failed elsewhere while the step
     * waited for a signal or for a retry's backoff); a success that arrives later is compensated.
     */
    record StepAbandoned(String instanceId, String stepId, String commandId, Instant at) implements Notification {}

    /** A redrive reset the step: its earlier work does not stand, and it runs again when it is ready. */
    record StepRedriven(String instanceId, String stepId, Instant at) implements Notification {}

    /** The item has failed or was cancelled; published at once, before compensation runs. */
    record InstanceFailing(String instanceId, Outcome outcome, Failure failure, Instant at) implements Notification {}

    record CompensationStarted(String instanceId, String stepId, String commandId, Instant at)
            implements Notification {}

    record CompensationCompleted(String instanceId, String stepId, String commandId, Instant at)
            implements Notification {}

    record CompensationFailed(String instanceId, String stepId, String commandId, Failure error, Instant at)
            implements Notification {}

    /** The instance waits for an operator; {@code stepId} names the step at fault. */
    record IncidentRaised(String instanceId, String stepId, String reason, Instant at) implements Notification {}

    record InstanceCompleted(String instanceId, Outcome outcome, Instant at) implements Notification {}

    /** An outcome that changed nothing: a duplicate, an old attempt's, or one for a command Baton never sent. */
    record OutcomeIgnored(String instanceId, String stepId, String commandId, IgnoredBecause reason, Instant at)
            implements Notification {}

    /** A request or operator action that could not apply, e.g. a second start for the same instance id. */
    record RequestIgnored(String instanceId, String request, String reason, Instant at) implements Notification {}

    /**
     * An operator acted on the instance: who, what and why, for its timeline. The changes the action makes are told
     * by their own notifications (a step's moves, the item's outcome).
     *
     * @param stepId the step the action is about; {@code null} for the whole instance
     */
    record OperatorActed(
            String instanceId, OperatorAction action, String stepId, String actor, String reason, Instant at)
            implements Notification {}

    /** What an operator did, as {@link OperatorActed} tells it. */
    enum OperatorAction {
        PAUSE,
        RESUME,
        REDRIVE,
        COMPLETE_STEP,
        SKIP_STEP,
        MIGRATE,
        RERUN_STEP
    }

    /** An operator moved the instance to another version of its workflow. */
    record InstanceMigrated(String instanceId, int fromVersion, int toVersion, Instant at) implements Notification {}

    enum IgnoredBecause {
        /** The command already has an outcome. */
        DUPLICATE,
        /** The outcome is for an earlier attempt of the step. */
        STALE,
        /** The workflow has no such step. */
        UNKNOWN_STEP,
        /** Baton never sent a command with that id. */
        UNKNOWN_COMMAND
    }
}
