package dev.baton.examples.spring;

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
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic from the beginning in the background, read_committed: what a downstream consumer sees. */
final class TopicReader implements AutoCloseable {
    private final List<ConsumerRecord<String, String>> records = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    TopicReader(String bootstrapServers, String topic) {
        var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new StringDeserializer());
        thread = new Thread(
                () -> {
                    try (consumer) {
                        List<TopicPartition> partitions = new ArrayList<>();
                        while (running.get() && partitions.isEmpty()) { // the topic may not exist yet
                            consumer.partitionsFor(topic, Duration.ofSeconds(10))
                                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                            if (partitions.isEmpty()) {
                                pause();
                            }
                        }
                        consumer.assign(partitions);
                        consumer.seekToBeginning(partitions);
                        while (running.get()) {
                            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                        }
                    }
                },
                "reader-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<ConsumerRecord<String, String>> withKey(String key) {
        return records.stream().filter(r -> key.equals(r.key())).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }
}
