package dev.baton.definition;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * A step that sends no command: it waits for a record on a Kafka topic (an event some other system publishes, such as
 * {@code mail.delivered}) whose correlation field equals a value of its instance, and succeeds with the record as
 * its output. An event that arrives before the step waits is kept for a while ({@code bufferFor}, or the
 * orchestrator's default) and taken when the step starts.
 *
 * @param topic the topic the event arrives on
 * @param correlationField where the correlation value sits in the event: a path into the record's JSON value, or {@link
 *     #KEY} for the record key
 * @param equalsPath where the instance's value sits: a path into the instance data ({@code $.request...}, {@code
 *     $.steps.<id>.output...}, {@code $.businessKey}, {@code $.instanceId})
 * @param consume whether the event is taken by the one step it reaches ({@link Consume#ONE}) or read by every step
 *     that waits for it ({@link Consume#ALL})
 * @param bufferFor how long an event that no step waits for yet is kept for this step; {@code null} for the
 *     orchestrator's default
 */
public record EventWait(String topic, String correlationField, DataPath equalsPath, Consume consume, Duration bufferFor)
        implements StepKind {
    /** The {@code correlationField} that correlates on the record key instead of a path into the value. */
    public static final String KEY = "key";

    /** Who an event is for. */
    public enum Consume {
        /** One event satisfies one waiting step, the one that waited longest; then it is gone. */
        ONE,
        /** Every waiting step reads the event; it stays buffered for steps that start later, until it expires. */
        ALL
    }

    public EventWait {
        consume = consume == null ? Consume.ONE : consume;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.event(this);
    }

    @Override
    public String field() {
        return "event";
    }

    /** The path into the record's value, or empty when the step correlates on the record key. */
    public java.util.Optional<DataPath> fieldPath() {
        return KEY.equals(correlationField) || correlationField == null
                ? java.util.Optional.empty()
                : java.util.Optional.of(DataPath.parse(correlationField));
    }

    /**
     * The text two correlation values are compared as: strings as they are, numbers without trailing zeros (so
     * {@code 42} in the event equals {@code 42.0} in the request), booleans as {@code true}/{@code false}; {@code null}
     * for a missing value or one that is an object or a list, which never correlates.
     */
    public static String correlationText(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        return null;
    }

    /**
     * The key that a subscription and the events it waits for share: topic, correlation field and value, so that both
     * land on one partition of the correlation topic and a topic correlated on two fields keeps them apart.
     */
    public static String correlationKey(String topic, String field, String value) {
        return Objects.requireNonNull(topic) + "|" + field + "|" + value;
    }
}
