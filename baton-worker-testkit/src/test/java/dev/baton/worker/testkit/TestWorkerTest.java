package dev.baton.worker.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.worker.NonRetryableException;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.StepContext;
import dev.baton.worker.WorkerOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestWorkerTest {

    record Payment(String paymentId) {}

    private final List<StepContext> seen = new ArrayList<>();

    @Test
    void shouldSucceedAfterTheRetriesOfTheDefaultPolicyWithoutSleeping() {
        TestWorker worker = TestWorker.of(ctx -> {
            seen.add(ctx);
            if (ctx.tryNumber() < 3) {
                throw new IllegalStateException("gateway busy " + ctx.tryNumber());
            }
            return Map.of("paymentId", "p-" + ctx.instanceId());
        });

        long t0 = System.nanoTime();
        TestOutcome outcome = worker.run(TestStepContext.newBuilder()
                .instanceId("order-7")
                .stepId("charge")
                .build());

        // the default policy waits 1 s and 2 s; the kit records them and does not wait
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(outcome.status()).isEqualTo(TestOutcome.Status.SUCCEEDED);
        assertThat(outcome.isSucceeded()).isTrue();
        assertThat(outcome.isFailed()).isFalse();
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(outcome.backoffs()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(outcome.failures())
                .extracting(Throwable::getMessage)
                .containsExactly("gateway busy 1", "gateway busy 2");
        assertThat(outcome.outputAs(Payment.class)).isEqualTo(new Payment("p-order-7"));
        assertThat(outcome.errorType()).isNull();
        assertThat(outcome.commandId()).isEqualTo("order-7/charge/1");
        assertThat(seen).extracting(StepContext::tryNumber).containsExactly(1, 2, 3);
        assertThat(seen).extracting(StepContext::commandId).containsOnly("order-7/charge/1");
        assertThat(seen).extracting(StepContext::attempt).containsOnly(1);
    }

    @Test
    void shouldReportTheLastFailureOnceTheTriesAreExhausted() {
        TestWorker worker = TestWorker.newBuilder(ctx -> {
                    throw new IllegalStateException("down on try " + ctx.tryNumber());
                })
                .retryPolicy(RetryPolicy.newBuilder()
                        .maxAttempts(4)
                        .initialBackoff(Duration.ofMinutes(10))
                        .maxBackoff(Duration.ofHours(1))
                        .build())
                .build();

        TestOutcome outcome = worker.run(TestStepContext.ofInput(Map.of("amount", 25)));

        assertThat(outcome.isFailed()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(4);
        assertThat(outcome.errorType()).isEqualTo("IllegalStateException");
        assertThat(outcome.errorMessage()).isEqualTo("down on try 4");
        assertThat(outcome.output()).isNull();
        assertThat(outcome.outputAs(Payment.class)).isNull();
        assertThat(outcome.failures()).hasSize(4);
        assertThat(outcome.backoffs())
                .containsExactly(Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40));
    }

    @Test
    void shouldFailAtOnceWhatThePolicyDoesNotRetry() {
        TestWorker declines = TestWorker.of(ctx -> {
            throw NonRetryableException.ofType("CardDeclined", "card declined by issuer");
        });
        TestOutcome declined = declines.run(TestStepContext.ofInput(null));
        assertThat(declined.attempts()).isEqualTo(1);
        assertThat(declined.errorType()).isEqualTo("CardDeclined");
        assertThat(declined.errorMessage()).isEqualTo("card declined by issuer");
        assertThat(declined.backoffs()).isEmpty();

        TestWorker io = TestWorker.newBuilder(ctx -> {
                    throw new IOException("disk full");
                })
                .retryPolicy(
                        RetryPolicy.newBuilder().doNotRetry(IOException.class).build())
                .build();
        assertThat(io.run(TestStepContext.ofInput(null)).attempts()).isEqualTo(1);
    }

    @Test
    void shouldFailWithInvalidInputWithoutRetryingWhenTheInputDoesNotFit() {
        TestWorker worker = TestWorker.of(ctx -> ctx.inputAs(Payment.class));
        TestOutcome outcome = worker.run(TestStepContext.newBuilder()
                .inputJson("{\"paymentId\": {\"nested\": true}}")
                .build());
        assertThat(outcome.errorType()).isEqualTo("InvalidInput");
        assertThat(outcome.attempts()).isEqualTo(1);
    }

    @Test
    void shouldRunTheCompensationHandlerForACompensateCommand() {
        TestWorker worker = TestWorker.newBuilder(ctx -> Map.of("paymentId", "p-1"))
                .onCompensate(ctx -> {
                    seen.add(ctx);
                    return Map.of(
                            "refunded",
                            ctx.input().get("output").get("paymentId").asText());
                })
                .build();

        TestOutcome charged = worker.run(TestStepContext.ofInput(Map.of("amount", 25)));
        TestOutcome refunded = worker.run(TestStepContext.newBuilder()
                .compensation(Map.of("amount", 25), charged.output())
                .build());

        assertThat(refunded.isSucceeded()).isTrue();
        assertThat(refunded.output().get("refunded").asText()).isEqualTo("p-1");
        assertThat(refunded.commandId()).isEqualTo("instance-1/step-1/1/compensate/1");
        assertThat(seen)
                .singleElement()
                .satisfies(
                        ctx -> assertThat(ctx.input().get("input").get("amount").asInt())
                                .isEqualTo(25));
    }

    @Test
    void shouldFailACompensateCommandWithoutACompensationHandlerAsAWorkerDoes() {
        TestWorker worker = TestWorker.newBuilder(ctx -> "done")
                .options(WorkerOptions.newBuilder()
                        .bootstrapServers("unused:9092")
                        .commandTopic("payments.commands")
                        .build())
                .build();

        TestOutcome outcome = worker.run(TestStepContext.newBuilder()
                .stepId("charge")
                .compensation(null, null)
                .build());

        assertThat(outcome.isFailed()).isTrue();
        assertThat(outcome.errorType()).isEqualTo("NoCompensationHandler");
        assertThat(outcome.errorMessage())
                .isEqualTo("worker group payments.commands-worker has no compensation handler for step charge");
        assertThat(outcome.attempts()).isZero();
    }

    @Test
    void shouldTakeTheRetryPolicyFromTheWorkersOptions() {
        RetryPolicy once = RetryPolicy.none();
        TestWorker worker = TestWorker.newBuilder(ctx -> {
                    throw new IllegalStateException("no");
                })
                .options(WorkerOptions.newBuilder()
                        .bootstrapServers("unused:9092")
                        .commandTopic("payments.commands")
                        .retryPolicy(once)
                        .build())
                .build();
        assertThat(worker.retryPolicy()).isEqualTo(once);
        assertThat(worker.run(TestStepContext.ofInput(null)).attempts()).isEqualTo(1);
    }

    @Test
    void shouldDrawTheJitterFromTheGivenSource() {
        TestWorker worker = TestWorker.newBuilder(ctx -> {
                    throw new IllegalStateException("no");
                })
                .jitter(() -> 0.0) // the default policy's jitter is ±20 %: the shortest waits
                .build();
        assertThat(worker.run(TestStepContext.ofInput(null)).backoffs())
                .containsExactly(Duration.ofMillis(800), Duration.ofMillis(1600));
    }

    @Test
    void shouldPublishTheOutcomeAsTheProtocolWritesIt() {
        TestOutcome outcome = TestWorker.of(ctx -> Map.of("paymentId", "p-1"))
                .run(TestStepContext.newBuilder()
                        .instanceId("order-7")
                        .stepId("charge")
                        .build());
        assertThat(outcome.json().toString())
                .isEqualTo("{\"commandId\":\"order-7/charge/1\",\"instanceId\":\"order-7\",\"stepId\":\"charge\","
                        + "\"status\":\"SUCCEEDED\",\"output\":{\"paymentId\":\"p-1\"},\"attempts\":1}");
        assertThat(outcome).hasToString(outcome.json().toString());
    }

    @Test
    void shouldFailWithoutRetryingAResultThatIsNotJson() {
        Object notJson = new Object(); // no properties: Jackson refuses to write it
        TestOutcome outcome = TestWorker.of(ctx -> notJson).run(TestStepContext.ofInput(null));
        assertThat(outcome.isFailed()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.errorMessage()).startsWith("the handler's result cannot be written as JSON");
    }

    @Test
    void shouldRefuseToInventAnOutcomeForAnInterruptedHandler() {
        TestWorker worker = TestWorker.of(ctx -> {
            throw new InterruptedException("closing");
        });
        assertThatThrownBy(() -> worker.run(TestStepContext.ofInput(null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("interrupted");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
