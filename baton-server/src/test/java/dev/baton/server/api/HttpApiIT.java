package dev.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.protocol.Json;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorMetrics;
import dev.baton.server.runtime.OrchestratorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API against a running orchestrator on a real broker. The CLI commands that use it are tested in baton-cli
 * (ClientCommandsIT).
 */
class HttpApiIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;
    static final HttpClient http = HttpClient.newHttpClient();

    static final String DEFINITION = """
            name: api-flow
            steps:
              - id: first
                topic: api.first.commands
              - id: second
                topic: api.second.commands
                after: [first]
            """;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(
                        OrchestratorSettings.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .applicationId("api-it")
                                .stateDir(dir.resolve("streams"))
                                .partitions(1)
                                .build(),
                        OrchestratorMetrics.prometheus())
                .start(Duration.ofSeconds(60));
        api = new HttpApi(orchestrator).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        api.close();
        orchestrator.close();
        kafka.close();
    }

    static String url(String path) {
        return "http://127.0.0.1:" + api.port() + path;
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url(path)))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    @Test
    void shouldReportHealth() throws Exception {
        var r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void shouldAnswerLivenessAndReadinessWhileRunning() throws Exception {
        var live = get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(json(live).path("status").asText()).isEqualTo("UP");

        var ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).path("status").asText()).isEqualTo("UP");
        assertThat(json(ready).path("orchestrator").asText()).isEqualTo("RUNNING");
    }

    @Test
    void shouldBeAliveButNotReadyBeforeTheOrchestratorRuns() throws Exception {
        var notStarted = new Orchestrator(OrchestratorSettings.newBuilder()
                .bootstrapServers(kafka.bootstrapServers())
                .applicationId("api-it-not-started")
                .stateDir(dir.resolve("streams-not-started"))
                .partitions(1)
                .build());
        try (var waiting = new HttpApi(notStarted).start("127.0.0.1", 0)) {
            String base = "http://127.0.0.1:" + waiting.port();
            var live = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            var ready = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            var health = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(json(ready).path("status").asText()).isEqualTo("DOWN");
            assertThat(json(ready).path("orchestrator").asText()).isEqualTo("CREATED");
            assertThat(json(ready).path("reason").asText()).isEqualTo("the orchestrator has not started yet");
            assertThat(json(ready).path("restoring").isArray()).isTrue();
            assertThat(health.statusCode()).as("/health answers as before").isEqualTo(503);
        }
    }

    @Test
    void shouldDeployNewVersionsAndListThem() throws Exception {
        var first = post("/api/workflows", DEFINITION.replace("api-flow", "versioned"));
        var second = post("/api/workflows", DEFINITION.replace("api-flow", "versioned"));
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(json(first).path("version").asInt()).isEqualTo(1);
        assertThat(json(second).path("version").asInt()).isEqualTo(2);
        var one = json(get("/api/workflows/versioned"));
        assertThat(one.path("versions").toString()).isEqualTo("[1,2]");
        assertThat(json(get("/api/workflows")).findValuesAsText("name")).contains("versioned");
    }

    @Test
    void shouldRejectABadDefinitionWithLineAndField() throws Exception {
        var r = post("/api/workflows?source=bad.yaml", "name: bad\nsteps:\n  - id: a\n    topic: a\n    after: [zz]\n");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode problem = json(r).path("problems").get(0);
        assertThat(problem.path("line").asInt()).isEqualTo(5);
        assertThat(problem.path("field").asText()).isEqualTo("steps[0].after[0]");
        assertThat(problem.path("text").asText()).isEqualTo("bad.yaml:5: steps[0].after[0]: unknown step 'zz'");
        assertThat(post("/api/workflows/validate", DEFINITION).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldStartAnInstanceAndShowItsSteps() throws Exception {
        post("/api/workflows", DEFINITION);
        var started =
                post("/api/instances", "{\"workflow\":\"api-flow\",\"instanceId\":\"api-1\",\"input\":{\"x\":1}}");
        assertThat(started.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/api/instances/api-1").statusCode() == 200);
        JsonNode instance = json(get("/api/instances/api-1"));
        assertThat(instance.path("status").asText()).isEqualTo("RUNNING");
        assertThat(instance.path("steps").get(0).path("state").asText()).isEqualTo("RUNNING");
        assertThat(instance.path("steps").get(0).path("topic").asText()).isEqualTo("api.first.commands");
        assertThat(instance.path("steps").get(1).path("state").asText()).isEqualTo("PENDING");
        assertThat(instance.path("waitingOn").toString()).isEqualTo("[\"first\"]");

        var cancel = post("/api/instances/api-1/cancel", "{\"reason\":\"test\"}");
        assertThat(cancel.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> json(get("/api/instances/api-1"))
                        .path("outcome")
                        .asText()
                        .equals("CANCELLED"));
        assertThat(json(get("/api/instances?outcome=cancelled")).path("items").findValuesAsText("instanceId"))
                .contains("api-1");
    }

    @Test
    void shouldAnswerNotFoundAndBadRequestClearly() throws Exception {
        assertThat(get("/api/instances/nope").statusCode()).isEqualTo(404);
        assertThat(post("/api/instances", "{\"workflow\":\"not-deployed\"}").statusCode())
                .isEqualTo(404);
        var bad = post("/api/instances", "not json");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("error").asText()).contains("not valid JSON");
    }

    @Test
    void shouldServeTheOpenApiDocument() throws Exception {
        var r = get("/api/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = json(r);
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("paths").has("/api/instances/{id}")).isTrue();
        assertThat(doc.path("paths").has("/health/live")).isTrue();
        assertThat(doc.path("paths")
                        .path("/health/ready")
                        .path("get")
                        .path("responses")
                        .has("503"))
                .isTrue();
    }

    @Test
    void shouldCountWaitAndActInBulk() throws Exception {
        post("/api/workflows", DEFINITION.replace("api-flow", "bulk-flow"));
        for (int i = 0; i < 3; i++) {
            post(
                    "/api/instances",
                    "{\"workflow\":\"bulk-flow\",\"instanceId\":\"bulk-" + i + "\",\"businessKey\":\"key-" + i + "\"}");
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> json(get("/api/instances?workflow=bulk-flow"))
                                .path("total")
                                .asInt()
                        == 3);
        assertThat(json(get("/api/instances?businessKey=key-1")).path("items").findValuesAsText("instanceId"))
                .containsExactly("bulk-1");

        JsonNode waiting = json(get("/api/waiting"));
        assertThat(waiting).anySatisfy(row -> {
            assertThat(row.path("workflow").asText()).isEqualTo("bulk-flow");
            assertThat(row.path("stepId").asText()).isEqualTo("first");
            assertThat(row.path("topic").asText()).isEqualTo("api.first.commands");
            assertThat(row.path("waiting").asInt()).isEqualTo(3);
        });
        JsonNode overview = json(get("/api/overview"));
        assertThat(overview.path("byStatus").path("RUNNING").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(overview.path("throughput").size()).isEqualTo(90);

        String metrics = get("/metrics").body();
        assertThat(metrics).contains("baton_instances_started_total{workflow=\"bulk-flow\"} 3.0");
        assertThat(metrics).contains("baton_steps_waiting{kind=\"execute\",step=\"first\",workflow=\"bulk-flow\"} 3.0");
        assertThat(metrics).contains("baton_kafka_");

        assertThat(post("/api/instances/bulk", "{\"action\":\"cancel\",\"filter\":{}}")
                        .statusCode())
                .isEqualTo(400);
        var bulk = post(
                "/api/instances/bulk",
                "{\"action\":\"cancel\",\"filter\":{\"workflow\":\"bulk-flow\"},\"reason\":\"bulk test\"}");
        assertThat(json(bulk).path("instances").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> json(get("/api/instances?workflow=bulk-flow&outcome=CANCELLED"))
                                .path("total")
                                .asInt()
                        == 3);
        assertThat(get("/metrics").body())
                .contains("baton_instances_finished_total{outcome=\"CANCELLED\",workflow=\"bulk-flow\"} 3.0");
    }

    @Test
    void shouldStreamStatusNotificationsAsServerSentEvents() throws Exception {
        post("/api/workflows", DEFINITION.replace("api-flow", "sse-flow"));
        var lines = new java.util.concurrent.CopyOnWriteArrayList<String>();
        // Like a browser's EventSource: Javalin serves the stream only to clients that accept it.
        var response = http.sendAsync(
                HttpRequest.newBuilder(URI.create(url("/api/events")))
                        .header("Accept", "text/event-stream")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        var stream = response.get(10, java.util.concurrent.TimeUnit.SECONDS).body();
        var reader = new Thread(() -> stream.forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("connected")));
        post("/api/instances", "{\"workflow\":\"sse-flow\",\"instanceId\":\"sse-1\"}");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> lines.stream()
                        .anyMatch(l ->
                                l.startsWith("data:") && l.contains("\"sse-1\"") && l.contains("InstanceStarted")));
        assertThat(lines).contains("event: status");
    }

    @Test
    void shouldDescribeAWorkflowsTopicsAndMessagesInAsyncApi() throws Exception {
        post("/api/workflows", DEFINITION.replace("api-flow", "async-flow"));
        JsonNode doc = json(get("/api/workflows/async-flow/asyncapi"));
        assertThat(doc.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(doc.path("channels").path("step-first").path("address").asText())
                .isEqualTo("api.first.commands");
        assertThat(doc.path("channels").path("callbacks").path("address").asText())
                .isEqualTo("baton.callbacks");
        assertThat(doc.path("operations")
                        .path("sendFirstCommand")
                        .path("action")
                        .asText())
                .isEqualTo("send");
        assertThat(doc.path("components")
                        .path("messages")
                        .path("Command")
                        .path("payload")
                        .path("properties")
                        .path("stepId")
                        .path("enum")
                        .toString())
                .isEqualTo("[\"first\",\"second\"]");
        assertThat(get("/api/workflows/nope/asyncapi").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldDeliverSignalsByInstanceIdAndByBusinessKey() throws Exception {
        post("/api/workflows", """
                name: approvals
                steps:
                  - id: approval
                    signal: approved
                  - id: second-approval
                    signal: approved-again
                    after: [approval]
                """);
        post("/api/instances", "{\"workflow\":\"approvals\",\"instanceId\":\"sig-1\",\"businessKey\":\"case-9\"}");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/api/instances/sig-1").statusCode() == 200);
        assertThat(post("/api/instances/sig-1/signals/approved", "{\"by\":\"ana\"}")
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> json(get("/api/instances/sig-1"))
                        .path("steps")
                        .get(0)
                        .path("state")
                        .asText()
                        .equals("SUCCEEDED"));
        assertThat(json(get("/api/instances/sig-1"))
                        .path("steps")
                        .get(0)
                        .path("output")
                        .path("by")
                        .asText())
                .isEqualTo("ana");

        var byKey = post("/api/signals/approved-again", "{\"businessKey\":\"case-9\",\"payload\":{\"by\":\"bo\"}}");
        assertThat(json(byKey).path("instances").toString()).isEqualTo("[\"sig-1\"]");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> json(get("/api/instances/sig-1"))
                        .path("outcome")
                        .asText()
                        .equals("SUCCEEDED"));
    }
}
