package dev.baton.worker.internal;

import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/** Creates the Kafka clients of a worker; tests substitute mocks. */
public interface ClientFactory {

    /** Creates real {@link KafkaConsumer}s and {@link KafkaProducer}s. */
    ClientFactory KAFKA = new ClientFactory() {
        @Override
        public Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
            return new KafkaConsumer<>(config);
        }

        @Override
        public Producer<byte[], byte[]> producer(Map<String, Object> config) {
            return new KafkaProducer<>(config);
        }
    };

    /**
     * Creates the consumer.
     *
     * @param config see {@link KafkaConfigs#consumer}
     * @return a new consumer
     */
    Consumer<byte[], byte[]> consumer(Map<String, Object> config);

    /**
     * Creates the producer.
     *
     * @param config see {@link KafkaConfigs#producer}
     * @return a new producer
     */
    Producer<byte[], byte[]> producer(Map<String, Object> config);
}
