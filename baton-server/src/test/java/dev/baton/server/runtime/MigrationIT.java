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
 * Migration on a real broker: orders that wait for a person's approval on version 1 are moved, in bulk, to version 2,
 * which sends an invoice after the approval; once approved they finish on version 2. A move that cannot be mapped
 * is refused with the reason and changes nothing.
 */
class MigrationIT {
    private static final int ORDERS = 20;

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
                            .build(),
                    ctx -> Map.of("by", ctx.stepId()));
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
    void shouldMoveWaitingInstancesToTheNewVersionAndFinishThereOrRefuseWithTheReason() throws Exception {
        for (int i = 0; i < ORDERS; i++) {
            orchestrator.start("appr-" + i, new StartRequest("approvals", null, Map.of("n", i), null));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> waiting() == ORDERS);
        orchestrator.deploy(DefinitionReader.read("""
                name: approvals
                resultTopic: approvals.results
                steps:
                  - id: reserve
                    topic: appr-stock.commands
                  - id: approve
                    signal: approved
                    after: [reserve]
                  - id: invoice
                    topic: appr-invoice.commands
                    after: [approve]
                """, "approvals-v2.yaml"));

        var refused = post(
                "/api/instances/appr-0/migrate",
                "{\"version\": 2, \"mapping\": {\"approve\": \"invoice\"}, \"reason\": \"v2 invoices\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(Json.mapper().readTree(refused.body()).path("error").asText())
                .isEqualTo("step 'approve' has work in flight (RUNNING), whose outcome names it: it keeps its id"
                        + " until that work is done");

        var bulk = post(
                "/api/instances/bulk",
                "{\"action\": \"migrate\", \"filter\": {\"workflow\": \"approvals\"}, \"version\": 2,"
                        + " \"reason\": \"v2 sends invoices\"}");
        assertThat(bulk.statusCode()).isEqualTo(202);
        JsonNode answer = Json.mapper().readTree(bulk.body());
        assertThat(answer.path("instances").asInt()).isEqualTo(ORDERS);
        assertThat(answer.path("refused")).isEmpty();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> orchestrator
                        .localInstance("appr-" + (ORDERS - 1))
                        .map(i -> i.version() == 2)
                        .orElse(false));

        for (int i = 0; i < ORDERS; i++) {
            orchestrator.signal("appr-" + i, new SignalRequest("approved", Map.of("by", "manager")));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> results.records().size() == ORDERS);
        for (int i = 0; i < ORDERS; i++) {
            List<ResultMessage> r = results.withKey("appr-" + i).stream()
                    .map(rec -> ResultMessage.parse(rec.value()))
                    .toList();
            assertThat(r).as("results of appr-" + i).hasSize(1);
            assertThat(r.get(0).status()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(r.get(0).version())
                    .as("finished on the version it moved to")
                    .isEqualTo(2);
            assertThat(((Map<?, ?>) r.get(0).output()).keySet())
                    .extracting(Object::toString)
                    .containsExactlyInAnyOrder("reserve", "approve", "invoice");
        }
    }

    private static long waiting() {
        long n = 0;
        for (int i = 0; i < ORDERS; i++) {
            n += orchestrator
                            .localInstance("appr-" + i)
                            .filter(inst -> inst.step("approve").state() == dev.baton.engine.StepState.RUNNING)
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
