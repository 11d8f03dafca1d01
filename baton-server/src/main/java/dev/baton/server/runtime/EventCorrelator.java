package dev.baton.server.runtime;

import dev.baton.engine.Inbound.DeliverEvent;
import dev.baton.protocol.CloudEvents;
import dev.baton.protocol.EventDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The second half of the event correlation, for one partition of the event-correlation topic, where a step's
 * subscription and the events it waits for meet under one key (topic, correlation field and value):
 *
 * <ul>
 *   <li>an event reaches every waiting step with {@code consume: all}, and the step with {@code consume: one} that
 *       subscribed first; taken by such a step, it is gone; otherwise it is kept until it expires;
 *   <li>a subscription takes the oldest kept event that has not expired (a {@code consume: one} step removes it), or
 *       waits;
 *   <li>an unsubscribe (the step stopped waiting) removes the subscription.
 * </ul>
 *
 * Each delivery goes to the requests topic keyed by the instance id. Kept events, subscriptions and the expiry index
 * are persistent, changelogged stores, and Kafka Streams commits them with the deliveries and the input offsets in
 * one transaction, so an event is delivered once and taken once. Kept events live in RocksDB, not on the heap; a
 * punctuator removes expired ones by a scan of the time-ordered expiry index.
 */
final class EventCorrelator implements Processor<String, byte[], String, byte[]> {
    private static final String SEP = "\u0000";
    private static final byte[] NOTHING = new byte[0];

    private final OrchestratorMetrics metrics;
    private final Duration expiryResolution;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> subscriptions;
    private KeyValueStore<String, byte[]> kept;
    private KeyValueStore<String, byte[]> expiry;
    /** Kept events of this task by topic, to take back from the gauge when the task leaves this process. */
    private final Map<String, Long> counted = new HashMap<>();

