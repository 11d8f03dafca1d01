package dev.baton.engine;

import java.time.Instant;

/**
 * Everything that can happen to an instance, as the engine receives it. Each carries the time it happened:
 * the engine never reads a clock, so replaying the same inputs gives the same decisions.
 */
public sealed interface Inbound {
    String instanceId();

    Instant at();

    /**
     * A start request: create the instance and start its first steps.
     *
     * @param workflow the workflow the request names (for the answer when it is not deployed); {@code null} when the
     *     caller passes its definition anyway
     * @param version the version the request names; {@code null} for the newest
     * @param parent the parent step when a workflow starts this one as a sub-workflow; {@code null} otherwise
     * @param startAt when the first steps are to start (a delayed start): the instance is recorded at once and waits
     *     till then; {@code null}, or a time not after {@code at}, starts them at once
     * @param deadline this instance's deadline, counted from its start, instead of the workflow's {@code
     *     deadline.after}; {@code null} for the workflow's (or none)
     */
    record StartInstance(
            String instanceId,
            String workflow,
            Integer version,
            Object input,
            String businessKey,
            ParentRef parent,
            Instant startAt,
            java.time.Duration deadline,
            Instant at)
            implements Inbound {

        public StartInstance(
                String instanceId,
                String workflow,
                Integer version,
                Object input,
                String businessKey,
                ParentRef parent,
                Instant at) {
            this(instanceId, workflow, version, input, businessKey, parent, null, null, at);
        }

        public StartInstance(String instanceId, Object input, String businessKey, ParentRef parent, Instant at) {
            this(instanceId, null, null, input, businessKey, parent, at);
        }

        public StartInstance(String instanceId, Object input, String businessKey, Instant at) {
            this(instanceId, null, null, input, businessKey, null, at);
        }
    }

    /**
     * A worker's absolute outcome for a command, execute or compensate: the engine tells which by the command id.
     *
     * @param succeeded {@code true} for SUCCEEDED, {@code false} for FAILED
     * @param output the worker's output on success
     * @param error the worker's error on failure
     * @param workerAttempts how many tries the worker made
     * @param retryable the failure may pass if the call is made again (HTTP steps: a status in the step's
     *     {@code retryOn}, or no answer); only steps with a retry policy act on it
     */
    record ReportOutcome(
            String instanceId,
            String stepId,
            String commandId,
            boolean succeeded,
            Object output,
            Failure error,
            int workerAttempts,
            boolean retryable,
            Instant at)
            implements Inbound {

        public ReportOutcome(
                String instanceId,
                String stepId,
                String commandId,
                boolean succeeded,
                Object output,
                Failure error,
                int workerAttempts,
                Instant at) {
            this(instanceId, stepId, commandId, succeeded, output, error, workerAttempts, false, at);
        }

        public static ReportOutcome success(
                String instanceId, String stepId, String commandId, Object output, Instant at) {
            return new ReportOutcome(instanceId, stepId, commandId, true, output, null, 1, at);
        }

        public static ReportOutcome failure(
                String instanceId, String stepId, String commandId, Failure error, Instant at) {
            return new ReportOutcome(instanceId, stepId, commandId, false, null, error, 1, at);
        }
    }

    /** A step's timeout came due; ignored unless that command is still running. */
    record FireTimeout(String instanceId, String stepId, String commandId, Instant at) implements Inbound {}

    /**
     * The time a step waited for has come: a sleep wakes up, or a repeating step's next round is due. Ignored unless
     * the step still waits for that time under {@code commandId}.
     */
    record FireWake(String instanceId, String stepId, String commandId, Instant at) implements Inbound {}

    /** A delayed start is due: the instance's first steps start. Ignored unless the instance still waits for it. */
    record FireStart(String instanceId, Instant at) implements Inbound {}

    /** The workflow's deadline passed for this instance. Ignored unless the instance is still running. */
    record FireDeadline(String instanceId, Instant at) implements Inbound {}

    /**
     * The backoff after a retryable failure of {@code commandId} is over: the step's next call goes out. Ignored unless
     * the step still waits to call again after that command.
     */
    record FireRetry(String instanceId, String stepId, String commandId, Instant at) implements Inbound {}

    /**
     * The retention of a completed instance ran out: it is forgotten, unless a compensation is still open (a late
     * success being compensated, or a failed compensation waiting for an operator).
     */
    record FirePurge(String instanceId, Instant at) implements Inbound {}

