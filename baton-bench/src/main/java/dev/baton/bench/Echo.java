package dev.baton.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The ceiling's other side: a plain consumer that answers every record on one topic with a copy on another. */
final class Echo implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final KafkaConsumer<byte[], byte[]> consumer;

    Echo(String bootstrap, String from, String to, String group) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        var producer = new KafkaProducer<>(
                RequestReply.producerConfig(bootstrap), new ByteArraySerializer(), new ByteArraySerializer());
        consumer.subscribe(List.of(from), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                assigned = true;
            }
        });
        thread = new Thread(
                () -> {
                    try (producer) {
                        while (running.get()) {
                            for (var r : consumer.poll(Duration.ofMillis(100))) {
                                producer.send(new ProducerRecord<>(to, r.key(), r.value()));
                            }
                        }
                    } catch (org.apache.kafka.common.errors.WakeupException e) {
                        // closing
                    } finally {
                        consumer.close();
                    }
                },
                "echo-" + from);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the consumer has its partitions, so that the first pings are not left waiting for a rebalance. */
    void awaitAssignment(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (assigned) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the echo consumer got no partitions within " + timeout);
    }

    private volatile boolean assigned;

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
