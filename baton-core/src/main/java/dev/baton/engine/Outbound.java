package dev.baton.engine;

import dev.baton.definition.HttpStep;
import java.util.List;

/** A message the engine decided to publish. The runtime adds transport details (topics, callback topic, headers). */
public sealed interface Outbound {
    /** The instance whose decision this is. */
    String instanceId();

    /** A command to a worker: execute a step, or compensate it. */
    record StepCommand(
            String topic,
            String instanceId,
            String workflow,
            String stepId,
            String commandId,
            CommandKind kind,
            int attempt,
            Object input)
            implements Outbound {}

    /**
     * The one result of an instance, written when its process completes.
     *
     * @param outcome the item's outcome
     * @param output each succeeded step's output under its step id, when the item succeeded
     * @param error what failed, or why it was cancelled, otherwise
     * @param compensated steps whose compensation succeeded, in order
     */
    record WorkflowResult(
            String topic,
            String instanceId,
            String workflow,
            int version,
            Outcome outcome,
            Object output,
            Failure error,
            List<String> compensated)
            implements Outbound {}

    /**
     * A call of an HTTP step, which the runtime hands to its HTTP executor; the executor reports the outcome of
     * {@code commandId} on the callback topic like a worker.
     *
     * @param idempotencyKey the same for every call of one run of the step (the run's first command id)
     * @param url the step's URL with its placeholders filled in
     * @param body the step's input, sent as the JSON body for POST, PUT and PATCH
     */
    record HttpCall(
            String instanceId,
            String workflow,
            String stepId,
            String commandId,
            int attempt,
            String idempotencyKey,
            HttpStep http,
            String url,
            Object body)
            implements Outbound {}

    /**
     * Starts a sub-workflow: a start request for {@code childInstanceId}, which the runtime writes to the requests
     * topic, carrying the parent step the child reports back to.
     *
     * @param version the version to start; {@code null} for the newest deployed
     */
    record StartChild(
            String instanceId,
            String childInstanceId,
            String workflow,
            Integer version,
            Object input,
            String businessKey,
            ParentRef parent)
            implements Outbound {}

    /** Cancels a running sub-workflow whose parent no longer wants its outcome (an operator request to the child). */
    record CancelChild(String instanceId, String childInstanceId, String reason) implements Outbound {}

    /**
     * Asks a completed sub-workflow to compensate its steps and report to {@code parent} (the parent's compensate
     * command).
     */
    record CompensateChild(String instanceId, String childInstanceId, ParentRef parent) implements Outbound {}

    /**
     * A sub-workflow's outcome for its parent: the runtime writes it as a worker outcome of {@code parent.commandId()}
     * to the callback topic, keyed by the parent's instance id, so the parent takes it like any worker's.
     */
    record ParentOutcome(String instanceId, ParentRef parent, boolean succeeded, Object output, Failure error)
            implements Outbound {}

    /**
     * A step starts waiting for an event: the runtime tells its event correlation, which hands it the oldest
     * buffered event that matches, or the next one to arrive, as a {@link Inbound.DeliverEvent} for {@code commandId}.
     *
     * @param field the correlation field in the event ({@code key} or a path into its value)
     * @param correlation the value the event's field must have, as {@link dev.baton.definition.EventWait#correlationText}
     */
    record SubscribeEvent(
            String instanceId,
            String stepId,
            String commandId,
            String topic,
            String field,
            String correlation,
            dev.baton.definition.EventWait.Consume consume)
            implements Outbound {}

    /** A step stopped waiting for its event (it got one, timed out, was abandoned, skipped or completed by hand). */
    record UnsubscribeEvent(
            String instanceId, String stepId, String commandId, String topic, String field, String correlation)
            implements Outbound {}

    /**
     * An event that was taken for a step that no longer waited (it timed out, say, as the event arrived): it goes back
     * to the correlation under its key, to be kept for the rest of its time or to reach another waiting step.
     */
    record ReturnEvent(String instanceId, String correlationKey, Object event, java.time.Instant expiresAt)
            implements Outbound {}

    /**
     * A record an emit step publishes to a topic of the user's: the runtime writes it with the decision's state
     * change, in one transaction, so it is published exactly once per run of the step.
     *
     * @param key the record key (the mapped key, or the instance id)
     * @param value the record value, a JSON tree
     * @param type the CloudEvents type it carries
     * @param eventId the CloudEvents id: the run's command id, the same if the decision is ever replayed
     */
    record Emit(String instanceId, String stepId, String topic, String key, Object value, String type, String eventId)
            implements Outbound {}
}
