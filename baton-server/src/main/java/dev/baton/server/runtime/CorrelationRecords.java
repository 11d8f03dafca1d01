package dev.baton.server.runtime;

import dev.baton.definition.EventWait;
import dev.baton.engine.Outbound.SubscribeEvent;
import dev.baton.engine.Outbound.UnsubscribeEvent;
import dev.baton.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The records on the event-correlation topic, all keyed by {@link EventWait#correlationKey}: a step's subscription
 * {@code {"subscribe": {"instanceId", "stepId", "commandId", "consume"}}}, its withdrawal {@code {"unsubscribe":
 * {...}}}, and an event re-keyed from its topic {@code {"event": {"topic", "key", "value", "timestamp"}, "ttlMs"}}.
 */
final class CorrelationRecords {
    private CorrelationRecords() {}

    static String key(SubscribeEvent s) {
        return EventWait.correlationKey(s.topic(), s.field(), s.correlation());
    }

    static String key(UnsubscribeEvent u) {
        return EventWait.correlationKey(u.topic(), u.field(), u.correlation());
    }

    static byte[] subscribe(SubscribeEvent s) {
        var sub = subscriber(s.instanceId(), s.stepId(), s.commandId());
        sub.put("consume", s.consume().name().toLowerCase(Locale.ROOT));
        return bytes(Map.of("subscribe", sub));
    }

    static byte[] unsubscribe(UnsubscribeEvent u) {
        return bytes(Map.of("unsubscribe", subscriber(u.instanceId(), u.stepId(), u.commandId())));
    }

    static byte[] event(Map<String, Object> event, long ttlMillis) {
        var m = new LinkedHashMap<String, Object>();
        m.put("event", event);
        m.put("ttlMs", ttlMillis);
        return bytes(m);
    }

    private static Map<String, Object> subscriber(String instanceId, String stepId, String commandId) {
        var m = new LinkedHashMap<String, Object>();
        m.put("instanceId", instanceId);
        m.put("stepId", stepId);
        m.put("commandId", commandId);
        return m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(byte[] json) {
        try {
            return Json.mapper().readValue(json, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
