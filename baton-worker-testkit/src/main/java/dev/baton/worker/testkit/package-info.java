/**
 * The worker test kit: test a {@link dev.baton.worker.StepHandler} without a broker. Add
 * {@code dev.baton:baton-worker-testkit} in test scope.
 *
 * <ul>
 *   <li>{@link dev.baton.worker.testkit.TestStepContext}: a command as a handler sees it; call the
 *       handler with it directly to test one try.</li>
 *   <li>{@link dev.baton.worker.testkit.TestWorker}: runs the handlers as a worker does, retries
 *       included but without sleeping, and returns the
 *       {@link dev.baton.worker.testkit.TestOutcome} the worker would publish.</li>
 * </ul>
 *
 * <pre>{@code
 * class ChargeHandlerTest {
 *     final Payments payments = new FakePayments();
 *     final TestWorker worker = TestWorker.newBuilder(new ChargeHandler(payments))
 *         .onCompensate(new RefundHandler(payments))
 *         .retryPolicy(RetryPolicy.newBuilder().maxAttempts(3).build())
 *         .build();
 *
 *     @Test
 *     void shouldChargeOnceAndReturnThePaymentId() throws Exception {
 *         TestStepContext ctx = TestStepContext.newBuilder()
 *             .instanceId("order-7").stepId("charge")
 *             .inputJson("{\"orderId\": \"o-7\", \"amount\": 25}")
 *             .build();
 *         assertThat(new ChargeHandler(payments).handle(ctx))          // one try, directly
 *             .isEqualTo(Map.of("paymentId", "p-order-7/charge/1"));
 *     }
 *
 *     @Test
 *     void shouldFailAfterThreeTriesWhileTheGatewayIsDown() {
 *         payments.goDown();
 *         TestOutcome outcome = worker.run(TestStepContext.ofInput(Map.of("orderId", "o-7", "amount", 25)));
 *         assertThat(outcome.isFailed()).isTrue();
 *         assertThat(outcome.errorType()).isEqualTo("GatewayDown");
 *         assertThat(outcome.attempts()).isEqualTo(3);
 *         assertThat(outcome.backoffs()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
 *     }
 *
 *     @Test
 *     void shouldRefundWhatWasCharged() {
 *         TestOutcome refund = worker.run(TestStepContext.newBuilder()
 *             .compensation(Map.of("orderId", "o-7"), Map.of("paymentId", "p-1"))
 *             .build());
 *         assertThat(refund.isSucceeded()).isTrue();
 *         assertThat(payments.refunded()).containsExactly("p-1");
 *     }
 * }
 * }</pre>
 */
package dev.baton.worker.testkit;
