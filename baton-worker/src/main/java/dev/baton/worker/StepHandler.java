package dev.baton.worker;

/**
 * The code a worker runs for one command: an {@code execute} handler does a step's work, a
 * compensation handler (see {@link Worker#onCompensate(StepHandler)}) compensates it.
 *
 * <p>The handler receives the command through a {@link StepContext} and
 * <ul>
 *   <li><b>returns</b> the step's output: any value Jackson can serialise (a POJO, a record, a
 *       {@code Map}, a {@link com.fasterxml.jackson.databind.JsonNode} used as is), or
 *       {@code null} for no output. The worker reports {@code SUCCEEDED} with that output;</li>
 *   <li><b>throws</b> to fail this try. The worker retries according to its
 *       {@link RetryPolicy} and reports {@code FAILED} once the retries are exhausted, or at once
 *       for a {@link NonRetryableException} or an exception listed in
 *       {@link RetryPolicy.Builder#doNotRetry(Class[])}.</li>
 * </ul>
 *
 * <p>A handler may run on several threads at once (up to
 * {@link WorkerOptions#concurrency()}), so it must be thread-safe; commands of one instance never
 * run concurrently. A command can be delivered more than once (after a crash), so handlers should
 * be idempotent, for example by using {@link StepContext#commandId()} as an idempotency key.
 *
 * <pre>{@code
 * StepHandler charge = ctx -> {
 *     Order order = ctx.inputAs(Order.class);
 *     String paymentId = payments.charge(order.orderId(), order.amount(), ctx.commandId());
 *     return Map.of("paymentId", paymentId);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface StepHandler {

    /**
     * Runs one try of a command.
     *
     * @param context the command being handled and the number of this try
     * @return the step's output (any Jackson-serialisable value or a {@code JsonNode}), or
     *     {@code null} for none
     * @throws Exception to fail this try; retried unless the policy says otherwise
     */
    Object handle(StepContext context) throws Exception;
}
