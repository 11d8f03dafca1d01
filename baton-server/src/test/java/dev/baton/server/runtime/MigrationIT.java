package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionReader;
import dev.baton.engine.Outcome;
import dev.baton.protocol.Json;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.SignalRequest;
import dev.baton.protocol.StartRequest;
import dev.baton.server.api.HttpApi;
import dev.baton.server.kafka.EmbeddedKafka;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration on a real broker, over 1,000 instances: version 2 renames the approval step and sends an invoice after
 * it. A bulk migration moves the instances whose approval has not started yet (their stock worker is held back), and
 * refuses, each with its reason, the ones already waiting for approval under the old step id; every instance then
 * finishes on the version the report said.
 */
class MigrationIT {
    private static final int ORDERS = 1_000;
    /** Every tenth order's stock worker waits, so its approval has not started when the migration comes. */
    private static final java.util.concurrent.CountDownLatch stockHeld = new java.util.concurrent.CountDownLatch(1);

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;
    static TopicReader results;
    static final List<Worker> workers = new ArrayList<>();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("migration-it")
                        .stateDir(dir.resolve("streams"))
                        .partitions(2)
                        .build())
                .start(Duration.ofSeconds(60));
        api = new HttpApi(orchestrator).start("127.0.0.1", 0);
        orchestrator.deploy(DefinitionReader.read("""
                name: approvals
                resultTopic: approvals.results
                steps:
                  - id: reserve
                    topic: appr-stock.commands
                  - id: approve
                    signal: approved
                    after: [reserve]
                """, "approvals-v1.yaml"));
        for (String topic : List.of("appr-stock.commands", "appr-invoice.commands")) {
            Worker w = Worker.create(
                    WorkerOptions.newBuilder()
                            .bootstrapServers(kafka.bootstrapServers())
                            .commandTopic(topic)
                            .retryPolicy(RetryPolicy.newBuilder().maxAttempts(1).build())
                            // Room for the held handlers (a tenth of the orders) and the others beside them.
                            .concurrency(ORDERS / 10 + 16)
                            .build(),
                    ctx -> {
                        if (ctx.stepId().equals("reserve") && held(ctx.instanceId())) {
                            stockHeld.await(120, java.util.concurrent.TimeUnit.SECONDS);
                        }
                        return Map.of("by", ctx.stepId());
                    });
            w.start();
            workers.add(w);
        }
        results = new TopicReader(kafka.bootstrapServers(), "approvals.results");
    }

    @AfterAll
    static void stop() throws Exception {
        workers.forEach(Worker::close);
        results.close();
        api.close();
        orchestrator.close();
        kafka.close();
    }

    @Test
    void shouldMoveTheInstancesThatCanMoveAndReportEachRefusalWithItsReason() throws Exception {
        for (int i = 0; i < ORDERS; i++) {
            orchestrator.start("appr-" + i, new StartRequest("approvals", null, Map.of("n", i), null));
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> waiting() == ORDERS - ORDERS / 10);
        orchestrator.deploy(DefinitionReader.read("""
                name: approvals
                resultTopic: approvals.results
                steps:
                  - id: reserve
                    topic: appr-stock.commands
                  - id: approval
                    signal: approved
                    after: [reserve]
                  - id: invoice
                    topic: appr-invoice.commands
                    after: [approval]
                """, "approvals-v2.yaml"));

        String migration = "\"version\": 2, \"mapping\": {\"approve\": \"approval\"}, \"reason\": \"v2 invoices\"";
        var one = post("/api/instances/appr-1/migrate", "{" + migration + "}");
        assertThat(one.statusCode())
                .as("appr-1 waits for its approval under the old id")
                .isEqualTo(409);
        assertThat(Json.mapper().readTree(one.body()).path("error").asText()).isEqualTo(IN_FLIGHT);

        var bulk = post(
                "/api/instances/bulk",
                "{" + migration + ", \"action\": \"migrate\", \"filter\": {\"workflow\": \"approvals\"}}");
        assertThat(bulk.statusCode()).isEqualTo(202);
        JsonNode answer = Json.mapper().readTree(bulk.body());
        assertThat(answer.path("instances").asInt()).as("moved").isEqualTo(ORDERS / 10);
        var refused = new java.util.HashMap<String, String>();
        answer.path("refused")
                .forEach(r -> refused.put(
                        r.path("instanceId").asText(), r.path("reason").asText()));
        assertThat(refused).hasSize(ORDERS - ORDERS / 10);
        for (int i = 0; i < ORDERS; i++) {
            String id = "appr-" + i;
            if (held(id)) {
                assertThat(refused).as(id + " is moved").doesNotContainKey(id);
            } else {
                assertThat(refused).as(id + " is refused").containsEntry(id, IN_FLIGHT);
            }
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> orchestrator
                        .localInstance("appr-0")
                        .map(i -> i.version() == 2)
                        .orElse(false));
        stockHeld.countDown();
        await().atMost(Duration.ofSeconds(120)).until(() -> waiting() == ORDERS);

        for (int i = 0; i < ORDERS; i++) {
            orchestrator.signal("appr-" + i, new SignalRequest("approved", Map.of("by", "manager")));
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> results.records().size() == ORDERS);
        for (int i = 0; i < ORDERS; i++) {
            String id = "appr-" + i;
            List<ResultMessage> r = results.withKey(id).stream()
                    .map(rec -> ResultMessage.parse(rec.value()))
                    .toList();
            assertThat(r).as("results of " + id).hasSize(1);
            assertThat(r.get(0).status()).isEqualTo(Outcome.SUCCEEDED);
            var steps = ((Map<?, ?>) r.get(0).output())
                    .keySet().stream().map(Object::toString).toList();
            if (held(id)) {
                assertThat(r.get(0).version())
                        .as(id + " finished on the version it moved to")
                        .isEqualTo(2);
                assertThat(steps).containsExactlyInAnyOrder("reserve", "approval", "invoice");
            } else {
                assertThat(r.get(0).version()).as(id + " stayed where it was").isEqualTo(1);
                assertThat(steps).containsExactlyInAnyOrder("reserve", "approve");
            }
        }
    }

    private static final String IN_FLIGHT =
            "step 'approve' has work in flight (RUNNING), whose outcome names it: it keeps its id until that work is"
                    + " done";

    private static boolean held(String instanceId) {
        return Integer.parseInt(instanceId.substring("appr-".length())) % 10 == 0;
    }

    /** Instances waiting for their approval, under either version's step id. */
    private static long waiting() {
        long n = 0;
        for (int i = 0; i < ORDERS; i++) {
            n += orchestrator
                            .localInstance("appr-" + i)
                            .filter(inst -> inst.steps().values().stream()
                                    .anyMatch(st -> st.stepId().startsWith("approv")
                                            && st.state() == dev.baton.engine.StepState.RUNNING))
                            .isPresent()
                    ? 1
                    : 0;
        }
        return n;
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
