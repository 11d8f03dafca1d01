package dev.baton.server.runtime;

import dev.baton.definition.DataPath;
import dev.baton.definition.EventWait;
import dev.baton.protocol.Json;
import dev.baton.protocol.MalformedMessageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The first half of the event correlation: reads a record from an event topic and writes it to the
 * event-correlation topic once for each correlation field that deployed event steps read on that topic, keyed by
 * {@link EventWait#correlationKey}, so it meets the subscriptions waiting for its value. A record without such a value
 * is skipped; one that is not JSON goes to the dead-letter topic with the reason.
 */
final class EventKeying implements Processor<byte[], byte[], String, byte[]> {
    static final String TO_CORRELATION = "to-event-correlation";
    static final String TO_DEAD_LETTERS = "events-to-dead-letters";

    /** For each event topic, its correlation fields and how long an event correlated on each is kept. */
    private final Supplier<Map<String, Map<String, Duration>>> fields;

    private final Map<String, DataPath> paths = new ConcurrentHashMap<>();
    private ProcessorContext<String, byte[]> context;

    EventKeying(Supplier<Map<String, Map<String, Duration>>> fields) {
        this.fields = fields;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        Map<String, Duration> byField = fields.get().getOrDefault(topic, Map.of());
        if (byField.isEmpty()) {
            return;
        }
        Object value;
        try {
            byte[] message = CloudEventRecords.message(record.headers(), record.value());
            value = message == null ? null : Json.mapper().readValue(message, Object.class);
        } catch (IOException | MalformedMessageException e) {
            deadLetter(record, topic, "an event for an event step must be JSON: " + e.getMessage());
            return;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        var event = new LinkedHashMap<String, Object>();
        event.put("topic", topic);
        event.put("key", key);
        event.put("value", value);
        event.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        byField.forEach((field, ttl) -> {
            Object correlation = EventWait.KEY.equals(field)
                    ? key
                    : paths.computeIfAbsent(field, DataPath::parse).resolve(value);
            String text = EventWait.correlationText(correlation);
            if (text != null) {
                context.forward(
                        new Record<>(
                                EventWait.correlationKey(topic, field, text),
                                CorrelationRecords.event(event, ttl.toMillis()),
                                record.timestamp(),
                                new RecordHeaders()),
                        TO_CORRELATION);
            }
        });
    }

    private void deadLetter(Record<byte[], byte[]> record, String topic, String reason) {
        var headers = new RecordHeaders(record.headers().toArray());
        headers.add("baton.dlq.reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("baton.dlq.topic", topic.getBytes(StandardCharsets.UTF_8));
        context.recordMetadata().ifPresent(m -> {
            headers.add("baton.dlq.partition", String.valueOf(m.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add("baton.dlq.offset", String.valueOf(m.offset()).getBytes(StandardCharsets.UTF_8));
        });
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context.forward(new Record<>(key, record.value(), record.timestamp(), headers), TO_DEAD_LETTERS);
    }
}
