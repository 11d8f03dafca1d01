package dev.baton.engine;

import java.util.List;

/** A message the engine decided to publish. The runtime adds transport details (callback topic, headers). */
public sealed interface Outbound {
    String topic();

    String instanceId();

    /** A command to a worker: do a step, or undo it. */
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
}
