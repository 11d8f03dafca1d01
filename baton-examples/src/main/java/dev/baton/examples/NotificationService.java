package dev.baton.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.StepContext;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Service D of the article: <b>notifies the customer</b> at the order's {@code email}. The last
 * step, after B and C; it has no compensation (no compensation handler).
 *
 * <p><b>Failure rule.</b> D is the service that fails in the article's failure story. An order
 * whose input {@code "amount"} is a number <em>above</em> the threshold
 * ({@link ArticleServices.Settings#failAbove()}, default {@value #DEFAULT_FAIL_ABOVE}; an amount
 * equal to it passes) is rejected on every try with a {@link MailboxRejected}: an ordinary,
 * retryable exception, as a real downstream error would be. The worker therefore retries it per
 * its {@link RetryPolicy} (by default 3 tries, short backoff) and only then publishes the absolute
 * outcome {@code FAILED}, with error type {@code "MailboxRejected"} and message
 * {@code "customer mailbox rejected the message"}; Baton then compensates C, B and A. Orders
 * without a numeric amount never fail.
 *
 * <p>Output on success: {@code {"notified": <email>, "messageId": "m-<instanceId>"}}.
 */
public final class NotificationService extends ArticleService {

    /** The default amount above which D fails an order. */
    public static final double DEFAULT_FAIL_ABOVE = 900.0;

    /** The outcome's error message for a rejected order. */
    public static final String REJECTED_MESSAGE = "customer mailbox rejected the message";

    private final AtomicLong rejectedTries = new AtomicLong();

    NotificationService(ArticleServices.Settings settings) {
        super("D", ArticleServices.TOPIC_D, settings);
    }

    /**
     * D's failure rule, as a pure function.
     *
     * @param input the command's (or the start request's) input
     * @param failAbove the threshold
     * @return true if {@code input.amount} is a number greater than {@code failAbove}
     */
    public static boolean rejects(JsonNode input, double failAbove) {
        JsonNode amount = input == null ? null : input.get("amount");
        return amount != null && amount.isNumber() && amount.doubleValue() > failAbove;
    }

    /**
     * How many tries D has rejected (each failing order counts once per try).
     *
     * @return a count, 0 or more
     */
    public long rejectedTries() {
        return rejectedTries.get();
    }

    @Override
    public boolean compensable() {
        return false;
    }

    @Override
    Object execute(StepContext ctx) {
        String email = text(ctx.input(), "email", "unknown@example.com");
        if (rejects(ctx.input(), settings().failAbove())) {
            rejectedTries.incrementAndGet();
            log.log(
                    Level.DEBUG,
                    "D: try {0} for {1}: mailbox of {2} rejected the message",
                    ctx.tryNumber(),
                    ctx.instanceId(),
                    email);
            throw new MailboxRejected(REJECTED_MESSAGE);
        }
        log.log(Level.DEBUG, "D: notified {0} about {1}", email, ctx.instanceId());
        return Map.of("notified", email, "messageId", "m-" + ctx.instanceId());
    }

    /**
     * Thrown by service D for an order it rejects. Retryable (it is neither a
     * {@code NonRetryableException} nor listed in the retry policy), so the worker tries again
     * before it gives up; the outcome's {@code error.type} is {@code "MailboxRejected"}.
     */
    public static final class MailboxRejected extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param message the outcome's error message
         */
        public MailboxRejected(String message) {
            super(message);
        }
    }
}
