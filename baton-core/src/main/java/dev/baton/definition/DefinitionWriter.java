package dev.baton.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Writes a definition as JSON in the same field names {@link DefinitionReader} reads, so the two round-trip. */
public final class DefinitionWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DefinitionWriter() {}

    public static String toJson(WorkflowDefinition d) {
        try {
            return JSON.writeValueAsString(toTree(d));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The definition as a plain JSON tree (maps, lists, strings, numbers). */
    public static Map<String, Object> toTree(WorkflowDefinition d) {
        var root = new LinkedHashMap<String, Object>();
        root.put("name", d.name());
        if (d.version() > 0) {
            root.put("version", d.version());
        }
        root.put("resultTopic", d.resultTopic());
        d.deadline().ifPresent(dl -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("after", dl.after().toString());
            m.put("then", dl.then().wireName());
            root.put("deadline", m);
        });
        d.schedule().ifPresent(s -> root.put("schedule", schedule(s)));
        d.trigger().ifPresent(t -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("topic", t.topic());
            t.filterCondition().ifPresent(c -> m.put("filter", c.toString()));
            m.put("instanceId", t.instanceId());
            if (t.input() != null) {
                m.put("input", t.input().template());
            }
            root.put("trigger", m);
        });
        root.put("steps", d.steps().stream().map(DefinitionWriter::step).toList());
        return root;
    }

    private static Map<String, Object> schedule(Schedule s) {
        var m = new LinkedHashMap<String, Object>();
        if (s.cron() != null) {
            m.put("cron", s.cron());
        }
        if (s.every() != null) {
            m.put("every", s.every().toString());
        }
        if (s.timeZone() != null) {
            m.put("timeZone", s.timeZone());
        }
        m.put("overlap", s.overlap().wireName());
        m.put("catchUp", s.catchUp().wireName());
        m.put("catchUpLimit", s.catchUpLimit());
        m.put("input", s.input());
        return m;
    }

    private static Map<String, Object> http(HttpStep h) {
        var m = new LinkedHashMap<String, Object>();
        m.put("method", h.method());
        m.put("url", h.url().toString());
        if (!h.headers().isEmpty()) {
            m.put("headers", new java.util.TreeMap<>(h.headers()));
        }
        m.put("timeout", h.timeout().toString());
        var r = new LinkedHashMap<String, Object>();
        r.put("maxAttempts", h.retry().maxAttempts());
        r.put("initialBackoff", h.retry().initialBackoff().toString());
        r.put("multiplier", h.retry().multiplier());
        r.put("maxBackoff", h.retry().maxBackoff().toString());
        r.put("retryOn", h.retry().retryOnSorted());
        m.put("retry", r);
        return m;
    }

    private static Map<String, Object> event(EventWait e) {
        var m = new LinkedHashMap<String, Object>();
        m.put("topic", e.topic());
        var correlation = new LinkedHashMap<String, Object>();
        correlation.put("field", e.correlationField());
        correlation.put("equals", e.equalsPath().toString());
        m.put("correlation", correlation);
        m.put("consume", e.consume().name().toLowerCase(Locale.ROOT));
        if (e.bufferFor() != null) {
            m.put("bufferFor", e.bufferFor().toString());
        }
        return m;
    }

    private static Map<String, Object> step(StepDefinition s) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", s.id());
        if (s.topic() != null) {
            m.put("topic", s.topic());
        }
        s.signal().ifPresent(n -> m.put("signal", n));
        s.workflow().ifPresent(w -> {
            m.put("workflow", w.name());
            if (w.version() != null) {
                m.put("version", w.version());
            }
        });
        if (!s.after().isEmpty()) {
            m.put("after", s.after());
        }
        s.http().ifPresent(h -> m.put("http", http(h)));
        s.sleep()
                .ifPresent(sl -> m.put(
                        "sleep",
                        sl.duration() != null
                                ? Map.of("duration", sl.duration().toString())
                                : Map.of("until", sl.until().toString())));
        s.repeat().ifPresent(r -> {
            var rm = new LinkedHashMap<String, Object>();
            rm.put("until", r.until().toString());
            rm.put("max", r.max());
            r.delayIfAny().ifPresent(t -> rm.put("delay", t.toString()));
            m.put("repeat", rm);
        });
        s.event().ifPresent(e -> m.put("event", event(e)));
        s.emit().ifPresent(e -> {
            var em = new LinkedHashMap<String, Object>();
            em.put("topic", e.topic());
            if (e.key() != null) {
                em.put("key", e.key().template());
            }
            em.put("value", e.value() == null ? null : e.value().template());
            if (e.type() != null) {
                em.put("type", e.type());
            }
            m.put("emit", em);
        });
        s.timeout().ifPresent(t -> m.put("timeout", t.toString()));
        s.when().ifPresent(c -> m.put("when", c.toString()));
        s.compensate().ifPresent(c -> m.put("compensate", Map.of("topic", c.topic())));
        s.input().ifPresent(i -> m.put("input", i.template()));
        s.outcomeTopic().ifPresent(t -> m.put("outcomeTopic", t));
        s.forEach().ifPresent(f -> {
            var each = new LinkedHashMap<String, Object>();
            each.put("items", f.items().toString());
            each.put("maxConcurrency", f.maxConcurrency());
            each.put(
                    "toleratedFailures",
                    f.toleratedFailures().percent()
                            ? f.toleratedFailures().toString()
                            : f.toleratedFailures().amount());
            m.put("forEach", each);
        });
        if (s.onFailure() != FailurePolicy.COMPENSATE) {
            m.put("onFailure", s.onFailure().name().toLowerCase(Locale.ROOT));
        }
        return m;
    }
}
