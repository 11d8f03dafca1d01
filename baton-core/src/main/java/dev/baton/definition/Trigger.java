package dev.baton.definition;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A definition's {@code trigger}: every JSON record on {@code topic} that passes {@code filter} starts an instance,
 * whose id is derived from the record, so the same record (or another record with the same id) never starts two.
 *
 * <pre>
 * trigger:
 *   topic: orders.placed
 *   filter: $.record.amount > 0
 *   instanceId: $.record.orderId      # or: key, for the record key
 *   input:
 *     orderId: $.record.orderId
 *     amount: $.record.amount
 * </pre>
 *
 * Paths read the data of one record ({@link #data}): {@code $.record} is the record's JSON value (for a CloudEvent,
 * its {@code data}), {@code $.key} the record key as text, and {@code $.event} the CloudEvents attributes ({@code id},
 * {@code type}, {@code source}, {@code subject}, ...; empty for a plain JSON record).
 *
 * @param topic the topic to read, one of the user's own
 * @param filter records for which it is false are skipped; {@code null} takes every record
 * @param instanceId {@code key}, or a path such as {@code $.record.orderId}; see {@link #instanceIdOf}
 * @param input the new instance's input; {@code null} passes the record value as it is
 */
public record Trigger(String topic, Condition filter, String instanceId, InputMapping input) {
    /** The {@code instanceId} that takes the record key. */
    public static final String KEY = "key";

    /** The roots trigger paths may start with. */
    public static final java.util.Set<String> DATA_ROOTS = java.util.Set.of("record", "key", "event");

    public Optional<Condition> filterCondition() {
        return Optional.ofNullable(filter);
    }

    /** The path the instance id is read from; {@code $.key} for {@code instanceId: key}. */
    public DataPath instanceIdPath() {
        return DataPath.parse(KEY.equals(instanceId) ? "$.key" : instanceId);
    }

    /** The data a record's paths read: its JSON value, its key and its CloudEvents attributes. */
    public static Map<String, Object> data(Object value, String key, Map<String, Object> event) {
        var data = new LinkedHashMap<String, Object>();
        data.put("record", value);
        data.put("key", key);
        data.put("event", event == null ? Map.of() : event);
        return data;
    }

    /** Whether the filter takes the record. */
    public boolean accepts(Map<String, Object> data) {
        return filter == null || filter.test(data);
    }

    /**
     * The id of the instance the record starts: {@code <workflow>:<value>}, where the value is what the
     * {@code instanceId} path finds, a string as it is, a whole number or a boolean as written in JSON. Deterministic,
     * so a record read twice (after a crash) names the same instance, which the engine starts only once; the workflow
     * name keeps two workflows triggered by one record apart.
     *
     * @throws IllegalArgumentException naming the reason when the path finds nothing, an object or list, or a decimal
     */
    public String instanceIdOf(String workflow, Map<String, Object> data) {
        return workflow + ":" + businessKeyOf(data);
    }

    /** The value the instance id is made of, which also becomes the instance's business key. */
    public String businessKeyOf(Map<String, Object> data) {
        Object value = instanceIdPath().resolve(data);
        if (value instanceof String s && !s.isEmpty()) {
            return s;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0) {
            return d.toBigInteger().toString();
        }
        if (value instanceof Boolean) {
            return value.toString();
        }
        String found = value == null
                ? "nothing"
                : value instanceof String
                        ? "an empty string"
                        : value instanceof Map
                                ? "an object"
                                : value instanceof java.util.List ? "a list" : "the number " + value;
        throw new IllegalArgumentException("the trigger's instanceId " + instanceId + " found " + found
                + "; it must find a non-empty string or a whole number");
    }

    /** The new instance's input: the mapping applied to the record's data, or the record value itself. */
    public Object inputOf(Map<String, Object> data) {
        return input == null ? data.get("record") : input.apply(data);
    }
}
