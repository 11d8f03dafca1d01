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
 *         Worker worker = Worker.create(options, ctx -> {
 *                 Charge charge = ctx.inputAs(Charge.class);
 *                 if (charge.amount() > 10_000) {
 *                     throw NonRetryableException.ofType("AmountTooHigh", "amount over limit");
 *                 }
 *                 String paymentId = Payments.charge(charge, ctx.commandId()); // idempotency key
 *                 return Map.of("paymentId", paymentId);                      // the step's output
 *             })
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
 * <p>Everything in {@code dev.baton.worker.internal} is implementation and may change.
 */
package dev.baton.worker;
