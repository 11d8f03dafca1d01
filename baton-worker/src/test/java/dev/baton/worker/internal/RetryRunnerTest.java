package dev.baton.worker.internal;

import static dev.baton.worker.internal.TestCommands.MAPPER;
import static dev.baton.worker.internal.TestCommands.command;
import static dev.baton.worker.internal.TestCommands.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.worker.NonRetryableException;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.StepContext;
import dev.baton.worker.StepHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryRunnerTest {

    private final List<Duration> sleeps = new ArrayList<>();
    private final RetryPolicy policy = RetryPolicy.newBuilder()
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(100))
            .jitter(0.2)
            .doNotRetry(IOException.class)
            .build();
    private final RetryRunner runner = new RetryRunner(policy, MAPPER, sleeps::add, () -> 0.5);
    private final Command command = command("i-1", "charge", 1, Command.EXECUTE, json("{\"amount\":25.0}"));

    @Test
    void succeedsAfterTwoFailuresWithOneSucceededOutcome() {
        List<Integer> tries = new ArrayList<>();
        Optional<Outcome> outcome = runner.run(command, ctx -> {
            tries.add(ctx.tryNumber());
            if (ctx.tryNumber() < 3) {
                throw new IllegalStateException("flaky " + ctx.tryNumber());
            }
            return java.util.Map.of("paymentId", "p-77");
        });
        assertThat(outcome).isPresent();
        Outcome o = outcome.get();
        assertThat(o.status()).isEqualTo(Outcome.Status.SUCCEEDED);
        assertThat(o.attempts()).isEqualTo(3);
        assertThat(o.output()).isEqualTo(json("{\"paymentId\":\"p-77\"}"));
        assertThat(tries).containsExactly(1, 2, 3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void exhaustedRetriesGiveOneFailedOutcomeWithTheLastError() {
        AtomicInteger calls = new AtomicInteger();
        Outcome o = runner.run(command, ctx -> {
                    throw new IllegalStateException("down " + calls.incrementAndGet());
                })
                .orElseThrow();
        assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
        assertThat(o.attempts()).isEqualTo(3);
        assertThat(o.errorType()).isEqualTo("IllegalStateException");
        assertThat(o.errorMessage()).isEqualTo("down 3");
        assertThat(o.output()).isNull();
        assertThat(calls).hasValue(3);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void nonRetryableFailsAfterOneTry() {
        AtomicInteger calls = new AtomicInteger();
        Outcome o = runner.run(command, ctx -> {
                    calls.incrementAndGet();
                    throw NonRetryableException.ofType("CardDeclined", "card declined by issuer");
                })
                .orElseThrow();
        assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
        assertThat(o.attempts()).isEqualTo(1);
        assertThat(o.errorType()).isEqualTo("CardDeclined");
        assertThat(o.errorMessage()).isEqualTo("card declined by issuer");
        assertThat(calls).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void plainNonRetryableExceptionHasItsOwnType() {
        Outcome o = runner.run(command, ctx -> {
                    throw new NonRetryableException("bad", new IllegalStateException());
                })
                .orElseThrow();
        assertThat(o.errorType()).isEqualTo("NonRetryableException");
        assertThat(o.errorMessage()).isEqualTo("bad");
    }

    @Test
    void doNotRetryTypesFailAfterOneTry() {
        AtomicInteger calls = new AtomicInteger();
        Outcome o = runner.run(command, ctx -> {
                    calls.incrementAndGet();
                    throw new java.io.FileNotFoundException("gone"); // subclass of IOException
                })
                .orElseThrow();
        assertThat(o.attempts()).isEqualTo(1);
        assertThat(o.errorType()).isEqualTo("FileNotFoundException");
        assertThat(calls).hasValue(1);
    }

    @Test
    void noRetryPolicyTriesOnce() {
        RetryRunner once = new RetryRunner(RetryPolicy.none(), MAPPER, sleeps::add, () -> 0.5);
        Outcome o = once.run(command, ctx -> {
                    throw new IllegalStateException();
                })
                .orElseThrow();
        assertThat(o.attempts()).isEqualTo(1);
        assertThat(o.errorMessage()).isEqualTo("java.lang.IllegalStateException"); // no message: class name
    }

    @Test
    void contextCarriesTheCommand() {
        record Charge(double amount) {}
        List<StepContext> seen = new ArrayList<>();
        Outcome o = runner.run(command, ctx -> {
                    seen.add(ctx);
                    return ctx.inputAs(Charge.class);
                })
                .orElseThrow();
        StepContext ctx = seen.get(0);
        assertThat(ctx.instanceId()).isEqualTo("i-1");
        assertThat(ctx.stepId()).isEqualTo("charge");
        assertThat(ctx.commandId()).isEqualTo("i-1/charge/1");
        assertThat(ctx.workflow()).isEqualTo("order-fulfilment");
        assertThat(ctx.attempt()).isEqualTo(1);
        assertThat(ctx.tryNumber()).isEqualTo(1);
        assertThat(ctx.input()).isEqualTo(json("{\"amount\":25.0}"));
        assertThat(o.output()).isEqualTo(json("{\"amount\":25.0}"));
    }

    @Test
    void inputThatDoesNotFitFailsAtOnceAsInvalidInput() {
        record Strict(int amount) {}
        Command bad = command("i-1", "charge", 1, Command.EXECUTE, json("{\"amount\":\"lots\"}"));
        AtomicInteger calls = new AtomicInteger();
        Outcome o = runner.run(bad, ctx -> {
                    calls.incrementAndGet();
                    return ctx.inputAs(Strict.class);
                })
                .orElseThrow();
        assertThat(o.errorType()).isEqualTo("InvalidInput");
        assertThat(o.errorMessage()).contains("Strict");
        assertThat(calls).hasValue(1);
    }

    @Test
    void outputsNullJsonNodeAndPojo() {
        assertThat(runner.run(command, ctx -> null).orElseThrow().output()).isNull();
        JsonNode node = json("[1,2]");
        assertThat(runner.run(command, ctx -> node).orElseThrow().output()).isSameAs(node);
        assertThat(runner.run(command, ctx -> 42).orElseThrow().output()).isEqualTo(json("42"));
    }

    @Test
    void unserialisableOutputFailsWithoutRetry() {
        AtomicInteger calls = new AtomicInteger();
        Outcome o = runner.run(command, ctx -> {
                    calls.incrementAndGet();
                    return new Object() {
                        @SuppressWarnings("unused")
                        public Object getSelf() {
                            throw new IllegalStateException("boom");
                        }
                    };
                })
                .orElseThrow();
        assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
        assertThat(o.errorMessage()).contains("cannot be written as JSON");
        assertThat(calls).hasValue(1);
    }

    @Test
    void interruptionDuringBackoffAbandonsTheCommand() {
        RetryRunner interrupted = new RetryRunner(
                policy,
                MAPPER,
                d -> {
                    throw new InterruptedException();
                },
                () -> 0.5);
        StepHandler failing = ctx -> {
            throw new IllegalStateException();
        };
        try {
            assertThat(interrupted.run(command, failing)).isEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        try {
            assertThat(runner.run(command, ctx -> {
                        throw new InterruptedException();
                    }))
                    .isEmpty();
        } finally {
            Thread.interrupted();
        }
    }
}
