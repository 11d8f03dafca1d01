package dev.baton.worker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.StepHandler;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Turns a handler and a command into exactly one {@link Outcome}: tries the handler, retries
 * per the {@link RetryPolicy} with backoff, and reports success or the last failure. Thread-safe.
 */
public final class RetryRunner {

    private static final System.Logger LOG = System.getLogger(RetryRunner.class.getName());

    /** Waits between tries; replaced in tests to avoid real sleeps. */
    @FunctionalInterface
    public interface Sleeper {
        /** Sleeps on the calling thread, interruptibly. */
        Sleeper THREAD = d -> {
            if (!d.isZero() && !d.isNegative()) {
                TimeUnit.NANOSECONDS.sleep(d.toNanos());
            }
        };

        /**
         * Waits.
         *
         * @param duration how long
         * @throws InterruptedException if the thread is interrupted (the worker is being closed
         *     forcibly)
         */
        void sleep(Duration duration) throws InterruptedException;
    }

    private final RetryPolicy policy;
    private final ObjectMapper mapper;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    /**
     * Creates a runner that really sleeps and draws jitter from {@link ThreadLocalRandom}.
     *
     * @param policy the retry policy
     * @param mapper the mapper for inputs and outputs
     */
    public RetryRunner(RetryPolicy policy, ObjectMapper mapper) {
        this(policy, mapper, Sleeper.THREAD, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Creates a runner.
     *
     * @param policy the retry policy
     * @param mapper the mapper for inputs and outputs
     * @param sleeper how to wait between tries
     * @param random the jitter source, values in {@code [0, 1)}
     */
    public RetryRunner(RetryPolicy policy, ObjectMapper mapper, Sleeper sleeper, DoubleSupplier random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Runs the handler for a command until it succeeds, fails for good, or runs out of tries.
     *
     * @param command the command
     * @param handler the handler
     * @return the outcome; empty only if the thread was interrupted (the worker is being closed
     *     forcibly), in which case nothing must be published and the command must not be
     *     committed
     */
    public Optional<Outcome> run(Command command, StepHandler handler) {
        for (int tryNumber = 1; ; tryNumber++) {
            if (tryNumber > 1) {
                Duration backoff = policy.backoffBefore(tryNumber, random);
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
            Object result;
            try {
                result = handler.handle(new DefaultStepContext(command, tryNumber, mapper));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (Throwable failure) {
                if (Thread.currentThread().isInterrupted()) {
                    return Optional.empty();
                }
                if (!policy.isRetryable(failure) || tryNumber >= policy.maxAttempts()) {
                    final int tries = tryNumber;
                    LOG.log(
                            Level.DEBUG,
                            () -> "Command " + command.commandId() + " failed after " + tries + " tries: " + failure);
                    return Optional.of(Outcome.failed(command, failure, tryNumber));
                }
                final int tries = tryNumber;
                LOG.log(
                        Level.DEBUG,
                        () -> "Command " + command.commandId() + " try " + tries + " failed, will retry: " + failure);
                continue;
            }
            JsonNode output;
            try {
                output = toJson(result);
            } catch (RuntimeException e) {
                // The handler did its work but returned something that is not JSON: retrying
                // would repeat the work and fail the same way.
                return Optional.of(Outcome.failed(
                        command,
                        Outcome.errorType(e),
                        "the handler's result cannot be written as JSON: " + e.getMessage(),
                        tryNumber));
            }
            return Optional.of(Outcome.succeeded(command, output, tryNumber));
        }
    }

    private JsonNode toJson(Object result) {
        if (result == null) {
            return null;
        }
        if (result instanceof JsonNode node) {
            return node;
        }
        return mapper.valueToTree(result);
    }
}
