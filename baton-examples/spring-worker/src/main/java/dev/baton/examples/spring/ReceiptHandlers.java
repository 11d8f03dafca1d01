package dev.baton.examples.spring;

import dev.baton.spring.BatonStep;
import dev.baton.worker.NonRetryableException;
import dev.baton.worker.StepContext;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The {@code receipt} step, on {@code receipts.commands}: a handler that takes the raw {@link StepContext}. */
@Component
public class ReceiptHandlers {

    /** "Sends" a receipt to the input's {@code email}; an address without '@' fails the step, without retries. */
    @BatonStep(topic = "receipts.commands")
    public Map<String, Object> send(StepContext ctx) {
        String email = ctx.input().path("email").asText("");
        if (!email.contains("@")) {
            throw NonRetryableException.ofType("InvalidEmail", "cannot send a receipt to '" + email + "'");
        }
        return Map.of("sentTo", email, "order", ctx.input().path("orderId").asText());
    }
}