    /** An operator cancels the instance: nothing new starts and completed steps are compensated. */
    record CancelInstance(String instanceId, String reason, Instant at) implements Inbound {}

    /**
     * An operator resolves an incident: a failed step (with {@code onFailure: wait}) runs again with the next
     * attempt, or a failed compensation is sent again.
     *
     * @param stepId the step to retry, or {@code null} for every step the incident is about
     */
    record RetryInstance(String instanceId, String stepId, Instant at) implements Inbound {}

    /**
     * A parent asks the completed sub-workflow it started to compensate its work: every succeeded step with a
     * compensation is compensated (in reverse dependency order, as after a failure), and the outcome goes back to the parent as the
     * outcome of {@code requester.commandId()}, the parent step's compensate command.
     */
    record CompensateInstance(String instanceId, ParentRef requester, Instant at) implements Inbound {}

    /**
     * An external event for a running instance: every step waiting for a signal of this name succeeds, with the
     * payload as its output. A signal no step waits for changes nothing.
     */
    record DeliverSignal(String instanceId, String name, Object payload, Instant at) implements Inbound {}

    /**
     * The event a step waits for arrived (or was buffered when it started): the step succeeds with {@code event} as
     * its output, if it still waits under {@code commandId}; otherwise the delivery changes nothing.
     *
     * @param event the record: {@code {"topic", "key", "value", "timestamp"}}
     * @param taken where the event goes back to when the step no longer waits, because the delivery took it from
     *     the correlation ({@code consume: one}); {@code null} when it was only read
     */
    record DeliverEvent(String instanceId, String stepId, String commandId, Object event, Taken taken, Instant at)
            implements Inbound {

        public DeliverEvent(String instanceId, String stepId, String commandId, Object event, Instant at) {
            this(instanceId, stepId, commandId, event, null, at);
        }

        /**
         * An event a delivery took from the correlation.
         *
         * @param correlationKey the key it is kept under: topic, correlation field and value
         * @param expiresAt when it would have expired had no step taken it
         */
        public record Taken(String correlationKey, Instant expiresAt) {}
    }

    /**
     * An operator pauses the instance: it goes on recording outcomes, signals and timers, but sends nothing (no
     * command, call, child start, compensation or result) until it is resumed.
     *
     * @param actor who asks (the access token's name), recorded in the timeline
     * @param reason why; operators must say
     */
    record PauseInstance(String instanceId, String actor, String reason, Instant at) implements Inbound {}

    /** An operator resumes a paused instance: what became due meanwhile goes out now. */
    record ResumeInstance(String instanceId, String actor, String reason, Instant at) implements Inbound {}

    /**
     * An operator runs a completed instance whose item failed or was cancelled again, from where it failed: steps
     * that failed, timed out, were abandoned or were compensated run again under new attempts; steps whose work
     * still stands (succeeded and not compensated, or skipped) are kept.
     */
    record RedriveInstance(String instanceId, String actor, String reason, Instant at) implements Inbound {}

    /**
     * An operator completes a step by hand with an output, as if its worker had succeeded: a step that is running,
     * waiting to call again, failed or timed out while the item still stands.
     */
    record CompleteStep(String instanceId, String stepId, Object output, String actor, String reason, Instant at)
            implements Inbound {}

    /**
     * An operator runs a step again, and every step after it: on a completed instance or one in an incident, whose
     * steps upstream of this one all stand. With {@code input}, the step's next attempt gets it instead of its mapped
     * input.
     */
    record RerunStep(String instanceId, String stepId, Object input, String actor, String reason, Instant at)
            implements Inbound {}

    /** An operator skips a step that has not succeeded, while the item still stands; a skip counts as done. */
    record SkipStep(String instanceId, String stepId, String actor, String reason, Instant at) implements Inbound {}

    /**
     * An operator moves a running instance to another version of its workflow.
     *
     * @param target the version to move to, as deployed; {@code null} when it is not deployed
     * @param mapping old step id to new step id, for steps the new version renamed; others keep their ids
     */
    record MigrateInstance(
            String instanceId,
            dev.baton.definition.WorkflowDefinition target,
            java.util.Map<String, String> mapping,
            String actor,
            String reason,
            Instant at)
            implements Inbound {
        public MigrateInstance {
            mapping = mapping == null ? java.util.Map.of() : java.util.Map.copyOf(mapping);
        }
    }
}
