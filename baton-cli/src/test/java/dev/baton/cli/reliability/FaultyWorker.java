package dev.baton.cli.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.protocol.Json;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A worker that dies, run in a JVM of its own by {@link WorkerFaultsIT}. Arguments: mode, bootstrap servers, command
 * topic. Modes:
 *
 * <ul>
 *   <li>{@code hang}: an SDK worker whose handler prints {@code HANDLING <commandId>} and never returns; the test kills
 *       the process with SIGKILL while it is in the middle of the commands.</li>
 *   <li>{@code halt-after-outcome}: a worker written with plain Kafka clients, as the protocol page describes, that
 *       answers the first command it receives, waits for the outcome to be acknowledged, prints
 *       {@code ANSWERED <commandId>} and halts the JVM before committing the command's offset: the crash between
 *       step 2 and the commit, which makes the broker deliver the command again to the next worker.</li>
 * </ul>
 */
public final class FaultyWorker {
    private FaultyWorker() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String bootstrap = args[1];
        String topic = args[2];
        Map<String, Object> fastFailover = Map.of("session.timeout.ms", 6_000, "heartbeat.interval.ms", 1_500);
        if (mode.equals("hang")) {
            Worker worker = Worker.create(
                    WorkerOptions.newBuilder()
                            .bootstrapServers(bootstrap)
                            .commandTopic(topic)
                            .concurrency(4)
                            .kafkaProperties(fastFailover)
                            .build(),
                    ctx -> {
                        System.out.println("HANDLING " + ctx.commandId());
                        System.out.flush();
                        Thread.sleep(Long.MAX_VALUE);
                        return null;
                    });
            worker.start();
            Thread.sleep(Long.MAX_VALUE);
        }
        var consumerConfig = new LinkedHashMap<String, Object>(fastFailover);
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-worker");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        try (var consumer =
                        new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                var producer = new KafkaProducer<>(
                        Map.<String, Object>of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            consumer.subscribe(List.of(topic));
            while (true) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    JsonNode command = Json.mapper().readTree(record.value());
                    var outcome = new LinkedHashMap<String, Object>();
                    outcome.put("commandId", command.path("commandId").asText());
                    outcome.put("instanceId", command.path("instanceId").asText());
                    outcome.put("stepId", command.path("stepId").asText());
                    outcome.put("status", "SUCCEEDED");
                    outcome.put("output", Map.of("by", "the worker that crashed"));
                    producer.send(new ProducerRecord<>(
                                    command.path("callbackTopic").asText(),
                                    record.key(),
                                    Json.mapper().writeValueAsBytes(outcome)))
                            .get();
                    System.out.println("ANSWERED " + command.path("commandId").asText());
                    System.out.flush();
                    Runtime.getRuntime().halt(137); // before the commit: the command will be delivered again
                }
            }
        }
    }
}
