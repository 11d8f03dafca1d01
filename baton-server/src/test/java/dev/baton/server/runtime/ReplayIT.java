package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Outcome;
import dev.baton.protocol.Json;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.StartRequest;
import dev.baton.server.api.AccessControl;
import dev.baton.server.api.HttpApi;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.DryRun.Verdict;
import dev.baton.worker.NonRetryableException;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dry run on a real broker: 1,000 instances of the article workflow run to their end with SDK workers (most
 * succeed; every tenth fails at A, at B, at C or at D), then their retained requests and outcomes are replayed against
 * the same definition, a candidate whose D sends to another topic, and one without C. The expected verdict of each
 * instance comes from its result on the results topic; the replay must not write a record or leave a consumer group.
 */
class ReplayIT {
    static final int INSTANCES = 1_000;

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;
    static TopicReader results;
    static final List<Worker> workers = new ArrayList<>();
    /** Where each instance failed, from its result: A, B, C or D; {@code null} for a success. */
    static final Map<String, String> failedAt = new HashMap<>();

    static final String READ_TOKEN = "replay-it-read-token-0001";

    @BeforeAll
    static void runTheInstances() throws Exception {
        long t0 = System.nanoTime();
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("replay-it")
                        .stateDir(dir.resolve("streams"))
                        .partitions(3)
                        .build())
                .start(Duration.ofSeconds(60));
        api = new HttpApi(orchestrator, AccessControl.fromLines(List.of("read " + READ_TOKEN + " reviewer"), "test"))
                .start("127.0.0.1", 0);
        orchestrator.deploy(DryRunTest.V1);
        for (String step : List.of("A", "B", "C", "D")) {
            worker(step);
        }
        results = new TopicReader(kafka.bootstrapServers(), "baton.results");
        for (int i = 0; i < INSTANCES; i++) {
            String fail = switch (i % 10) {
                case 1 -> "A";
                case 2 -> "B";
                case 3 -> "C";
                case 4 -> "D";
                default -> "";
            };
            orchestrator.start(
                    "order-" + i, new StartRequest("article", null, Map.of("orderId", "o-" + i, "failAt", fail), null));
        }
        await().atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> results.records().stream()
                                .map(r -> new String(r.key()))
                                .distinct()
                                .count()
                        == INSTANCES);
        for (var r : results.records()) {
            ResultMessage m = ResultMessage.parse(r.value());
            failedAt.put(
                    m.instanceId(),
                    m.status() == Outcome.SUCCEEDED
                            ? null
                            : String.valueOf(m.error().get("stepId")));
        }
        System.out.printf(
                "ReplayIT: %d instances ran to their end in %d ms (%s)%n",
                INSTANCES,
                (System.nanoTime() - t0) / 1_000_000,
                failedAt.values().stream()
                        .collect(Collectors.groupingBy(
                                s -> s == null ? "succeeded" : "failed at " + s, Collectors.counting())));
    }

    static void worker(String step) {
        Worker w = Worker.create(
                        WorkerOptions.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .commandTopic("service-" + step.toLowerCase() + ".commands")
                                .concurrency(8)
                                .retryPolicy(
                                        RetryPolicy.newBuilder().maxAttempts(1).build())
                                .build(),
                        ctx -> {
                            if (ctx.input().path("failAt").asText().equals(step)) {
                                throw NonRetryableException.ofType("Rejected", step + " rejects " + ctx.instanceId());
                            }
                            return Map.of("by", step);
                        })
                .onCompensate(ctx -> null);
        w.start();
        workers.add(w);
    }

    @AfterAll
    static void stop() throws Exception {
        workers.forEach(Worker::close);
        if (results != null) {
            results.close();
        }
        if (api != null) {
            api.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static DryRun.Report replay(WorkflowDefinition candidate) {
        long t0 = System.nanoTime();
        DryRun.Report report = DryRun.run(
                InputLog.read(InputLog.Source.of(orchestrator.settings(), "article", null, null)), candidate);
        System.out.printf(
                "ReplayIT: dry run of %d instances in %d ms: SAME %d, DIFFERS %d, FAILS %d%n",
                report.instances().size(),
                (System.nanoTime() - t0) / 1_000_000,
                report.count(Verdict.SAME),
                report.count(Verdict.DIFFERS),
                report.count(Verdict.FAILS));
        return report;
    }

    @Test
    void shouldFindEveryInstanceTheSameAgainstItsOwnDefinition() throws Exception {
        Map<String, Long> before = endOffsets();
        var groupsBefore = groups();
        DryRun.Report report = replay(DryRunTest.V1);
        assertThat(report.instances()).hasSize(INSTANCES);
        assertThat(report.instances())
                .allSatisfy(i -> assertThat(i.verdict()).as(i.toString()).isEqualTo(Verdict.SAME));
        assertThat(endOffsets()).as("the dry run writes nothing").isEqualTo(before);
        assertThat(groups()).as("and leaves no consumer group behind").isEqualTo(groupsBefore);
    }

    static java.util.Set<String> groups() throws Exception {
        try (Admin admin = admin()) {
            return admin.listConsumerGroups().all().get().stream()
                    .map(org.apache.kafka.clients.admin.ConsumerGroupListing::groupId)
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void shouldFindEveryInstanceThatReachedDDifferentWhenDSendsElsewhere() {
        DryRun.Report report = replay(DryRunTest.MOVES_D);
        assertThat(report.instances()).hasSize(INSTANCES);
        for (DryRun.InstanceReport i : report.instances()) {
            String failed = failedAt.get(i.instanceId());
            boolean reachedD = failed == null || failed.equals("D");
            if (reachedD) {
                assertThat(i.verdict()).as(i.toString()).isEqualTo(Verdict.DIFFERS);
                assertThat(i.input()).as(i.toString()).matches("outcome SUCCEEDED of " + i.instanceId() + "/[BC]/1 .*");
                assertThat(i.changes())
                        .as(i.toString())
                        .singleElement()
                        .satisfies(c -> assertThat(c)
                                .containsEntry("change", "changed")
                                .containsEntry("field", "topic")
                                .containsEntry("commandId", i.instanceId() + "/D/1")
                                .containsEntry("candidate", "notify-v2.commands"));
            } else {
                assertThat(i.verdict()).as(i.toString()).isEqualTo(Verdict.SAME);
            }
        }
        assertThat(report.count(Verdict.DIFFERS))
                .isEqualTo(failedAt.values().stream()
                        .filter(s -> s == null || s.equals("D"))
                        .count());
    }

    @Test
    void shouldFailEveryInstanceThatRanCWhenTheCandidateHasNoC() throws Exception {
        DryRun.Report report = replay(DryRunTest.WITHOUT_C);
        assertThat(report.instances()).hasSize(INSTANCES);
        for (DryRun.InstanceReport i : report.instances()) {
            // A failed: B and C never started. Otherwise B and C started together after A, so C ran.
            if ("A".equals(failedAt.get(i.instanceId()))) {
                assertThat(i.verdict()).as(i.toString()).isEqualTo(Verdict.SAME);
            } else {
                assertThat(i.verdict()).as(i.toString()).isEqualTo(Verdict.FAILS);
                assertThat(i.reason())
                        .as(i.toString())
                        .isEqualTo("the recorded outcome names step C, which the candidate does not have");
            }
        }

        // The same report through the API, with a token that may only read.
        Map<String, Long> before = endOffsets();
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + api.port() + "/api/workflows/article/replay"))
                                .header("Authorization", "Bearer " + READ_TOKEN)
                                .header("Content-Type", "application/yaml")
                                .POST(HttpRequest.BodyPublishers.ofString(DryRunTest.WITHOUT_C_YAML))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.path("totals").path("instances").asInt()).isEqualTo(INSTANCES);
        assertThat(body.path("totals").path("fails").asInt()).isEqualTo(report.count(Verdict.FAILS));
        assertThat(body.path("totals").path("same").asInt()).isEqualTo(report.count(Verdict.SAME));
        assertThat(endOffsets()).as("the API's dry run writes nothing").isEqualTo(before);
    }

    static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /** The end offset of every partition of every topic on the broker. */
    static Map<String, Long> endOffsets() throws Exception {
        try (Admin admin = admin()) {
            var specs = new HashMap<TopicPartition, OffsetSpec>();
            var topics = admin.listTopics().names().get();
            for (var d : admin.describeTopics(topics).allTopicNames().get().values()) {
                d.partitions()
                        .forEach(p -> specs.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
            }
            var out = new java.util.TreeMap<String, Long>();
            admin.listOffsets(specs).all().get().forEach((tp, o) -> out.put(tp.toString(), o.offset()));
            return out;
        }
    }
}
