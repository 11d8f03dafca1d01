package dev.baton.examples.spring;

import dev.baton.worker.NonRetryableException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * A stand-in for a card payment provider, in memory. Card {@code "declined"} is declined (not worth retrying), card
 * {@code "unavailable"} finds the provider down (worth retrying); any other card is charged. Charges are idempotent
 * per key, as a real provider's are.
 */
@Component
public class PaymentGateway {

    /** The provider is down: a failure that a retry may fix. */
    public static class GatewayUnavailableException extends RuntimeException {
        public GatewayUnavailableException(String message) {
            super(message);
        }
    }

    private final Map<String, String> paymentsByKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attemptsByOrder = new ConcurrentHashMap<>();
    private final List<String> refunds = new CopyOnWriteArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();

    /**
     * Charges a card.
     *
     * @param orderId the order
     * @param amount the amount
     * @param card the card
     * @param idempotencyKey the same key charges once, however often it is sent
     * @return the payment id
     */
    public String charge(String orderId, BigDecimal amount, String card, String idempotencyKey) {
        attemptsByOrder.computeIfAbsent(orderId, k -> new AtomicInteger()).incrementAndGet();
        if ("declined".equals(card)) {
            throw NonRetryableException.ofType("CardDeclined", "card declined by issuer for order " + orderId);
        }
        if ("unavailable".equals(card)) {
            throw new GatewayUnavailableException("payment provider unavailable");
        }
        return paymentsByKey.computeIfAbsent(idempotencyKey, k -> "pay-" + sequence.incrementAndGet());
    }

    /**
     * Refunds a payment.
     *
     * @param paymentId what {@link #charge} returned
     */
    public void refund(String paymentId) {
        refunds.add(paymentId);
    }

    /** How often {@link #charge} was called for an order. */
    public int chargeAttempts(String orderId) {
        AtomicInteger n = attemptsByOrder.get(orderId);
        return n == null ? 0 : n.get();
    }

    /** The payment ids refunded so far. */
    public List<String> refunds() {
        return List.copyOf(refunds);
    }
}
