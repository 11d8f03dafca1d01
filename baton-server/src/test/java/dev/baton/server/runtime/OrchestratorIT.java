package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.Outcome;
import dev.baton.engine.StepState;
import dev.baton.protocol.Json;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The article's system on a real broker: requests in, commands out, outcomes back on one callback topic, results. */
class OrchestratorIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static TopicReader status;
    static TopicReader deadLetters;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startBrokerAndOrchestrator() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(settings("it-main", dir.resolve("streams-main"))).start(Duration.ofSeconds(60));
        status = new TopicReader(kafka.bootstrapServers(), "baton.status");
        deadLetters = new TopicReader(kafka.bootstrapServers(), "baton.dlq");
        producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    @AfterAll
    static void stop() throws Exception {
        producer.close();
        status.close();
        deadLetters.close();
        orchestrator.close();
        kafka.close();
    }

    static OrchestratorSettings settings(String applicationId, Path stateDir) {
        return OrchestratorSettings.newBuilder()
                .bootstrapServers(kafka.bootstrapServers())
                .applicationId(applicationId)
                .stateDir(stateDir)
                .partitions(2)
                .maxPayloadBytes(64 * 1024)
                .build();
    }

    static void start(String workflow, String id, Map<String, Object> input) {
        orchestrator.start(id, new StartRequest(workflow, null, input, null));
    }

    static Map<String, List<ResultMessage>> resultsByInstance(TopicReader results) {
        return results.records().stream()
                .map(r -> ResultMessage.parse(r.value()))
                .collect(Collectors.groupingBy(ResultMessage::instanceId));
    }

    static void send(String topic, String key, String json) throws Exception {
        producer.send(new ProducerRecord<>(
                        topic,
                        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)))
                .get();
    }

    @Test
    void shouldCompleteTheArticlesSuccessPathForEveryItemExactlyOnce() throws Exception {
        try (var services = new ArticleServices("ok", kafka.bootstrapServers()).startAll();
                var results = new TopicReader(kafka.bootstrapServers(), "ok.results")) {
            var def = orchestrator.deploy(services.definition());
            List<String> ids = IntStream.range(0, 30).mapToObj(i -> "ok-" + i).toList();
            ids.forEach(id -> start(def.name(), id, Map.of("n", id)));

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> resultsByInstance(results).keySet().containsAll(ids));
            Thread.sleep(500); // a duplicate result would arrive by now
            var byInstance = resultsByInstance(results);
            assertThat(byInstance).hasSize(30);
            byInstance.values().forEach(list -> {
                assertThat(list).hasSize(1);
                assertThat(list.get(0).status()).isEqualTo(Outcome.SUCCEEDED);
                assertThat(list.get(0).output())
                        .isEqualTo(Map.of(
                                "A",
                                Map.of("by", "A"),
                                "B",
                                Map.of("by", "B"),
                                "C",
                                Map.of("by", "C"),
                                "D",
                                Map.of("by", "D")));
            });
            assertThat(services.executedBy("D")).hasSize(30).doesNotHaveDuplicates();
            assertThat(TopicReader.header(results.records().get(0), "ce_type")).isEqualTo("dev.baton.result.v1");
        }
    }

    @Test
    void shouldWaitForServiceCWhileItIsOfflineAndFinishWhenItReturns() throws Exception {
        try (var services = new ArticleServices("batch", kafka.bootstrapServers())
                        .start("A")
                        .start("B")
                        .start("D");
                var results = new TopicReader(kafka.bootstrapServers(), "batch.results")) {
            var def = orchestrator.deploy(services.definition());
            List<String> ids =
                    IntStream.range(0, 10).mapToObj(i -> "batch-" + i).toList();
            ids.forEach(id -> start(def.name(), id, Map.of()));

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> services.executedBy("B").size() == 10);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ids.stream()
                            .allMatch(id -> orchestrator
                                    .localInstance(id)
                                    .map(i -> i.step("B").state() == StepState.SUCCEEDED)
                                    .orElse(false)));
            assertThat(ids)
                    .allSatisfy(id -> assertThat(orchestrator
                                    .localInstance(id)
                                    .orElseThrow()
                                    .step("C")
                                    .state())
                            .isEqualTo(StepState.RUNNING));
            assertThat(services.executedBy("D")).isEmpty();
            assertThat(results.records()).isEmpty();

            services.start("C"); // the nightly batch window opens
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> resultsByInstance(results).size() == 10);
            assertThat(resultsByInstance(results).values()).allSatisfy(list -> {
                assertThat(list).hasSize(1);
                assertThat(list.get(0).status()).isEqualTo(Outcome.SUCCEEDED);
            });
        }
    }

    @Test
    void shouldCompensateABAndCInReverseWhenDFailsAndCompleteTheProcessWithTheItemFailed() throws Exception {
        try (var services = new ArticleServices("fail", kafka.bootstrapServers()).startAll();
                var results = new TopicReader(kafka.bootstrapServers(), "fail.results")) {
            var def = orchestrator.deploy(services.definition());
            start(def.name(), "fail-1", Map.of("failAtD", true));
            start(def.name(), "fail-2", Map.of("failAtD", false));

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> resultsByInstance(results).size() == 2);
            var failed = resultsByInstance(results).get("fail-1").get(0);
            assertThat(failed.status()).isEqualTo(Outcome.FAILED);
            assertThat(failed.error()).containsEntry("stepId", "D").containsEntry("type", "Rejected");
            assertThat(failed.compensated()).hasSize(3).endsWith("A");
            assertThat(failed.compensated().subList(0, 2)).containsExactlyInAnyOrder("B", "C");
            List<String> undone = services.compensations.stream()
                    .filter(c -> c.startsWith("fail-1:"))
                    .toList();
            assertThat(undone).hasSize(3).endsWith("fail-1:A");
            assertThat(services.compensations).noneMatch(c -> c.startsWith("fail-2:"));
            assertThat(resultsByInstance(results).get("fail-2").get(0).status()).isEqualTo(Outcome.SUCCEEDED);

            var instance = orchestrator.localInstance("fail-1").orElseThrow();
            assertThat(instance.status()).isEqualTo(dev.baton.engine.ProcessStatus.COMPLETED);
            assertThat(instance.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(status.withKey("fail-1"))
                    .anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"InstanceFailing\""));
        }
    }

    @Test
    void shouldIgnoreDuplicateOutcomesWrittenStraightOntoTheCallbackTopic() throws Exception {
        try (var services = new ArticleServices("dup", kafka.bootstrapServers()).startAll();
                var results = new TopicReader(kafka.bootstrapServers(), "dup.results")) {
            var def = orchestrator.deploy(services.definition());
            start(def.name(), "dup-1", Map.of());
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> resultsByInstance(results).containsKey("dup-1"));

            String duplicate =
                    "{\"commandId\":\"dup-1/D/1\",\"instanceId\":\"dup-1\",\"stepId\":\"D\",\"status\":\"FAILED\",\"error\":\"late\"}";
            send("baton.callbacks", "dup-1", duplicate);
            send(
                    "baton.callbacks",
                    "dup-1",
                    "{\"commandId\":\"dup-1/A/1\",\"instanceId\":\"dup-1\",\"stepId\":\"A\",\"status\":\"SUCCEEDED\"}");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> status.withKey("dup-1").stream()
                                    .filter(r -> new String(r.value(), StandardCharsets.UTF_8)
                                            .contains("\"OutcomeIgnored\""))
                                    .count()
                            == 2);
            assertThat(resultsByInstance(results).get("dup-1")).hasSize(1);
            assertThat(orchestrator.localInstance("dup-1").orElseThrow().outcome())
                    .isEqualTo(Outcome.SUCCEEDED);
        }
    }

    @Test
    void shouldSendBadRecordsToTheDeadLetterTopicAndCarryOn() throws Exception {
        try (var services = new ArticleServices("dlq", kafka.bootstrapServers()).startAll();
                var results = new TopicReader(kafka.bootstrapServers(), "dlq.results")) {
            var def = orchestrator.deploy(services.definition());
            send("baton.requests", "dlq-bad-1", "{not json");
            send("baton.requests", "dlq-bad-2", "{\"workflow\":\"no-such-workflow\"}");
            send("baton.requests", null, "{\"workflow\":\"" + def.name() + "\"}");
            send(
                    "baton.callbacks",
                    "dlq-ghost",
                    "{\"commandId\":\"x\",\"instanceId\":\"dlq-ghost\",\"stepId\":\"A\",\"status\":\"SUCCEEDED\"}");
            send(
                    "baton.requests",
                    "dlq-big",
                    "{\"workflow\":\"" + def.name() + "\",\"input\":\"" + "x".repeat(100_000) + "\"}");
            start(def.name(), "dlq-good", Map.of());

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> resultsByInstance(results).containsKey("dlq-good"));
            await().atMost(Duration.ofSeconds(10)).until(() -> reasons().size() >= 5);
            assertThat(reasons())
                    .anySatisfy(r -> assertThat(r).contains("not valid JSON"))
                    .anySatisfy(r -> assertThat(r).contains("unknown workflow 'no-such-workflow'"))
                    .anySatisfy(r -> assertThat(r).contains("has no key"))
                    .anySatisfy(r -> assertThat(r).contains("unknown instance 'dlq-ghost'"))
                    .anySatisfy(r -> assertThat(r).contains("more than the limit"));
            ConsumerRecord<byte[], byte[]> first =
                    deadLetters.withKey("dlq-bad-1").get(0);
            assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(TopicReader.header(first, "baton.dlq.topic")).isEqualTo("baton.requests");
            assertThat(TopicReader.header(first, "baton.dlq.offset")).matches("\\d+");
        }
    }

    private static List<String> reasons() {
        return deadLetters.records().stream()
                .map(r -> TopicReader.header(r, "baton.dlq.reason"))
                .toList();
    }

    @Test
    void shouldDriveAWorkerWrittenWithPlainKafkaClientsFromTheProtocolAlone() throws Exception {
        try (var results = new TopicReader(kafka.bootstrapServers(), "plain.results");
                var worker = new PlainKafkaWorker(kafka.bootstrapServers(), "plain.commands")) {
            var def = orchestrator.deploy(dev.baton.definition.WorkflowDefinition.builder("plain")
                    .resultTopic("plain.results")
                    .step("only", s -> s.topic("plain.commands"))
                    .build());
            start(def.name(), "plain-1", Map.of("x", 41));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> resultsByInstance(results).containsKey("plain-1"));
            ResultMessage r = resultsByInstance(results).get("plain-1").get(0);
            assertThat(r.status()).isEqualTo(Outcome.SUCCEEDED);
            JsonNode out = Json.mapper().valueToTree(r.output());
            assertThat(out.path("only").path("answer").asInt()).isEqualTo(42);
        }
    }

    @Test
    void shouldCompleteEveryInstanceExactlyOnceAfterTheOrchestratorRestartsMidFlight() throws Exception {
        try (var services = new ArticleServices("restart", kafka.bootstrapServers())
                        .start("A")
                        .start("B")
                        .start("D");
                var results = new TopicReader(kafka.bootstrapServers(), "restart.results")) {
            var settings = OrchestratorSettings.newBuilder(settings("it-restart", dir.resolve("streams-restart")))
                    .topics(BatonTopics.withPrefix("restart."))
                    .build();
            var first = new Orchestrator(settings).start(Duration.ofSeconds(60));
            var def = first.deploy(services.definition());
            List<String> ids =
                    IntStream.range(0, 20).mapToObj(i -> "restart-" + i).toList();
            ids.forEach(id -> first.start(id, new StartRequest(def.name(), null, Map.of(), null)));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> services.executedBy("B").size() == 20);
            first.close();

            services.start("C"); // outcomes pile up on the callback topic while no orchestrator runs
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> services.executedBy("C").size() == 20);
            try (var second = new Orchestrator(settings).start(Duration.ofSeconds(60))) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> resultsByInstance(results).size() == 20);
                Thread.sleep(1000);
                assertThat(resultsByInstance(results).values())
                        .allSatisfy(list -> assertThat(list).hasSize(1));
                assertThat(services.executedBy("D")).hasSize(20).doesNotHaveDuplicates();
                assertThat(Set.copyOf(services.executedBy("A"))).hasSize(20);
            }
        }
    }
}
