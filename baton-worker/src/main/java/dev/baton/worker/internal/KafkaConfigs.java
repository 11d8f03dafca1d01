package dev.baton.worker.internal;

import dev.baton.worker.WorkerOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The effective Kafka client configurations of a worker. */
public final class KafkaConfigs {

    private KafkaConfigs() {}

    /**
     * The consumer configuration: SDK defaults, then the user's properties (except those known
     * only to the producer), then the settings the SDK depends on.
     *
     * @param options the worker options
     * @return a new mutable map
     */
    public static Map<String, Object> consumer(WorkerOptions options) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Commands are written in the orchestrator's transactions: a command from an aborted transaction was never
        // decided, and must not be executed.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        copyFor(options.kafkaProperties(), config, ConsumerConfig.configNames(), ProducerConfig.configNames());
        if (options.bootstrapServers() != null) {
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        }
        config.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, options.maxPollRecords());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }

    /**
     * The producer configuration: SDK defaults ({@code acks=all}, idempotence on,
     * {@code linger.ms=1}), then the user's properties (except those known only to the
     * consumer), then the serialisers.
     *
     * @param options the worker options
     * @return a new mutable map
     */
    public static Map<String, Object> producer(WorkerOptions options) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        copyFor(options.kafkaProperties(), config, ProducerConfig.configNames(), ConsumerConfig.configNames());
        if (options.bootstrapServers() != null) {
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        }
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    private static void copyFor(
            Map<String, Object> props, Map<String, Object> into, Set<String> mine, Set<String> other) {
        props.forEach((k, v) -> {
            boolean onlyTheOther = other.contains(k) && !mine.contains(k);
            if (!onlyTheOther) {
                into.put(k, v);
            }
        });
    }
}
