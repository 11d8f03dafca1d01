package dev.baton.server.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic from the beginning, read_committed, in the background: what a downstream consumer sees. */
final class TopicReader implements AutoCloseable {
    private final List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    TopicReader(String bootstrapServers, String topic) {
        var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        thread = new Thread(
                () -> {
                    try (consumer) {
                        List<TopicPartition> partitions = new ArrayList<>();
                        while (running.get()
                                && partitions.isEmpty()) { // the topic may be created after the reader starts
                            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                            if (partitions.isEmpty()) {
                                sleep();
                            }
                        }
                        consumer.assign(partitions);
                        consumer.seekToBeginning(partitions);
                        while (running.get()) {
                            consumer.poll(Duration.ofMillis(50)).forEach(records::add);
                        }
                    }
                },
                "reader-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<ConsumerRecord<byte[], byte[]>> records() {
        return List.copyOf(records);
    }

    List<ConsumerRecord<byte[], byte[]>> withKey(String key) {
        return records.stream()
                .filter(r -> r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .toList();
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }
}
