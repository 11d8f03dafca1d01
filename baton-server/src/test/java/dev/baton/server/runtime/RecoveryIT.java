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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator recovery on a real broker, through the REST API: an order whose payment failed while the payment service
 * was down is redriven once it is back, and finishes; a paused order records its stock worker's outcome but sends
 * the payment command only when it is resumed.
 */
class RecoveryIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;
    static TopicReader results;
    static TopicReader paymentCommands;
    static TopicReader status;
    static final List<Worker> workers = new ArrayList<>();
    static final AtomicBoolean paymentsDown = new AtomicBoolean();
    /** Holds the stock worker's answer for the paused order until the pause is in place. */
    static final java.util.concurrent.CountDownLatch stockMayAnswer = new java.util.concurrent.CountDownLatch(1);

    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("recovery-it")
                        .stateDir(dir.resolve("streams"))
                        .partitions(2)
                        .build())
                .start(Duration.ofSeconds(60));
        api = new HttpApi(orchestrator).start("127.0.0.1", 0);
        orchestrator.deploy(DefinitionReader.read("""
                name: shop
                resultTopic: shop.results
                steps:
                  - id: reserve
                    topic: shop-stock.commands
                    compensate: shop-stock.commands
                  - id: charge
                    topic: shop-payments.commands
                    after: [reserve]
                    compensate: shop-payments.commands
                  - id: ship
                    topic: shop-shipping.commands
                    after: [charge]
                """, "shop.yaml"));
        worker("shop-stock.commands", ctx -> {
            if (ctx.instanceId().equals("order-p1")) {
                stockMayAnswer.await(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            return Map.of("reservation", "r-" + ctx.instanceId());
        });
        worker("shop-payments.commands", ctx -> {
            if (paymentsDown.get()) {
                throw NonRetryableException.ofType("PaymentsDown", "the payment service does not answer");
            }
            return Map.of("payment", "p-" + ctx.instanceId());
        });
        worker("shop-shipping.commands", ctx -> Map.of("tracking", "t-" + ctx.instanceId()));
        results = new TopicReader(kafka.bootstrapServers(), "shop.results");
        paymentCommands = new TopicReader(kafka.bootstrapServers(), "shop-payments.commands");
        status = new TopicReader(kafka.bootstrapServers(), "baton.status");
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
                .onCompensate(ctx -> null);
        w.start();
        workers.add(w);
    }

    @AfterAll
    static void stop() throws Exception {
        workers.forEach(Worker::close);
        results.close();
        paymentCommands.close();
        status.close();
        api.close();
        orchestrator.close();
        kafka.close();
    }

    @Test
    void shouldFinishARedrivenInstanceThatHadFailedAndBeenCompensated() throws Exception {
        paymentsDown.set(true);
        orchestrator.start("order-r1", new StartRequest("shop", null, Map.of("orderId", "r1"), null));
        await().atMost(Duration.ofSeconds(60)).until(() -> results("order-r1").size() == 1);
        ResultMessage failed = results("order-r1").get(0);
        assertThat(failed.status()).isEqualTo(Outcome.FAILED);
        assertThat(failed.compensated()).containsExactly("reserve");

        assertThat(post("/api/instances/order-r1/redrive", "{}").statusCode())
                .as("a recovery action needs a reason")
                .isEqualTo(400);
        paymentsDown.set(false);
        assertThat(post("/api/instances/order-r1/redrive", "{\"reason\":\"payments are back\"}")
                        .statusCode())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(60)).until(() -> results("order-r1").size() == 2);
        ResultMessage redriven = results("order-r1").get(1);
        assertThat(redriven.status()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(((Map<?, ?>) redriven.output()).keySet())
                .extracting(Object::toString)
                .containsExactlyInAnyOrder("reserve", "charge", "ship");
        JsonNode instance = instance("order-r1");
        assertThat(instance.path("redrives").asInt()).isEqualTo(1);
        assertThat(instance.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(statusOf("order-r1")).anySatisfy(s -> {
            assertThat(s.path("type").asText()).isEqualTo("OperatorActed");
            assertThat(s.path("action").asText()).isEqualTo("REDRIVE");
            assertThat(s.path("actor").asText()).isEqualTo("anonymous");
            assertThat(s.path("reason").asText()).isEqualTo("payments are back");
        });
        assertThat(paymentCommands.withKey("order-r1"))
                .extracting(
                        r -> Json.mapper().readTree(r.value()).path("commandId").asText())
                .contains("order-r1/charge/1", "order-r1/charge/2");
    }

    @Test
    void shouldHoldTheNextCommandWhilePausedAndSendItOnResume() throws Exception {
        paymentsDown.set(false);
        orchestrator.start("order-p1", new StartRequest("shop", null, Map.of("orderId", "p1"), null));
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> step(instance("order-p1"), "reserve")
                        .path("state")
                        .asText()
                        .equals("RUNNING"));
        assertThat(post("/api/instances/order-p1/pause", "{\"reason\":\"payments maintenance\"}")
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> instance("order-p1").path("paused").asBoolean());
        stockMayAnswer.countDown();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> step(instance("order-p1"), "reserve")
                        .path("state")
                        .asText()
                        .equals("SUCCEEDED"));
        JsonNode paused = instance("order-p1");
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(step(paused, "charge").path("state").asText()).isEqualTo("PENDING");
        // Absence over a while: the orchestrator had every chance to send the payment command, and did not.
        Thread.sleep(2_000);
        assertThat(paymentCommands.withKey("order-p1"))
                .as("no payment command while paused")
                .isEmpty();

        assertThat(post("/api/instances/order-p1/resume", "{\"reason\":\"maintenance over\"}")
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> results("order-p1").size() == 1);
        assertThat(results("order-p1").get(0).status()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(paymentCommands.withKey("order-p1")).hasSize(1);
    }

    private static List<ResultMessage> results(String id) {
        return results.withKey(id).stream()
                .map(r -> ResultMessage.parse(r.value()))
                .toList();
    }

    private static List<JsonNode> statusOf(String id) throws Exception {
        var out = new ArrayList<JsonNode>();
        for (var r : status.withKey(id)) {
            out.add(Json.mapper().readTree(r.value()));
        }
        return out;
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode instance(String id) throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/instances/" + id))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(r.body());
    }

    private static JsonNode step(JsonNode instance, String stepId) {
        for (JsonNode s : instance.path("steps")) {
            if (s.path("id").asText().equals(stepId)) {
                return s;
            }
        }
        throw new AssertionError("no step " + stepId + " in " + instance);
    }
}
