package dev.baton.examples.spring;

import dev.baton.spring.BatonCompensation;
import dev.baton.spring.BatonStep;
import dev.baton.spring.CompensationInput;
import dev.baton.worker.NonRetryableException;
import dev.baton.worker.StepContext;
import java.math.BigDecimal;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The {@code charge} step: its commands arrive on {@code payments.commands} (or {@code payment-service.topic}).
 * The input is converted to {@link Charge}; the returned {@link Payment} is the step's output; the compensation gets
 * both back and refunds.
 */
@Component
public class PaymentHandlers {

    /** The most this service charges at once. */
    static final BigDecimal LIMIT = new BigDecimal("10000");

    /** The step's input: extra fields of the workflow's input are ignored. */
    public record Charge(String orderId, BigDecimal amount, String card) {}

    /** The step's output. */
    public record Payment(String paymentId, BigDecimal amount) {}

    private final PaymentGateway gateway;

    public PaymentHandlers(PaymentGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * Charges the order. A {@code GatewayUnavailableException} is retried ({@code baton.worker.retry}); an amount
     * over the limit or a declined card fails at once.
     */
    @BatonStep(topic = "${payment-service.topic:payments.commands}", compensate = true)
    public Payment charge(Charge charge, StepContext ctx) {
        if (charge.amount() == null || charge.amount().compareTo(LIMIT) > 0) {
            throw NonRetryableException.ofType("AmountTooHigh", "amount " + charge.amount() + " is over " + LIMIT);
        }
        // The command id is the same for every redelivery of this command: a natural idempotency key.
        String paymentId = gateway.charge(charge.orderId(), charge.amount(), charge.card(), ctx.commandId());
        return new Payment(paymentId, charge.amount());
    }

    /** Refunds what {@link #charge} charged, when a later step of the workflow failed. */
    @BatonCompensation(topic = "${payment-service.topic:payments.commands}")
    public Map<String, Object> refund(CompensationInput<Charge, Payment> compensation) {
        gateway.refund(compensation.output().paymentId());
        return Map.of("refunded", compensation.output().paymentId());
    }
}
