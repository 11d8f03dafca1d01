package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.definition.DefinitionReader;
import dev.baton.engine.Outcome;
import dev.baton.engine.StepExecution;
import dev.baton.protocol.Json;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP steps on a real broker against a real local HTTP server that fails on purpose: 503 twice then 200 (Baton
 * calls again after its backoff, with one idempotency key), 400 (no retry; the item fails and is compensated), and an
 * answer slower than the step's timeout (a timeout is retried, then the step fails).
 */
class HttpStepIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpServer server;
    static TopicReader results;
    static Worker stock;
    static final List<String> undone = new CopyOnWriteArrayList<>();
    /** Every request the server got, by path: method, Idempotency-Key, traceparent, body, arrival (ms). */
    static final Map<String, List<Seen>> seen = new ConcurrentHashMap<>();

    static final Map<String, AtomicInteger> flakyCalls = new ConcurrentHashMap<>();

    record Seen(String method, String idempotencyKey, String traceparent, String body, long atMillis) {}

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", HttpStepIT::answer);
        server.start();
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("http-it")
                        .stateDir(dir.resolve("streams"))
                        .partitions(2)
                        .timerResolution(Duration.ofMillis(20))
                        .build())
                .start(Duration.ofSeconds(60));
        stock = Worker.create(
                        WorkerOptions.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .commandTopic("http-it.stock")
                                .retryPolicy(
                                        RetryPolicy.newBuilder().maxAttempts(1).build())
                                .build(),
                        ctx -> Map.of("reserved", true))
                .onCompensate(ctx -> {
                    undone.add(ctx.instanceId() + ":" + ctx.stepId());
                    return null;
                });
        stock.start();
        results = new TopicReader(kafka.bootstrapServers(), "http-it.results");
        orchestrator.deploy(
                DefinitionReader.read("""
                name: http-it
                resultTopic: http-it.results
                steps:
                  - id: reserve
                    topic: http-it.stock
                    compensate: http-it.stock
                  - id: call
                    after: [reserve]
                    input: { order: $.request.orderId, amount: $.request.amount }
                    http:
                      method: POST
                      url: http://127.0.0.1:%d/{$.request.path}/{$.request.orderId}
                      headers: { X-Caller: baton-it }
                      timeout: PT0.5S
                      retry:
                        maxAttempts: 3
                        initialBackoff: PT0.2S
                        multiplier: 2
                        maxBackoff: PT1S
                        retryOn: [503]
                """.formatted(server.getAddress().getPort()), "http-it.yaml"));
    }

    static void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                .add(new Seen(
                        exchange.getRequestMethod(),
                        exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                        exchange.getRequestHeaders().getFirst("traceparent"),
                        body,
                        System.currentTimeMillis()));
        String[] parts = path.split("/");
        int status;
        String reply;
        switch (parts[1]) {
            case "flaky" -> {
                int n = flakyCalls
                        .computeIfAbsent(
                                exchange.getRequestHeaders().getFirst("Idempotency-Key"), k -> new AtomicInteger())
                        .incrementAndGet();
                status = n <= 2 ? 503 : 200;
                reply = n <= 2 ? "busy, try later" : "{\"accepted\": true, \"calls\": " + n + "}";
            }
            case "bad" -> {
                status = 400;
                reply = "{\"error\": \"no such customer\"}";
            }
            case "slow" -> {
                sleep(2000);
                status = 200;
                reply = "too late";
            }
            default -> {
                status = 404;
                reply = "";
            }
        }
        byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @AfterAll
    static void stop() throws Exception {
        stock.close();
        results.close();
        orchestrator.close();
        kafka.close();
        server.stop(0);
    }

    @Test
    void shouldCallAgainAfterTheBackoffUntilTheEndpointAnswers() throws Exception {
        orchestrator.start(
                "flaky-1",
                new StartRequest("http-it", null, Map.of("path", "flaky", "orderId", "o-1", "amount", 25), null));

        ResultMessage result = result("flaky-1");
        assertThat(result.status()).isEqualTo(Outcome.SUCCEEDED);
        JsonNode call = Json.mapper().valueToTree(result.output()).path("call");
        assertThat(call.path("status").asInt()).isEqualTo(200);
        assertThat(call.path("body").path("calls").asInt()).isEqualTo(3);

        List<Seen> calls = seen.get("/flaky/o-1");
        assertThat(calls).hasSize(3);
        assertThat(calls).extracting(Seen::idempotencyKey).containsOnly("flaky-1/call/1");
        assertThat(calls).extracting(Seen::method).containsOnly("POST");
        assertThat(Json.mapper().readTree(calls.get(0).body()))
                .isEqualTo(Json.mapper().readTree("{\"order\":\"o-1\",\"amount\":25}"));
        assertThat(calls.get(1).atMillis() - calls.get(0).atMillis())
                .as("first backoff")
                .isGreaterThanOrEqualTo(200);
        assertThat(calls.get(2).atMillis() - calls.get(1).atMillis())
                .as("second backoff")
                .isGreaterThanOrEqualTo(400);
        StepExecution step = orchestrator.localInstance("flaky-1").orElseThrow().step("call");
        assertThat(step.attempt()).isEqualTo(3);
        assertThat(step.workerAttempts()).isEqualTo(3);
    }

    @Test
    void shouldFailAtOnceOnABadRequestAndUndoWhatWasDone() throws Exception {
        orchestrator.start("bad-1", new StartRequest("http-it", null, Map.of("path", "bad", "orderId", "o-2"), null));

        ResultMessage result = result("bad-1");
        assertThat(result.status()).isEqualTo(Outcome.FAILED);
        assertThat(result.error()).containsEntry("stepId", "call").containsEntry("type", "HTTP_400");
        assertThat((String) result.error().get("message")).contains("no such customer");
        assertThat(result.compensated()).containsExactly("reserve");
        assertThat(undone).contains("bad-1:reserve");
        assertThat(seen.get("/bad/o-2")).hasSize(1);
    }

    @Test
    void shouldRetryACallThatTimesOutAndFailTheStepWhenNoneAnswersInTime() throws Exception {
        orchestrator.start("slow-1", new StartRequest("http-it", null, Map.of("path", "slow", "orderId", "o-3"), null));

        ResultMessage result = result("slow-1");
        assertThat(result.status()).isEqualTo(Outcome.FAILED);
        assertThat(result.error()).containsEntry("type", "HttpTimeout");
        assertThat(result.compensated()).containsExactly("reserve");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> seen.getOrDefault("/slow/o-3", List.of()).size() == 3);
        assertThat(seen.get("/slow/o-3")).extracting(Seen::idempotencyKey).containsOnly("slow-1/call/1");
    }

    static ResultMessage result(String instanceId) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !results.withKey(instanceId).isEmpty());
        List<ResultMessage> all = results.withKey(instanceId).stream()
                .map(r -> ResultMessage.parse(r.value()))
                .toList();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
