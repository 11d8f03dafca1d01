package dev.baton.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.worker.StepContext;
import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * Service A of the article: <b>reserves stock</b> for the order's {@code sku}. The first step;
 * compensated by releasing the reservation.
 *
 * <p>Output {@code {"reservationId": "r-<instanceId>", "sku": ...}}; compensation output
 * {@code {"released": <reservationId>}}.
 */
public final class StockService extends ArticleService {

    StockService(ArticleServices.Settings settings) {
        super("A", ArticleServices.TOPIC_A, settings);
    }

    @Override
    public boolean compensable() {
        return true;
    }

    @Override
    Object execute(StepContext ctx) {
        String sku = text(ctx.input(), "sku", "unknown-sku");
        String reservationId = "r-" + ctx.instanceId();
        log.log(Level.DEBUG, "A: reserved {0} for {1} ({2})", sku, ctx.instanceId(), reservationId);
        return Map.of("reservationId", reservationId, "sku", sku);
    }

    @Override
    Object compensate(StepContext ctx) {
        JsonNode output = ctx.input().path("output");
        String reservationId = text(output, "reservationId", "r-" + ctx.instanceId());
        log.log(Level.DEBUG, "A: released reservation {0} of {1}", reservationId, ctx.instanceId());
        return Map.of("released", reservationId);
    }
}
