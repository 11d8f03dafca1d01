package dev.baton.server.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the status topic from its end and hands each notification (JSON text) to every subscriber: the source of
 * the dashboard's live updates. It reads every partition, so each process sees the whole cluster's activity, and
 * reads only while someone subscribes.
 */
final class StatusBroadcast implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusBroadcast.class);

    private final Set<Consumer<String>> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    StatusBroadcast(String bootstrapServers, Map<String, Object> kafkaProperties, String topic) {
        var config = new java.util.HashMap<String, Object>(kafkaProperties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(
                () -> {
                    try (consumer) {
                        List<TopicPartition> partitions = new ArrayList<>();
                        consumer.partitionsFor(topic, Duration.ofSeconds(30))
                                .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                        consumer.assign(partitions);
                        // Nobody watching, nothing fetched: under load the status topic carries about ten records per
                        // workflow, which every process would otherwise read and decode for no one.
                        consumer.pause(partitions);
                        boolean following = false;
                        while (running.get()) {
                            boolean watched = !subscribers.isEmpty();
                            if (watched && !following) {
                                consumer.seekToEnd(partitions);
                                consumer.resume(partitions);
                            } else if (!watched && following) {
                                consumer.pause(partitions);
                            }
                            following = watched;
                            // A short wait while paused: a new subscriber's feed starts within it.
                            for (var record : consumer.poll(Duration.ofMillis(following ? 200 : 20))) {
                                String json = new String(record.value(), StandardCharsets.UTF_8);
                                for (Consumer<String> s : subscribers) {
                                    try {
                                        s.accept(json);
                                    } catch (RuntimeException e) {
                                        subscribers.remove(s); // a closed browser tab
                                    }
                                }
                            }
                        }
                    } catch (org.apache.kafka.common.errors.WakeupException
                            | org.apache.kafka.common.errors.InterruptException e) {
                        // closing
                    } catch (RuntimeException e) {
                        log.warn("The status feed stopped: {}", e.toString());
                    }
                },
                "baton-status-broadcast");
        thread.setDaemon(true);
        thread.start();
    }

    void subscribe(Consumer<String> subscriber) {
        subscribers.add(subscriber);
    }

    void unsubscribe(Consumer<String> subscriber) {
        subscribers.remove(subscriber);
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
