package dev.baton.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Outcome;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import dev.baton.spring.BatonWorkers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * The example payment service as it runs: the application with its {@code application.yml}, against a real broker.
 * Commands written straight to the command topics (JSON as docs/protocol.md has it) get exactly one outcome each;
 * then a real orchestrator runs a two-step workflow through the service's {@code @BatonStep} methods, and compensates
 * the charge through its {@code @BatonCompensation} method when the receipt step fails.
 */
@SpringBootTest(
        properties = {
            // Short backoffs, so that the retry test does not wait; everything else comes from application.yml.
            "baton.worker.retry.initial-backoff=10ms",
            "baton.worker.retry.max-backoff=50ms",
            "logging.level.kafka=warn"
        }) // the embedded broker's own logs
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
class PaymentApplicationIT {
    static final String CALLBACKS = "it.callbacks";
    static final ObjectMapper JSON = new ObjectMapper();

    static Path dir;
    static EmbeddedKafka kafka;

    @Autowired
    BatonWorkers workers;

    @Autowired
    PaymentGateway gateway;

    Orchestrator orchestrator;
    KafkaProducer<String, String> producer;
    TopicReader callbacks;
    TopicReader outcomeCopies;

    /** Starts the broker before the application context, which reads its address from here. */
    @DynamicPropertySource
    static void kafkaProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> broker().bootstrapServers());
    }

    static synchronized EmbeddedKafka broker() {
        if (kafka == null) {
            try {
                dir = Files.createTempDirectory("baton-spring-it");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        }
        return kafka;
    }

    @BeforeAll
    void startOrchestratorAndClients() {
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("it-spring")
                        .stateDir(dir.resolve("streams"))
                        .partitions(1)
                        .build())
                .start(Duration.ofSeconds(60));
        producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new StringSerializer());
        callbacks = new TopicReader(kafka.bootstrapServers(), CALLBACKS);
        outcomeCopies = new TopicReader(kafka.bootstrapServers(), "payments.outcomes");
    }

    @AfterAll
    void stopEverything() throws Exception {
        workers.stop(); // gracefully, while the broker is still there; the context closes after this class
        callbacks.close();
        outcomeCopies.close();
        producer.close();
        orchestrator.close();
        kafka.close();
        FileSystemUtils.deleteRecursively(dir);
    }

    @Test
    void shouldRunOneWorkerPerTopicAsApplicationYmlSays() {
        assertThat(workers.workers()).containsOnlyKeys("payments.commands", "receipts.commands");
        assertThat(workers.worker("payments.commands").orElseThrow().isRunning())
                .isTrue();
        var options = workers.options("payments.commands").orElseThrow();
        assertThat(options.bootstrapServers())
                .isEqualTo(kafka.bootstrapServers()); // from spring.kafka.bootstrap-servers
        assertThat(options.groupId()).isEqualTo("payment-service.payments.commands-worker");
        assertThat(options.concurrency()).isEqualTo(2);
        assertThat(options.retryPolicy().maxAttempts()).isEqualTo(3);
        assertThat(options.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(10));
        assertThat(options.outcomeTopic()).contains("payments.outcomes");
        assertThat(workers.options("receipts.commands")
                        .orElseThrow()
                        .retryPolicy()
                        .maxAttempts())
                .isEqualTo(1);
    }

    @Test
    void shouldAnswerAnExecuteCommandWithExactlyOneSucceededOutcome() throws Exception {
        send(
                "payments.commands",
                command("direct-ok", "execute", Map.of("orderId", "o-ok", "amount", 25.5, "card", "4242")));

        JsonNode outcome = theOutcome("direct-ok");
        assertThat(outcome.path("commandId").asText()).isEqualTo("direct-ok/charge/1");
        assertThat(outcome.path("instanceId").asText()).isEqualTo("direct-ok");
        assertThat(outcome.path("stepId").asText()).isEqualTo("charge");
        assertThat(outcome.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(outcome.path("output").path("paymentId").asText()).startsWith("pay-");
        assertThat(outcome.path("output").path("amount").decimalValue()).isEqualByComparingTo("25.5");
        assertThat(outcome.path("attempts").asInt()).isEqualTo(1);
        // baton.worker.steps.[payments.commands].outcome-topic: a copy for monitoring
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !outcomeCopies.withKey("direct-ok").isEmpty());
    }

    @Test
    void shouldReportOneFailedOutcomeAfterTheConfiguredRetries() throws Exception {
        send(
                "payments.commands",
                command("direct-down", "execute", Map.of("orderId", "o-down", "amount", 10, "card", "unavailable")));

        JsonNode outcome = theOutcome("direct-down");
        assertThat(outcome.path("status").asText()).isEqualTo("FAILED");
        assertThat(outcome.path("error").path("type").asText()).isEqualTo("GatewayUnavailableException");
        assertThat(outcome.path("error").path("message").asText()).isEqualTo("payment provider unavailable");
        assertThat(outcome.path("attempts").asInt()).isEqualTo(3); // baton.worker.retry.max-attempts
        assertThat(gateway.chargeAttempts("o-down")).isEqualTo(3);
    }

    @Test
    void shouldFailAtOnceOnANonRetryableError() throws Exception {
        send(
                "payments.commands",
                command(
                        "direct-declined",
                        "execute",
                        Map.of("orderId", "o-declined", "amount", 10, "card", "declined")));

        JsonNode outcome = theOutcome("direct-declined");
        assertThat(outcome.path("status").asText()).isEqualTo("FAILED");
        assertThat(outcome.path("error").path("type").asText()).isEqualTo("CardDeclined");
        assertThat(outcome.path("attempts").asInt()).isEqualTo(1);
        assertThat(gateway.chargeAttempts("o-declined")).isEqualTo(1);
    }

    @Test
    void shouldCallTheCompensationMethodForACompensateCommand() throws Exception {
        var input = Map.of(
                "input", Map.of("orderId", "o-compensate", "amount", 12, "card", "4242"),
                "output", Map.of("paymentId", "pay-compensate-1", "amount", 12));
        send("payments.commands", command("direct-compensate", "compensate", input));

        JsonNode outcome = theOutcome("direct-compensate");
        assertThat(outcome.path("commandId").asText()).isEqualTo("direct-compensate/charge/1/compensate");
        assertThat(outcome.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(outcome.path("output").path("refunded").asText()).isEqualTo("pay-compensate-1");
        assertThat(gateway.refunds()).contains("pay-compensate-1");
    }

    @Test
    void shouldRunAWorkflowOnARealOrchestratorAndCompensateTheChargeWhenTheReceiptFails() throws Exception {
        var def = orchestrator.deploy(WorkflowDefinition.builder("checkout")
                .resultTopic("it.results")
                .step("charge", s -> s.topic("payments.commands").compensate("payments.commands"))
                .step("receipt", s -> s.topic("receipts.commands").after("charge"))
                .build());
        orchestrator.start(
                "order-1",
                new StartRequest(
                        def.name(),
                        null,
                        Map.of("orderId", "o-1", "amount", 99.9, "card", "4242", "email", "ann@example.org"),
                        null));
        orchestrator.start(
                "order-2",
                new StartRequest(
                        def.name(),
                        null,
                        Map.of("orderId", "o-2", "amount", 15, "card", "4242", "email", "nobody"),
                        null));

        try (var results = new TopicReader(kafka.bootstrapServers(), "it.results")) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !results.withKey("order-1").isEmpty()
                            && !results.withKey("order-2").isEmpty());
            Thread.sleep(500); // a duplicate result would arrive by now

            ResultMessage ok = single(results.withKey("order-1"));
            assertThat(ok.status()).isEqualTo(Outcome.SUCCEEDED);
            JsonNode output = JSON.valueToTree(ok.output());
            assertThat(output.path("charge").path("paymentId").asText()).startsWith("pay-");
            assertThat(output.path("receipt").path("sentTo").asText()).isEqualTo("ann@example.org");

            ResultMessage failed = single(results.withKey("order-2"));
            assertThat(failed.status()).isEqualTo(Outcome.FAILED);
            assertThat(failed.error()).containsEntry("stepId", "receipt").containsEntry("type", "InvalidEmail");
            assertThat(failed.compensated()).containsExactly("charge");
        }
        try (var batonCallbacks = new TopicReader(kafka.bootstrapServers(), "baton.callbacks")) {
            // The @BatonCompensation method's outcome went to Baton's callback topic, and the gateway refunded.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> batonCallbacks.withKey("order-2").stream()
                            .anyMatch(r -> r.value().contains("\"refunded\"")));
            String refunded = batonCallbacks.withKey("order-2").stream()
                    .map(r -> json(r.value()))
                    .filter(o -> o.has("output") && o.path("output").has("refunded"))
                    .findFirst()
                    .orElseThrow()
                    .path("output")
                    .path("refunded")
                    .asText();
            assertThat(gateway.refunds()).contains(refunded);
        }
    }

    // ---- helpers ----

    /** A command as docs/protocol.md describes it, answered on {@link #CALLBACKS}. */
    private static String command(String instanceId, String kind, Object input) throws Exception {
        String commandId = instanceId + "/charge/1" + (kind.equals("compensate") ? "/compensate" : "");
        return JSON.writeValueAsString(Map.of(
                "instanceId",
                instanceId,
                "workflow",
                "payment",
                "stepId",
                "charge",
                "commandId",
                commandId,
                "kind",
                kind,
                "attempt",
                1,
                "callbackTopic",
                CALLBACKS,
                "input",
                input));
    }

    private void send(String topic, String json) throws Exception {
        String key = JSON.readTree(json).path("instanceId").asText();
        producer.send(new ProducerRecord<>(topic, key, json)).get();
    }

    /** Waits for the instance's outcome on the callback topic and checks that no second one follows. */
    private JsonNode theOutcome(String instanceId) throws Exception {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !callbacks.withKey(instanceId).isEmpty());
        Thread.sleep(500); // a second outcome would arrive by now
        List<ConsumerRecord<String, String>> outcomes = callbacks.withKey(instanceId);
        assertThat(outcomes).as("outcomes of " + instanceId).hasSize(1);
        return JSON.readTree(outcomes.get(0).value());
    }

    private static JsonNode json(String value) {
        try {
            return JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ResultMessage single(List<ConsumerRecord<String, String>> records) {
        assertThat(records).as("results of one instance").hasSize(1);
        return ResultMessage.parse(records.get(0).value().getBytes(StandardCharsets.UTF_8));
    }
}
