package dev.baton.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.worker.StepContext;
import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * Service B of the article: <b>charges the payment</b> of the order's {@code amount}. Runs after
 * A, in parallel with C; compensated by refunding the payment.
 *
 * <p>Output {@code {"paymentId": "p-<instanceId>", "amount": ...}}; compensation output
 * {@code {"refundId": "rf-<instanceId>", "paymentId": ...}}.
 */
public final class PaymentService extends ArticleService {

    PaymentService(ArticleServices.Settings settings) {
        super("B", ArticleServices.TOPIC_B, settings);
    }

    @Override
    public boolean compensable() {
        return true;
    }

    @Override
    Object execute(StepContext ctx) {
        double amount = ctx.input().path("amount").asDouble(0.0);
        String paymentId = "p-" + ctx.instanceId();
        log.log(Level.DEBUG, "B: charged {0} for {1} ({2})", amount, ctx.instanceId(), paymentId);
        return Map.of("paymentId", paymentId, "amount", amount);
    }

    @Override
    Object compensate(StepContext ctx) {
        JsonNode output = ctx.input().path("output");
        String paymentId = text(output, "paymentId", "p-" + ctx.instanceId());
        String refundId = "rf-" + ctx.instanceId();
        log.log(Level.DEBUG, "B: refunded payment {0} of {1} ({2})", paymentId, ctx.instanceId(), refundId);
        return Map.of("refundId", refundId, "paymentId", paymentId);
    }
}
