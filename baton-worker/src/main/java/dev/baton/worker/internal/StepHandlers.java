package dev.baton.worker.internal;

import dev.baton.worker.StepHandler;
import java.util.Objects;
import java.util.Optional;

/**
 * A worker's handlers and the rule of which one answers a command: {@code execute} commands go to
 * the execute handler, {@code compensate} commands to the compensation handler, each through the
 * {@link RetryRunner}; anything else fails at once. Shared by the {@link CommandLoop} and the test
 * kit ({@code baton-worker-testkit}), so that a handler test sees the outcome a running worker
 * would publish. Thread-safe if the handlers are.
 */
public final class StepHandlers {

    /** The error type of a compensate command that reached a worker without a compensation handler. */
    public static final String NO_COMPENSATION_HANDLER = "NoCompensationHandler";
    /** The error type of a command whose {@code kind} is neither {@code execute} nor {@code compensate}. */
    public static final String UNKNOWN_COMMAND_KIND = "UnknownCommandKind";

    private final StepHandler execute;
    private final StepHandler compensate;
    private final String groupId;
    private final RetryRunner retryRunner;

    /**
     * Creates the handlers of one worker.
     *
     * @param execute the execute handler
     * @param compensate the compensation handler, or null for none
     * @param groupId the worker's consumer group, named in the failure of a compensate command
     *     without a handler
     * @param retryRunner runs a handler with the worker's retries
     */
    public StepHandlers(StepHandler execute, StepHandler compensate, String groupId, RetryRunner retryRunner) {
        this.execute = Objects.requireNonNull(execute, "execute");
        this.compensate = compensate;
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.retryRunner = Objects.requireNonNull(retryRunner, "retryRunner");
    }

    /**
     * Answers a command: the one absolute outcome to publish for it.
     *
     * @param command the command
     * @return the outcome; empty only if the thread was interrupted (the worker is being closed
     *     forcibly), in which case nothing must be published and the command must not be committed
     */
    public Optional<Outcome> answer(Command command) {
        try {
            return choose(command);
        } catch (RuntimeException e) {
            // why: a failure outside the handler (e.g. in the retry machinery) must still give the
            // command its one outcome, or the instance would wait for it forever.
            return Optional.of(Outcome.failed(command, e, 0));
        }
    }

    private Optional<Outcome> choose(Command command) {
        if (command.isExecute()) {
            return retryRunner.run(command, execute);
        }
        if (command.isCompensate()) {
            if (compensate == null) {
                return Optional.of(Outcome.failed(
                        command,
                        NO_COMPENSATION_HANDLER,
                        "worker group " + groupId + " has no compensation handler for step " + command.stepId(),
                        0));
            }
            return retryRunner.run(command, compensate);
        }
        return Optional.of(
                Outcome.failed(command, UNKNOWN_COMMAND_KIND, "unknown command kind '" + command.kind() + "'", 0));
    }
}
