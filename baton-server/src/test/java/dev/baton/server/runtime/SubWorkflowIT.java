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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sub-workflows on a real broker: an order whose step 'pay' runs the payment workflow of docs/examples as a child
 * instance. Success, a failing child (the child undoes itself, then the parent undoes its own work), a parent that
 * fails after the child succeeded (the child is asked to undo its steps), a cancelled parent (the running child is
 * cancelled) and an unknown child workflow; parent and child are looked at through the REST API.
 */
class SubWorkflowIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;
    static TopicReader orderResults;
    static TopicReader paymentResults;
    static final List<Worker> workers = new ArrayList<>();
    static final List<String> undone = new CopyOnWriteArrayList<>();
    static final List<String> shipped = new CopyOnWriteArrayList<>();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("sub-it")
                        .stateDir(dir.resolve("streams"))
                        .partitions(2)
                        .build())
                .start(Duration.ofSeconds(60));
        api = new HttpApi(orchestrator).start("127.0.0.1", 0);
        // The documented example pair, as users deploy it: the child first.
        orchestrator.deploy(DefinitionReader.read(Path.of("../docs/examples/payment.yaml")));
        orchestrator.deploy(DefinitionReader.read(Path.of("../docs/examples/order-with-payment.yaml")));
        orchestrator.deploy(DefinitionReader.read("""
                name: held-payment
                steps:
                  - id: authorize
                    topic: cards.commands
                    compensate: cards.commands
                  - id: approval
                    signal: approved
                    after: [authorize]
                """, "held-payment.yaml"));
        orchestrator.deploy(DefinitionReader.read("""
                name: order-held
                resultTopic: orders.results
                steps:
                  - id: reserve
                    topic: stock.commands
                    compensate: stock.commands
                  - id: pay
                    workflow: held-payment
                    after: [reserve]
                  - id: pay-elsewhere
                    workflow: not-deployed
                    after: [reserve]
                    when: "$.request.elsewhere == true"
                """, "order-held.yaml"));
        worker("stock.commands", ctx -> Map.of("reservationId", "r-" + ctx.instanceId()));
        worker("cards.commands", ctx -> {
            if (ctx.stepId().equals("capture") && ctx.input().path("amount").asInt() > 1000) {
                throw NonRetryableException.ofType("CardDeclined", "the card's limit is 1000");
            }
            return Map.of(
                    ctx.stepId() + "Id", ctx.stepId() + "-" + ctx.instanceId(), "paymentId", "pay-" + ctx.instanceId());
        });
        worker("shipping.commands", ctx -> {
            if (ctx.input().path("orderId").asText().startsWith("nowhere")) {
                throw NonRetryableException.ofType("NoCarrier", "no carrier goes there");
            }
            shipped.add(ctx.instanceId() + ":" + ctx.input().path("paymentId").asText());
            return Map.of("tracking", "t-1");
        });
        orderResults = new TopicReader(kafka.bootstrapServers(), "orders.results");
        paymentResults = new TopicReader(kafka.bootstrapServers(), "payments.results");
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
                    undone.add(ctx.instanceId() + ":" + ctx.stepId());
                    return null;
                });
        w.start();
        workers.add(w);
    }

    @AfterAll
    static void stop() throws Exception {
        workers.forEach(Worker::close);
        orderResults.close();
        paymentResults.close();
        api.close();
        orchestrator.close();
        kafka.close();
    }

    @Test
    void shouldRunTheChildAndContinueWithItsOutput() throws Exception {
        orchestrator.start(
                "ok-1", new StartRequest("order-with-payment", null, Map.of("orderId", "o-ok", "amount", 25), null));

        ResultMessage order = result(orderResults, "ok-1");
        assertThat(order.status()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result(paymentResults, "ok-1:pay:1").status()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(shipped).contains("ok-1:pay-ok-1:pay:1");
        JsonNode pay = step(instance("ok-1"), "pay");
        assertThat(pay.path("workflow").asText()).isEqualTo("payment");
        assertThat(pay.path("childInstanceId").asText()).isEqualTo("ok-1:pay:1");
        assertThat(pay.path("output").path("capture").path("paymentId").asText())
                .isEqualTo("pay-ok-1:pay:1");
        JsonNode child = instance("ok-1:pay:1");
        assertThat(child.path("parent").path("instanceId").asText()).isEqualTo("ok-1");
        assertThat(child.path("parent").path("stepId").asText()).isEqualTo("pay");
        assertThat(child.path("input").path("amount").asInt()).isEqualTo(25);
    }

    @Test
    void shouldUndoTheChildFirstAndThenTheParentWhenTheChildFails() throws Exception {
        orchestrator.start(
                "declined-1",
                new StartRequest("order-with-payment", null, Map.of("orderId", "o-d", "amount", 5000), null));

        ResultMessage order = result(orderResults, "declined-1");
        ResultMessage payment = result(paymentResults, "declined-1:pay:1");
        assertThat(payment.status()).isEqualTo(Outcome.FAILED);
        assertThat(payment.compensated()).containsExactly("authorize");
        assertThat(order.status()).isEqualTo(Outcome.FAILED);
        assertThat(order.error()).containsEntry("stepId", "pay").containsEntry("type", "CardDeclined");
        assertThat((String) order.error().get("message"))
                .contains("declined-1:pay:1")
                .contains("'capture'");
        assertThat(order.compensated()).containsExactly("reserve");

        JsonNode pay = step(instance("declined-1"), "pay");
        assertThat(pay.path("state").asText()).isEqualTo("FAILED");
        assertThat(pay.path("childInstanceId").asText()).isEqualTo("declined-1:pay:1");
        JsonNode child = instance("declined-1:pay:1");
        assertThat(child.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(step(child, "authorize").path("state").asText()).isEqualTo("COMPENSATED");
        assertThat(undone).contains("declined-1:pay:1:authorize", "declined-1:reserve");
    }

    @Test
    void shouldAskTheSucceededChildToUndoItsStepsWhenTheParentFailsLater() throws Exception {
        orchestrator.start(
                "nowhere-1",
                new StartRequest("order-with-payment", null, Map.of("orderId", "nowhere-1", "amount", 25), null));

        ResultMessage order = result(orderResults, "nowhere-1");
        assertThat(order.status()).isEqualTo(Outcome.FAILED);
        assertThat(order.error()).containsEntry("stepId", "ship");
        assertThat(order.compensated()).containsExactly("pay", "reserve");
        assertThat(undone)
                .containsSubsequence("nowhere-1:pay:1:capture", "nowhere-1:pay:1:authorize", "nowhere-1:reserve");

        JsonNode child = instance("nowhere-1:pay:1");
        assertThat(child.path("outcome").asText())
                .as("the child's published result stands")
                .isEqualTo("SUCCEEDED");
        assertThat(child.path("compensated")).extracting(JsonNode::asText).containsExactly("capture", "authorize");
        assertThat(step(instance("nowhere-1"), "pay").path("state").asText()).isEqualTo("COMPENSATED");
    }

    @Test
    void shouldCancelTheRunningChildWhenTheParentIsCancelled() throws Exception {
        orchestrator.start("cancel-1", new StartRequest("order-held", null, Map.of(), null));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> orchestrator
                        .localInstance("cancel-1:pay:1")
                        .map(i -> i.step("approval").state() == dev.baton.engine.StepState.RUNNING)
                        .orElse(false));

        var r = http.send(
                HttpRequest.newBuilder(URI.create(url("/api/instances/cancel-1/cancel")))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"customer withdrew\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);

        assertThat(result(orderResults, "cancel-1").status()).isEqualTo(Outcome.CANCELLED);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> instance("cancel-1:pay:1").path("status").asText().equals("COMPLETED"));
        JsonNode child = instance("cancel-1:pay:1");
        assertThat(child.path("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(child.path("failure").path("message").asText())
                .contains("cancel-1")
                .contains("was cancelled");
        assertThat(child.path("compensated")).extracting(JsonNode::asText).containsExactly("authorize");
        assertThat(undone).contains("cancel-1:pay:1:authorize", "cancel-1:reserve");
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        step(instance("cancel-1"), "pay").path("state").asText().equals("FAILED"));
    }

    @Test
    void shouldFailTheStepWhenTheChildsWorkflowIsNotDeployed() throws Exception {
        orchestrator.start("elsewhere-1", new StartRequest("order-held", null, Map.of("elsewhere", true), null));

        ResultMessage order = result(orderResults, "elsewhere-1");
        assertThat(order.status()).isEqualTo(Outcome.FAILED);
        assertThat(order.error()).containsEntry("stepId", "pay-elsewhere").containsEntry("type", "UnknownWorkflow");
        assertThat(order.compensated()).containsExactly("reserve");
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        instance("elsewhere-1:pay:1").path("outcome").asText().equals("CANCELLED"));
    }

    static ResultMessage result(TopicReader results, String instanceId) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !results.withKey(instanceId).isEmpty());
        List<ResultMessage> all = results.withKey(instanceId).stream()
                .map(r -> ResultMessage.parse(r.value()))
                .toList();
        assertThat(all).as("results of " + instanceId).hasSize(1);
        return all.get(0);
    }

    static String url(String path) {
        return "http://127.0.0.1:" + api.port() + path;
    }

    static JsonNode instance(String id) throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(
                                URI.create(url("/api/instances/" + URLEncoder.encode(id, StandardCharsets.UTF_8))))
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
