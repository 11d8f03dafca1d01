package dev.baton.worker.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.StepHandler;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import dev.baton.worker.internal.Outcome;
import dev.baton.worker.internal.RetryRunner;
import dev.baton.worker.internal.StepHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Runs a worker's handlers the way a {@link Worker} does, without Kafka and without sleeping: the
 * same choice of handler by command kind, the same retries under the {@link RetryPolicy}, the same
 * outcome. {@link #run(TestStepContext)} returns the {@link TestOutcome} the worker would publish.
 * The backoffs between tries are recorded instead of waited out, and their jitter comes from a
 * source the test controls (by default none: every backoff is the policy's middle value).
 *
 * <p>Immutable and thread-safe if the handlers are. Not covered (they need a broker): offsets,
 * redelivery of a command whose outcome was already published, the outcome topic copy, and
 * concurrency.
 *
 * <pre>{@code
 * TestWorker worker = TestWorker.newBuilder(charge)
 *     .onCompensate(refund)
 *     .retryPolicy(RetryPolicy.newBuilder().maxAttempts(3).initialBackoff(Duration.ofSeconds(1)).build())
 *     .build();
 *
 * TestOutcome outcome = worker.run(TestStepContext.ofInput(Map.of("amount", 25)));
 * assertThat(outcome.isSucceeded()).isTrue();
 * assertThat(outcome.output().get("paymentId").asText()).startsWith("p-");
 *
 * TestOutcome refunded = worker.run(TestStepContext.newBuilder()
 *     .compensation(Map.of("amount", 25), outcome.output())
 *     .build());
 * }</pre>
 */
public final class TestWorker {

    /** why: 0.5 is the jitter source's middle, which gives each backoff without jitter. */
    private static final DoubleSupplier NO_JITTER = () -> 0.5;

    private final StepHandler execute;
    private final StepHandler compensate;
    private final RetryPolicy retryPolicy;
    private final ObjectMapper mapper;
    private final String groupId;
    private final DoubleSupplier jitter;

    private TestWorker(Builder b) {
        this.execute = b.execute;
        this.compensate = b.compensate;
        this.retryPolicy = b.retryPolicy;
        this.mapper = b.mapper;
        this.groupId = b.groupId;
        this.jitter = b.jitter;
    }

    /**
     * A test worker with the SDK's default options and no compensation handler, e.g.
     * {@code TestWorker.of(ctx -> Map.of("ok", true))}.
     *
     * @param execute the handler of {@code execute} commands
     * @return the test worker
     */
    public static TestWorker of(StepHandler execute) {
        return newBuilder(execute).build();
    }

    /**
     * Starts a builder with the SDK's defaults: {@link RetryPolicy#getDefaultInstance()}, the
     * default {@code ObjectMapper}, no compensation handler, no jitter.
     *
     * @param execute the handler of {@code execute} commands
     * @return a new builder
     */
    public static Builder newBuilder(StepHandler execute) {
        return new Builder(execute);
    }

    /**
     * Runs one command to its absolute outcome: the execute handler for an execute command, the
     * compensation handler for a compensate command ({@link TestStepContext#isCompensation()}),
     * retried as the policy says. The handler sees the command with try numbers 1, 2, ...; the
     * context's own {@link TestStepContext#tryNumber()} is not used.
     *
     * @param command the command; its instance, step and command ids, attempt and input reach the
     *     handler unchanged
     * @return the outcome the worker would publish
     * @throws IllegalStateException if the handler was interrupted: a worker then publishes
     *     nothing and the command is delivered again (the thread's interrupt flag is cleared)
     */
    public TestOutcome run(TestStepContext command) {
        Objects.requireNonNull(command, "command");
        List<Duration> backoffs = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        RetryRunner runner = new RetryRunner(retryPolicy, mapper, backoffs::add, jitter);
        StepHandlers handlers = new StepHandlers(
                recording(execute, failures),
                compensate == null ? null : recording(compensate, failures),
                groupId,
                runner);
        Optional<Outcome> outcome = handlers.answer(command.command());
        if (outcome.isEmpty()) {
            Thread.interrupted();
            throw new IllegalStateException("the handler of " + command.commandId()
                    + " was interrupted: a worker would publish no outcome and the command would be delivered again");
        }
        return new TestOutcome(outcome.get(), backoffs, failures, mapper);
    }

    private static StepHandler recording(StepHandler handler, List<Throwable> failures) {
        return ctx -> {
            try {
                return handler.handle(ctx);
            } catch (Throwable t) {
                failures.add(t);
                throw t;
            }
        };
    }

    /**
     * The retry policy the handlers run under.
     *
     * @return the policy
     */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /**
     * A short description.
     *
     * @return e.g. {@code TestWorker{retryPolicy=..., compensation=true}}
     */
    @Override
    public String toString() {
        return "TestWorker{retryPolicy=" + retryPolicy + ", compensation=" + (compensate != null) + '}';
    }

    /**
     * Builds a {@link TestWorker}; not thread-safe. Setters check their argument at once.
     *
     * <pre>{@code
     * TestWorker worker = TestWorker.newBuilder(handler)
     *     .options(myWorkerOptions)          // the retry policy and mapper the real worker uses
     *     .jitter(() -> 0.0)                 // the shortest backoffs
     *     .build();
     * }</pre>
     */
    public static final class Builder {

        private final StepHandler execute;
        private StepHandler compensate;
        private RetryPolicy retryPolicy = TestStepContext.DEFAULT_OPTIONS.retryPolicy();
        private ObjectMapper mapper = TestStepContext.DEFAULT_OPTIONS.objectMapper();
        private String groupId = TestStepContext.DEFAULT_OPTIONS.groupId();
        private DoubleSupplier jitter = NO_JITTER;

        private Builder(StepHandler execute) {
            this.execute = Objects.requireNonNull(execute, "execute");
        }

        /**
         * The handler of {@code compensate} commands, as {@link Worker#onCompensate(StepHandler)}
         * registers it. Without one, compensate commands fail with error type
         * {@code "NoCompensationHandler"}, as on a worker. Default none.
         *
         * @param compensate the compensation handler
         * @return this builder
         */
        public Builder onCompensate(StepHandler compensate) {
            this.compensate = Objects.requireNonNull(compensate, "compensate");
            return this;
        }

        /**
         * Takes the retry policy, the mapper and the group id from the options the real worker is
         * created with. Later calls of {@link #retryPolicy} and {@link #objectMapper} override
         * them. Default: the SDK's default options.
         *
         * @param options the worker's options
         * @return this builder
         */
        public Builder options(WorkerOptions options) {
            Objects.requireNonNull(options, "options");
            this.retryPolicy = options.retryPolicy();
            this.mapper = options.objectMapper();
            this.groupId = options.groupId();
            return this;
        }

        /**
         * How failing tries are retried. Default {@link RetryPolicy#getDefaultInstance()} (3 tries).
         *
         * @param retryPolicy the policy; {@link RetryPolicy#none()} for one try only
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * The mapper for inputs and outputs; use the one your {@code WorkerOptions} use (and the
         * same for your {@link TestStepContext}s). Default: the SDK's default mapper.
         *
         * @param mapper the mapper
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Where each backoff's jitter comes from: values in {@code [0, 1)}, as
         * {@link RetryPolicy#backoffBefore(int, DoubleSupplier)} takes them; 0 gives the shortest
         * backoff, 0.5 the one without jitter. Default: always 0.5.
         *
         * @param jitter the source of numbers
         * @return this builder
         */
        public Builder jitter(DoubleSupplier jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        /**
         * Builds the test worker.
         *
         * @return an immutable test worker
         */
        public TestWorker build() {
            return new TestWorker(this);
        }
    }
}