    EventCorrelator(OrchestratorMetrics metrics, Duration expiryResolution) {
        this.metrics = metrics;
        this.expiryResolution = expiryResolution;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.subscriptions = context.getStateStore(EventCorrelation.SUBSCRIPTIONS_STORE);
        this.kept = context.getStateStore(EventCorrelation.KEPT_EVENTS_STORE);
        this.expiry = context.getStateStore(EventCorrelation.EXPIRY_STORE);
        // The store is restored by now; a scan once per task start keeps the gauge exact without a counter store.
        try (KeyValueIterator<String, byte[]> all = kept.all()) {
            all.forEachRemaining(kv -> count(topicOf(kv.key), 1));
        }
        context.schedule(expiryResolution, PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(0L);
        long now = context.currentSystemTimeMs();
        Map<String, Object> message = CorrelationRecords.read(record.value());
        if (message.get("event") instanceof Map<?, ?> event) {
            long ttl = message.get("ttlMs") instanceof Number n ? n.longValue() : 0;
            onEvent(record.key(), event, ttl, offset, now);
        } else if (message.get("subscribe") instanceof Map<?, ?> sub) {
            onSubscribe(record.key(), Subscription.of(sub, offset), now);
        } else if (message.get("unsubscribe") instanceof Map<?, ?> sub) {
            String key = subscriptionKey(record.key(), text(sub, "instanceId"), text(sub, "stepId"));
            byte[] existing = subscriptions.get(key);
            if (existing != null
                    && Subscription.of(CorrelationRecords.read(existing), 0)
                            .commandId()
                            .equals(text(sub, "commandId"))) {
                subscriptions.delete(key);
            }
        }
    }

    private void onEvent(String correlationKey, Map<?, ?> event, long ttl, long offset, long now) {
        Subscription first = null;
        String firstKey = null;
        var readers = new ArrayList<KeyValue<String, Subscription>>();
        try (KeyValueIterator<String, byte[]> it =
                subscriptions.prefixScan(correlationKey + SEP, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                Subscription s = Subscription.of(CorrelationRecords.read(kv.value), 0);
                if (s.takes()) {
                    if (first == null || s.since() < first.since()) {
                        first = s;
                        firstKey = kv.key;
                    }
                } else {
                    readers.add(KeyValue.pair(kv.key, s));
                }
            }
        }
        for (KeyValue<String, Subscription> reader : readers) {
            subscriptions.delete(reader.key);
            deliver(reader.value, event, null);
        }
        if (first != null) {
            subscriptions.delete(firstKey);
            deliver(first, event, new DeliverEvent.Taken(correlationKey, Instant.ofEpochMilli(now + Math.max(ttl, 0))));
            return;
        }
        if (ttl > 0) {
            long expiresAt = now + ttl;
            String keptKey = correlationKey + SEP + hex(offset);
            var entry = new HashMap<String, Object>();
            entry.put("event", event);
            entry.put("expiresAt", expiresAt);
            kept.put(keptKey, CorrelationRecords.bytes(entry));
            expiry.put(hex(expiresAt) + SEP + keptKey, NOTHING);
            count(topicOf(correlationKey), 1);
        }
    }

    private void onSubscribe(String correlationKey, Subscription s, long now) {
        String foundKey = null;
        Map<?, ?> found = null;
        long foundExpiresAt = 0;
        var expired = new ArrayList<KeyValue<String, Long>>();
        try (KeyValueIterator<String, byte[]> it = kept.prefixScan(correlationKey + SEP, new StringSerializer())) {
            while (it.hasNext() && found == null) { // oldest first: the key ends in the event's offset, in hex
                KeyValue<String, byte[]> kv = it.next();
                Map<String, Object> entry = CorrelationRecords.read(kv.value);
                long expiresAt = ((Number) entry.get("expiresAt")).longValue();
                if (expiresAt <= now) {
                    expired.add(KeyValue.pair(kv.key, expiresAt));
                } else {
                    foundKey = kv.key;
                    found = (Map<?, ?>) entry.get("event");
                    foundExpiresAt = expiresAt;
                }
            }
        }
        for (KeyValue<String, Long> e : expired) {
            forget(e.key, e.value);
            metrics.eventsExpired(topicOf(e.key), 1);
        }
        if (found == null) {
            subscriptions.put(subscriptionKey(correlationKey, s.instanceId(), s.stepId()), s.toJson());
            return;
        }
        if (s.takes()) {
            forget(foundKey, foundExpiresAt);
        }
        deliver(
                s,
                found,
                s.takes() ? new DeliverEvent.Taken(correlationKey, Instant.ofEpochMilli(foundExpiresAt)) : null);
    }

    /** Removes kept events whose time is up, in the order they expire. */
    private void expire(long now) {
        var due = new ArrayList<String>();
        try (KeyValueIterator<String, byte[]> it = expiry.range(hex(0), hex(now) + "\uffff")) {
            it.forEachRemaining(kv -> due.add(kv.key));
        }
        var byTopic = new HashMap<String, Integer>();
        for (String key : due) {
            String keptKey = key.substring(key.indexOf(SEP) + 1);
            expiry.delete(key);
            if (kept.delete(keptKey) != null) {
                String topic = topicOf(keptKey);
                count(topic, -1);
                byTopic.merge(topic, 1, Integer::sum);
            }
        }
        byTopic.forEach(metrics::eventsExpired);
    }

    private void forget(String keptKey, long expiresAt) {
        if (kept.delete(keptKey) != null) {
            count(topicOf(keptKey), -1);
        }
        expiry.delete(hex(expiresAt) + SEP + keptKey);
    }

    /** @param taken set when the step takes the event: it goes back under this key if the step no longer waits */
    private void deliver(Subscription s, Map<?, ?> event, DeliverEvent.Taken taken) {
        var delivery = new EventDelivery(s.stepId(), s.commandId(), event, taken);
        long now = context.currentSystemTimeMs();
        context.forward(new Record<>(
                s.instanceId(),
                delivery.toJson(),
                now,
                CloudEventRecords.headers(
                        CloudEvents.REQUEST, s.commandId() + "/event", s.instanceId(), Instant.ofEpochMilli(now))));
        metrics.eventsDelivered(String.valueOf(event.get("topic")), 1);
    }

    private void count(String topic, long delta) {
        counted.merge(topic, delta, Long::sum);
        metrics.eventsBufferedChanged(topic, delta);
    }

    @Override
    public void close() {
        counted.forEach((topic, n) -> metrics.eventsBufferedChanged(topic, -n));
        counted.clear();
    }

    private static String subscriptionKey(String correlationKey, String instanceId, String stepId) {
        return correlationKey + SEP + instanceId + SEP + stepId;
    }

    /** The topic of a correlation key, or of a store key that starts with one. */
    private static String topicOf(String key) {
        int bar = key.indexOf('|');
        return bar < 0 ? key : key.substring(0, bar);
    }

    private static String hex(long n) {
        return String.format("%016x", n);
    }

    private static String text(Map<?, ?> m, String field) {
        Object v = m.get(field);
        return v == null ? "" : v.toString();
    }

    /** A step waiting for an event; {@code since} is its subscription's offset, so the first to wait is served first. */
    private record Subscription(String instanceId, String stepId, String commandId, String consume, long since) {
        static Subscription of(Map<?, ?> m, long offset) {
            Object since = m.get("since");
            return new Subscription(
                    text(m, "instanceId"),
                    text(m, "stepId"),
                    text(m, "commandId"),
                    m.get("consume") == null ? "one" : m.get("consume").toString(),
                    since instanceof Number n ? n.longValue() : offset);
        }

        boolean takes() {
            return !"all".equals(consume);
        }

        byte[] toJson() {
            var m = new java.util.LinkedHashMap<String, Object>();
            m.put("instanceId", instanceId);
            m.put("stepId", stepId);
            m.put("commandId", commandId);
            m.put("consume", consume);
            m.put("since", since);
            return CorrelationRecords.bytes(m);
        }
    }
}
