/**
 * The Baton worker SDK: run the steps of Baton workflows in any Java service.
 *
 * <p>A worker consumes a step's command topic, calls your {@link dev.baton.worker.StepHandler}
 * for each command, retries failures according to a {@link dev.baton.worker.RetryPolicy}, and
 * publishes exactly one outcome per command (SUCCEEDED with the handler's result, or FAILED)
 * to the command's callback topic, as Baton's wire protocol ({@code docs/protocol.md}) requires.
 *
 * <pre>{@code
 * import dev.baton.worker.*;
 *
 * public final class PaymentWorker {
 *     record Charge(String orderId, double amount) {}
 *
 *     static final StepHandler CHARGE = ctx -> {
 *         Charge charge = ctx.inputAs(Charge.class);
 *         if (charge.amount() > 10_000) {
 *             throw NonRetryableException.ofType("AmountTooHigh", "amount over limit");
 *         }
 *         String paymentId = Payments.charge(charge, ctx.commandId());     // idempotency key
 *         return Map.of("paymentId", paymentId);                          // the step's output
 *     };
 *
 *     public static void main(String[] args) {
 *         WorkerOptions options = WorkerOptions.newBuilder()
 *             .bootstrapServers("localhost:9092")
 *             .commandTopic("payment.commands")        // the steps' "topic"
 *             .concurrency(4)                          // default 1
 *             .retryPolicy(RetryPolicy.newBuilder()
 *                 .maxAttempts(5)                      // default 3
 *                 .initialBackoff(Duration.ofMillis(200))
 *                 .doNotRetry(IllegalArgumentException.class)
 *                 .build())
 *             .build();
 *
 *         Worker worker = Worker.create(options, CHARGE)
 *             .onCompensate(ctx -> {
 *                 Payments.refund(ctx.input().path("output").path("paymentId").asText());
 *                 return null;                                                // no output
 *             });
 *
 *         Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
 *         worker.start();
 *     }
 * }
 * }</pre>
 *
 * <h2>Testing a handler</h2>
 *
 * <p>The test kit, {@code dev.baton:baton-worker-testkit} in test scope, runs handlers without a
 * broker: a {@code TestStepContext} is a command as the handler sees it, and a {@code TestWorker}
 * runs the handlers as a {@link dev.baton.worker.Worker} does, retries included (backoffs are
 * recorded, not slept), and returns the outcome the worker would publish. See the package
 * {@code dev.baton.worker.testkit} for more.
 *
 * <pre>{@code
 * import dev.baton.worker.testkit.*;
 *
 * class PaymentWorkerTest {
 *     @Test
 *     void shouldRefuseAmountsOverTheLimitWithoutRetrying() {
 *         TestWorker worker = TestWorker.newBuilder(PaymentWorker.CHARGE)   // the handler above
 *             .retryPolicy(RetryPolicy.newBuilder().maxAttempts(5).build())
 *             .build();
 *
 *         TestOutcome outcome = worker.run(TestStepContext.newBuilder()
 *             .instanceId("order-7").stepId("charge")
 *             .inputJson("{\"orderId\": \"o-7\", \"amount\": 20000}")
 *             .build());
 *
 *         assertThat(outcome.isFailed()).isTrue();
 *         assertThat(outcome.errorType()).isEqualTo("AmountTooHigh");
 *         assertThat(outcome.attempts()).isEqualTo(1);                 // NonRetryableException: one try
 *     }
 *
 *     @Test
 *     void shouldReadTheChargeFromTheInput() throws Exception {
 *         StepContext ctx = TestStepContext.ofInput(Map.of("orderId", "o-7", "amount", 25));
 *         assertThat(PaymentWorker.CHARGE.handle(ctx)).isEqualTo(Map.of("paymentId", "p-1")); // one try, directly
 *     }
 * }
 * }</pre>
 *
 * <p>Everything in {@code dev.baton.worker.internal} is implementation and may change.
 */
package dev.baton.worker;
