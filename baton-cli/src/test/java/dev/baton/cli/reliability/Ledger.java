package dev.baton.cli.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a downstream consumer sees: reads topics from the beginning with {@code isolation.level=read_committed}, in
 * the background, and hands every record to the handler registered for its topic. The handlers keep counts, not
 * records, so a soak of 100,000 records stays small.
 */
final class Ledger implements AutoCloseable {
    private final Map<String, Consumer<ConsumerRecord<byte[], byte[]>>> handlers;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong records = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    Ledger(
            String bootstrapServers,
            Map<String, Object> clientProperties,
            Map<String, Consumer<ConsumerRecord<byte[], byte[]>>> handlers) {
        this.handlers = Map.copyOf(handlers);
        var config = new java.util.HashMap<String, Object>(clientProperties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(
                () -> {
                    try (consumer) {
                        List<TopicPartition> partitions = new ArrayList<>();
                        for (String topic : this.handlers.keySet()) {
                            while (running.get()) {
                                var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                                if (!infos.isEmpty()) {
                                    infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                                    break;
                                }
                                Thread.sleep(100); // created later
                            }
                        }
                        consumer.assign(partitions);
                        consumer.seekToBeginning(partitions);
                        while (running.get()) {
                            for (var r : consumer.poll(Duration.ofMillis(100))) {
                                this.handlers.get(r.topic()).accept(r);
                                records.incrementAndGet();
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                },
                "ledger");
        thread.setDaemon(true);
        thread.start();
    }

    Ledger(String bootstrapServers, Map<String, Consumer<ConsumerRecord<byte[], byte[]>>> handlers) {
        this(bootstrapServers, Map.of(), handlers);
    }

    long recordsRead() {
        return records.get();
    }

    /** Throws if the reader thread failed (e.g. a handler threw), so that a test never waits on a dead ledger. */
    void check() {
        if (failure.get() != null) {
            throw new AssertionError("the ledger stopped reading", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }

    /** Counts per key, for "exactly once" checks. */
    static final class Counts {
        final Map<String, AtomicLong> byKey = new ConcurrentHashMap<>();
        final AtomicLong total = new AtomicLong();

        void add(String key) {
            byKey.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            total.incrementAndGet();
        }

        long count(String key) {
            AtomicLong n = byKey.get(key);
            return n == null ? 0 : n.get();
        }

        int distinct() {
            return byKey.size();
        }

        long total() {
            return total.get();
        }

        /** How many records beyond the first, over all keys. */
        long duplicates() {
            return byKey.values().stream()
                    .mapToLong(n -> Math.max(0, n.get() - 1))
                    .sum();
        }

        List<String> keysSeenMoreThanOnce() {
            return byKey.entrySet().stream()
                    .filter(e -> e.getValue().get() > 1)
                    .map(Map.Entry::getKey)
                    .sorted()
                    .limit(20)
                    .toList();
        }
    }
}
