package dev.baton.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A worker written from docs/protocol.md alone, with plain kafka-clients and no Baton code: it answers every command
 * with {@code {"answer": input.x + 1}}.
 */
final class PlainKafkaWorker implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    PlainKafkaWorker(String bootstrapServers, String commandTopic) {
        var mapper = new ObjectMapper();
        var consumer = new KafkaConsumer<String, String>(
                Map.of(
                        "bootstrap.servers",
                        bootstrapServers,
                        "group.id",
                        "plain-worker",
                        "enable.auto.commit",
                        false,
                        "auto.offset.reset",
                        "earliest",
                        "isolation.level",
                        "read_committed"),
                new StringDeserializer(),
                new StringDeserializer());
        var producer = new KafkaProducer<String, String>(
                Map.of("bootstrap.servers", bootstrapServers, "acks", "all"),
                new StringSerializer(),
                new StringSerializer());
        thread = new Thread(
                () -> {
                    try (consumer;
                            producer) {
                        consumer.subscribe(List.of(commandTopic));
                        while (running.get()) {
                            var records = consumer.poll(Duration.ofMillis(50));
                            for (var record : records) {
                                JsonNode command = mapper.readTree(record.value());
                                ObjectNode outcome = mapper.createObjectNode();
                                outcome.put(
                                        "commandId", command.get("commandId").asText());
                                outcome.put(
                                        "instanceId", command.get("instanceId").asText());
                                outcome.put("stepId", command.get("stepId").asText());
                                outcome.put("status", "SUCCEEDED");
                                outcome.putObject("output")
                                        .put(
                                                "answer",
                                                command.path("input").path("x").asInt() + 1);
                                outcome.put("attempts", 1);
                                producer.send(new ProducerRecord<>(
                                                command.get("callbackTopic").asText(),
                                                command.get("instanceId").asText(),
                                                mapper.writeValueAsString(outcome)))
                                        .get();
                            }
                            consumer.commitSync();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                "plain-worker");
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
