package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regressions found by the reliability fuzzer, with the orchestrator's default limits (1 MiB records) and one
 * partition, so that a record that stops the partition stops every instance after it. Each of these inputs used to
 * stop the partition for good: the orchestrator wrote a record Kafka's producer refuses (more than
 * {@code max.request.size}), the stream thread died, was replaced, read the same input again and died again; or it
 * stored an instance it could not read back. Now each is dead-lettered or fails its step with a reason, and the valid
 * instance written after it completes.
 */
class OversizedRecordsIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static KafkaProducer<byte[], byte[]> producer;
    static final List<ConsumerRecord<byte[], byte[]>> deadLetters = new CopyOnWriteArrayList<>();
    static final Map<String, JsonNode> results = new ConcurrentHashMap<>();
    static Ledger ledger;
    static final List<Worker> workers = new ArrayList<>();

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("oversized")
                        .stateDir(dir.resolve("streams"))
                        .partitions(1)
                        .build())
                .start(Duration.ofSeconds(120));
        producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        orchestrator.deploy(dev.baton.definition.WorkflowDefinition.builder("big")
                .resultTopic("big.results")
                .step("a", s -> s.topic("big.a"))
                .step("b", s -> s.topic("big.b").after("a"))
                .step("c", s -> s.topic("big.c").after("b"))
                .build());
        // Each worker echoes what the input asks for: {"size": n} returns n bytes, {"depth": n} a value nested n deep.
        for (String step : List.of("a", "b", "c")) {
            Worker w = Worker.create(
                    WorkerOptions.newBuilder()
                            .bootstrapServers(kafka.bootstrapServers())
                            .commandTopic("big." + step)
                            .build(),
                    ctx -> {
                        int size = ctx.input().path("size").asInt(0);
                        int depth = ctx.input().path("depth").asInt(0);
                        if (depth > 0) {
                            Object deep = "leaf";
                            for (int i = 0; i < depth; i++) {
                                deep = List.of(deep);
                            }
                            return deep;
                        }
                        return Map.of("blob", "x".repeat(size));
                    });
            w.start();
            workers.add(w);
        }
        ledger = new Ledger(
                kafka.bootstrapServers(),
                Map.of(
                        "baton.dlq",
                        deadLetters::add,
                        "big.results",
                        r -> results.put(new String(r.key(), StandardCharsets.UTF_8), WorkerFaultsIT.read(r.value()))));
    }

    @AfterAll
    static void stop() throws Exception {
        workers.forEach(Worker::close);
        ledger.close();
        producer.close();
        orchestrator.close();
        kafka.close();
    }

    static void send(String topic, byte[] key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    static void startValid(String id) {
        orchestrator.start(id, new StartRequest("big", null, Map.of("size", 10), null));
    }

    static JsonNode awaitResult(String id) {
        await().atMost(Duration.ofSeconds(90)).until(() -> results.containsKey(id));
        return results.get(id);
    }

    static ConsumerRecord<byte[], byte[]> awaitDeadLetter(String key) {
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters.stream().anyMatch(r -> key.equals(keyOf(r))));
        return deadLetters.stream()
                .filter(r -> key.equals(keyOf(r)))
                .findFirst()
                .orElseThrow();
    }

    static String keyOf(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeadLetterARecordTooLargeToCopyWithoutItsValue() throws Exception {
        byte[] almostAMebibyte = new byte[1_048_000]; // within the broker's limit; not JSON
        Arrays.fill(almostAMebibyte, (byte) '{');
        send("baton.requests", "huge-1".getBytes(StandardCharsets.UTF_8), almostAMebibyte);
        startValid("after-huge-1");

        assertThat(awaitResult("after-huge-1").path("status").asText()).isEqualTo("SUCCEEDED");
        var letter = awaitDeadLetter("huge-1");
        assertThat(letter.value()).isNull();
        assertThat(TopicHeaders.get(letter, "baton.dlq.reason")).contains("not valid JSON");
        assertThat(TopicHeaders.get(letter, "baton.dlq.omitted")).contains("too large to copy");
        assertThat(TopicHeaders.get(letter, "baton.dlq.offset")).matches("\\d+");
    }

    @Test
    void shouldCutAReasonThatQuotesAHugeField() throws Exception {
        String name = "w".repeat(600_000);
        send(
                "baton.requests",
                "long-name".getBytes(StandardCharsets.UTF_8),
                ("{\"workflow\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8));
        startValid("after-long-name");

        assertThat(awaitResult("after-long-name").path("status").asText()).isEqualTo("SUCCEEDED");
        var letter = awaitDeadLetter("long-name");
        assertThat(TopicHeaders.get(letter, "baton.dlq.reason"))
                .startsWith("unknown workflow 'www")
                .hasSizeLessThan(1100);
        assertThat(letter.value()).hasSize(name.length() + 15); // small enough to copy unchanged
    }

    @Test
    void shouldFailTheStepWhoseOutputWouldMakeTheInstanceTooLargeToStore() throws Exception {
        // Each output is well under the limit, but the instance holds all of them: a's and b's outputs fit, c's does
        // not.
        orchestrator.start("too-big", new StartRequest("big", null, Map.of("size", 400_000), null));
        startValid("after-too-big");

        JsonNode result = awaitResult("too-big");
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("stepId").asText()).isEqualTo("c");
        assertThat(result.path("error").path("type").asText()).isEqualTo("OutputTooLarge");
        assertThat(awaitResult("after-too-big").path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(orchestrator.localInstance("too-big").orElseThrow().step("c").output())
                .isNull();
    }

    @Test
    void shouldDeadLetterAnOutcomeWhoseNotificationWouldBeTooLarge() throws Exception {
        orchestrator.start("ignored-huge", new StartRequest("big", null, Map.of("size", 10), null));
        assertThat(awaitResult("ignored-huge").path("status").asText()).isEqualTo("SUCCEEDED");
        // Well-formed, about a finished instance: it would be reported as OutcomeIgnored, quoting its 1 MB command id.
        String outcome = "{\"commandId\":\"" + "c".repeat(1_040_000)
                + "\",\"instanceId\":\"ignored-huge\",\"stepId\":\"a\",\"status\":\"SUCCEEDED\"}";
        send(
                "baton.callbacks",
                "ignored-huge".getBytes(StandardCharsets.UTF_8),
                outcome.getBytes(StandardCharsets.UTF_8));
        startValid("after-ignored-huge");

        assertThat(awaitResult("after-ignored-huge").path("status").asText()).isEqualTo("SUCCEEDED");
        var letter = awaitDeadLetter("ignored-huge");
        assertThat(TopicHeaders.get(letter, "baton.dlq.reason"))
                .contains("would publish a record of")
                .contains("baton.status");
    }

    @Test
    void shouldFinishAnInstanceWhoseOutputIsNestedAsDeepAsTheProtocolAllows() throws Exception {
        orchestrator.start("deep", new StartRequest("big", null, Map.of("depth", 126), null));
        startValid("after-deep");

        assertThat(awaitResult("deep").path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(awaitResult("after-deep").path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(deadLetters.stream().map(OversizedRecordsIT::keyOf)).doesNotContain("deep");
    }

    /** Header access for records read by a {@link Ledger}. */
    static final class TopicHeaders {
        static String get(ConsumerRecord<byte[], byte[]> r, String name) {
            var h = r.headers().lastHeader(name);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    }
}
