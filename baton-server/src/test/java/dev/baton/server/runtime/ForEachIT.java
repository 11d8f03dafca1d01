package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionReader;
import dev.baton.engine.Outcome;
import dev.baton.protocol.Json;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.StartRequest;
import dev.baton.server.api.HttpApi;
import dev.baton.server.kafka.EmbeddedKafka;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * forEach on a real broker: the article's order where B runs once per order line. Thousands of lines completing
 * with their outputs in order, lines failing beyond the tolerance (the succeeded lines and A are compensated), and
 * an orchestrator restart in the middle of the fan-out.
 */
class ForEachIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;
    static TopicReader results;
    static final List<Worker> workers = new ArrayList<>();
    static final Map<String, Integer> executed = new ConcurrentHashMap<>();
    static final List<String> undone = new CopyOnWriteArrayList<>();
    static final HttpClient http = HttpClient.newHttpClient();

    static final String LINES = """
            name: order-lines
            steps:
              - id: A
                topic: lines-it.a.commands
                compensate: lines-it.a.commands
              - id: B
                topic: lines-it.b.commands
                after: [A]
                forEach: { items: $.request.lines, maxConcurrency: 50, toleratedFailures: 2 }
                input: { orderId: $.request.orderId, line: $.index, sku: $.item.sku }
                compensate: lines-it.b.commands
            """;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("for-each-it")
                        .stateDir(dir.resolve("streams"))
                        .partitions(2)
                        .build())
                .start(Duration.ofSeconds(60));
        api = new HttpApi(orchestrator).start("127.0.0.1", 0);
        orchestrator.deploy(DefinitionReader.read(LINES, "order-lines.yaml"));
        worker("lines-it.a.commands", ctx -> Map.of("reserved", true));
        worker("lines-it.b.commands", ctx -> {
            executed.merge(ctx.commandId(), 1, Integer::sum);
            if (ctx.input().path("sku").asText().startsWith("gone")) {
                throw NonRetryableException.ofType(
                        "OutOfStock", "line " + ctx.input().path("line") + " is gone");
            }
            return Map.of("line", ctx.input().path("line").asInt());
        });
        results = new TopicReader(kafka.bootstrapServers(), "baton.results");
    }

    static void worker(String topic, dev.baton.worker.StepHandler execute) {
        Worker w = Worker.create(
                        WorkerOptions.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .commandTopic(topic)
                                .retryPolicy(
                                        RetryPolicy.newBuilder().maxAttempts(1).build())
                                .build(),
                        execute)
                .onCompensate(ctx -> {
                    undone.add(ctx.commandId());
                    return null;
                });
        w.start();
        workers.add(w);
    }

    @AfterAll
    static void stop() throws Exception {
        workers.forEach(Worker::close);
        results.close();
        api.close();
        orchestrator.close();
        kafka.close();
    }

    static Map<String, Object> order(String orderId, int lines, Set<Integer> gone) {
        var list = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < lines; i++) {
            list.add(Map.of("sku", (gone.contains(i) ? "gone-" : "sku-") + i));
        }
        return Map.of("orderId", orderId, "lines", list);
    }

    @Test
    void shouldRunTwoThousandLinesAndCollectTheirOutputsInOrder() throws Exception {
        orchestrator.start("many-1", new StartRequest("order-lines", null, order("o-many", 2000, Set.of()), null));

        ResultMessage r = result(results, "many-1", Duration.ofMinutes(4));
        assertThat(r.status()).isEqualTo(Outcome.SUCCEEDED);
        JsonNode b = Json.mapper().valueToTree(r.output()).path("B");
        assertThat(b.size()).isEqualTo(2000);
        for (int i = 0; i < 2000; i++) {
            assertThat(b.get(i).path("line").asInt()).as("output %d", i).isEqualTo(i);
        }
        assertThat(executed.keySet().stream().filter(c -> c.startsWith("many-1/B#")))
                .hasSize(2000);

        JsonNode step = step(get("/api/instances/many-1"), "B");
        assertThat(step.path("forEach").path("succeeded").asInt()).isEqualTo(2000);
        assertThat(step.path("forEach").path("running").asInt()).isZero();
        JsonNode page = get("/api/instances/many-1/steps/B/items?offset=1990&limit=20");
        assertThat(page.path("total").asInt()).isEqualTo(2000);
        assertThat(page.path("items").size()).isEqualTo(10);
        assertThat(page.path("items").get(9).path("index").asInt()).isEqualTo(1999);
        assertThat(page.path("items").get(9).path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(page.path("items").get(9).path("output").path("line").asInt())
                .isEqualTo(1999);
    }

    @Test
    void shouldCompensateTheSucceededLinesAndAWhenMoreLinesFailThanTolerated() throws Exception {
        orchestrator.start(
                "gone-1", new StartRequest("order-lines", null, order("o-gone", 100, Set.of(10, 20, 30)), null));

        ResultMessage r = result(results, "gone-1", Duration.ofMinutes(2));
        assertThat(r.status()).isEqualTo(Outcome.FAILED);
        assertThat(r.error()).containsEntry("stepId", "B").containsEntry("type", "OutOfStock");
        assertThat((String) r.error().get("message")).startsWith("3 of 100 items failed, more than the 2 tolerated");
        assertThat(r.compensated()).containsExactly("B", "A");

        JsonNode b = step(get("/api/instances/gone-1"), "B");
        int succeeded = b.path("forEach").path("succeeded").asInt();
        assertThat(b.path("forEach").path("compensated").asInt()).isEqualTo(succeeded);
        List<String> undoneLines =
                undone.stream().filter(c -> c.startsWith("gone-1/B#")).toList();
        assertThat(undoneLines).hasSize(succeeded).doesNotHaveDuplicates();
        assertThat(undoneLines)
                .noneMatch(c ->
                        c.startsWith("gone-1/B#10/") || c.startsWith("gone-1/B#20/") || c.startsWith("gone-1/B#30/"));
        assertThat(undone).contains("gone-1/A/1/compensate/1");
        JsonNode failedLine = get("/api/instances/gone-1/steps/B/items?offset=20&limit=1")
                .path("items")
                .get(0);
        assertThat(failedLine.path("state").asText()).isEqualTo("FAILED");
        assertThat(failedLine.path("error").path("message").asText()).isEqualTo("line 20 is gone");
    }

    @Test
    void shouldFinishTheFanOutExactlyOnceAfterTheOrchestratorRestartsInTheMiddle() throws Exception {
        var settings = OrchestratorSettings.newBuilder()
                .bootstrapServers(kafka.bootstrapServers())
                .applicationId("for-each-it-restart")
                .stateDir(dir.resolve("streams-restart"))
                .partitions(2)
                .topics(BatonTopics.withPrefix("restart."))
                .build();
        // The definition names no result topic: results go to baton.results whatever the orchestrator's topic prefix.
        var restartResults = results;
        {
            var first = new Orchestrator(settings).start(Duration.ofSeconds(60));
            first.deploy(DefinitionReader.read(LINES, "order-lines.yaml"));
            first.start("mid-1", new StartRequest("order-lines", null, order("o-mid", 1000, Set.of()), null));
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> executed.keySet().stream()
                                    .filter(c -> c.startsWith("mid-1/B#"))
                                    .count()
                            >= 300);
            first.close();

            try (var second = new Orchestrator(settings).start(Duration.ofSeconds(60))) {
                ResultMessage r = result(restartResults, "mid-1", Duration.ofMinutes(3));
                assertThat(r.status()).isEqualTo(Outcome.SUCCEEDED);
                JsonNode b = Json.mapper().valueToTree(r.output()).path("B");
                assertThat(b.size()).isEqualTo(1000);
                for (int i = 0; i < 1000; i++) {
                    assertThat(b.get(i).path("line").asInt()).as("output %d", i).isEqualTo(i);
                }
                Thread.sleep(1000);
                assertThat(restartResults.withKey("mid-1"))
                        .as("exactly one result")
                        .hasSize(1);
                assertThat(executed.entrySet().stream().filter(e -> e.getKey().startsWith("mid-1/B#")))
                        .as("every line's command sent once")
                        .hasSize(1000)
                        .allSatisfy(e -> assertThat(e.getValue()).isEqualTo(1));
            }
        }
    }

    static ResultMessage result(TopicReader reader, String instanceId, Duration within) {
        await().atMost(within)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !reader.withKey(instanceId).isEmpty());
        List<ResultMessage> all = reader.withKey(instanceId).stream()
                .map(rec -> ResultMessage.parse(rec.value()))
                .toList();
        assertThat(all).as("results of " + instanceId).hasSize(1);
        return all.get(0);
    }

    static JsonNode get(String path) throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    static JsonNode step(JsonNode instance, String stepId) {
        for (JsonNode s : instance.path("steps")) {
            if (s.path("id").asText().equals(stepId)) {
                return s;
            }
        }
        throw new AssertionError("no step " + stepId + " in " + instance);
    }
}
