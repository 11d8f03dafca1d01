package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.testkit.TestOutcome;
import dev.baton.worker.testkit.TestStepContext;
import dev.baton.worker.testkit.TestWorker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The services' handlers, called directly: D's failure rule, and what A, B and C return and compensate. */
class ServicesTest {

    private static final ArticleServices.Settings SETTINGS =
            ArticleServices.Settings.of("localhost:1").withoutLatency();

    /** A command of the article workflow, as the orchestrator sends it to the service of {@code stepId}. */
    private static TestStepContext context(String instanceId, String stepId, String inputJson) {
        return TestStepContext.newBuilder()
                .workflow("article")
                .instanceId(instanceId)
                .stepId(stepId)
                .inputJson(inputJson)
                .build();
    }

    @Test
    void dRejectsAmountsAboveTheThresholdOnly() throws Exception {
        var json = new ObjectMapper();
        assertThat(NotificationService.rejects(json.readTree("{\"amount\": 900.01}"), 900))
                .isTrue();
        assertThat(NotificationService.rejects(json.readTree("{\"amount\": 999}"), 900))
                .isTrue();
        assertThat(NotificationService.rejects(json.readTree("{\"amount\": 900}"), 900))
                .isFalse();
        assertThat(NotificationService.rejects(json.readTree("{\"amount\": 25.5}"), 900))
                .isFalse();
        assertThat(NotificationService.rejects(json.readTree("{\"amount\": \"950\"}"), 900))
                .isFalse();
        assertThat(NotificationService.rejects(json.readTree("{}"), 900)).isFalse();
        assertThat(NotificationService.rejects(json.readTree("null"), 900)).isFalse();
        assertThat(NotificationService.rejects(null, 900)).isFalse();
        assertThat(NotificationService.rejects(json.readTree("{\"amount\": 50}"), 10))
                .isTrue();
    }

    @Test
    void dFailsEveryTryWithARetryableMailboxRejection() {
        NotificationService d = new NotificationService(SETTINGS);
        TestWorker worker = TestWorker.newBuilder(d::runExecute)
                .retryPolicy(SETTINGS.retryPolicy())
                .build();

        TestOutcome outcome =
                worker.run(context("order-000001", "D", "{\"amount\": 950.0, \"email\": \"ada@example.com\"}"));

        assertThat(outcome.isFailed()).isTrue();
        assertThat(outcome.errorType()).isEqualTo("MailboxRejected");
        assertThat(outcome.errorMessage()).isEqualTo("customer mailbox rejected the message");
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(outcome.failures())
                .hasSize(3)
                .allSatisfy(e -> assertThat(e).isInstanceOf(NotificationService.MailboxRejected.class));
        assertThat(outcome.backoffs()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(d.rejectedTries()).isEqualTo(3);
        assertThat(d.executed()).isZero();
        assertThat(d.compensable()).isFalse();
        assertThat(SETTINGS.retryPolicy().maxAttempts()).isEqualTo(3);
        assertThat(SETTINGS.retryPolicy().initialBackoff()).isLessThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void dNotifiesOrdersAtOrBelowTheThreshold() throws Exception {
        NotificationService d = new NotificationService(SETTINGS);
        Object out = d.runExecute(context("order-000002", "D", "{\"amount\": 900, \"email\": \"ada@example.com\"}"));
        assertThat(out).isEqualTo(Map.of("notified", "ada@example.com", "messageId", "m-order-000002"));
        assertThat(d.executed()).isEqualTo(1);
    }

    @Test
    void dsThresholdIsASetting() throws Exception {
        NotificationService never = new NotificationService(SETTINGS.withFailAbove(Double.POSITIVE_INFINITY));
        assertThat(never.runExecute(context("o", "D", "{\"amount\": 1e9}"))).isNotNull();
        NotificationService strict = new NotificationService(SETTINGS.withFailAbove(10));
        assertThatThrownBy(() -> strict.runExecute(context("o", "D", "{\"amount\": 11}")))
                .isInstanceOf(NotificationService.MailboxRejected.class);
    }

    @Test
    void aReservesAndReleasesStock() throws Exception {
        StockService a = new StockService(SETTINGS);
        assertThat(a.runExecute(context("order-000003", "A", "{\"sku\": \"book-42\"}")))
                .isEqualTo(Map.of("reservationId", "r-order-000003", "sku", "book-42"));
        assertThat(a.runCompensate(context(
                        "order-000003",
                        "A",
                        "{\"input\": {\"sku\": \"book-42\"}, \"output\": {\"reservationId\": \"r-order-000003\"}}")))
                .isEqualTo(Map.of("released", "r-order-000003"));
        assertThat(a.executed()).isEqualTo(1);
        assertThat(a.compensated()).isEqualTo(1);
        assertThat(a.letter()).isEqualTo("A");
        assertThat(a.topic()).isEqualTo("service-a.commands");
    }

    @Test
    void bChargesAndRefunds() throws Exception {
        PaymentService b = new PaymentService(SETTINGS);
        assertThat(b.runExecute(context("order-000004", "B", "{\"amount\": 25.5}")))
                .isEqualTo(Map.of("paymentId", "p-order-000004", "amount", 25.5));
        assertThat(b.runCompensate(
                        context("order-000004", "B", "{\"input\": {}, \"output\": {\"paymentId\": \"p-x\"}}")))
                .isEqualTo(Map.of("refundId", "rf-order-000004", "paymentId", "p-x"));
        assertThat(b.topic()).isEqualTo("service-b.commands");
    }

    @Test
    void cShipsAndCancels() throws Exception {
        ShippingService c = new ShippingService(SETTINGS);
        assertThat(c.runExecute(context("order-000005", "C", "{}"))).isEqualTo(Map.of("shipmentId", "s-order-000005"));
        assertThat(c.runCompensate(context("order-000005", "C", "{\"input\": {}, \"output\": null}")))
                .isEqualTo(Map.of("cancelledShipment", "s-order-000005"));
        assertThat(c.topic()).isEqualTo("service-c.commands");
        assertThat(c.window().offlineFor()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void latencyIsAppliedWithinItsBounds() throws Exception {
        StockService a = new StockService(SETTINGS.withLatency(Duration.ofMillis(20), Duration.ofMillis(30)));
        long t0 = System.nanoTime();
        a.runExecute(context("o", "A", "{}"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
    }

    @Test
    void settingsHaveTheDemoDefaults() {
        ArticleServices.Settings s = ArticleServices.Settings.of("localhost:9092");
        assertThat(s.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(s.offlineFor()).isEqualTo(Duration.ofSeconds(8));
        assertThat(s.onlineFor()).isEqualTo(Duration.ofSeconds(4));
        assertThat(s.minLatency()).isZero();
        assertThat(s.maxLatency()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.failAbove()).isEqualTo(900.0);
        assertThat(s.concurrency()).isEqualTo(4);
        assertThat(s.retryPolicy().maxAttempts()).isEqualTo(3);

        ArticleServices.Settings t = s.withOfflineFor(Duration.ofSeconds(2))
                .withOnlineFor(Duration.ofSeconds(1))
                .withoutLatency()
                .withFailAbove(100)
                .withConcurrency(2)
                .withRetryPolicy(RetryPolicy.none());
        assertThat(t.batchWindow().offlineFor()).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.batchWindow().onlineFor()).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.maxLatency()).isZero();
        assertThat(t.failAbove()).isEqualTo(100);
        assertThat(t.concurrency()).isEqualTo(2);
        assertThat(t.retryPolicy()).isEqualTo(RetryPolicy.none());
        assertThat(s.offlineFor()).isEqualTo(Duration.ofSeconds(8)); // unchanged
        assertThat(s.withAlwaysOnlineC().batchWindow().isAlwaysOnline()).isTrue();

        assertThatThrownBy(() -> ArticleServices.Settings.of(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.withLatency(Duration.ofMillis(5), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.withConcurrency(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefinitionIsTheArticlesProcess() {
        String yaml = ArticleServices.definitionYaml();
        assertThat(yaml)
                .contains("name: article")
                .contains("- id: A\n    topic: service-a.commands\n    compensate: { topic: service-a.commands }")
                .contains(
                        "- id: B\n    topic: service-b.commands\n    after: [A]\n    compensate: { topic: service-b.commands }")
                .contains(
                        "- id: C\n    topic: service-c.commands\n    after: [A]\n    compensate: { topic: service-c.commands }")
                .contains("- id: D\n    topic: service-d.commands\n    after: [B, C]")
                .doesNotContain("resultTopic:");
        assertThat(yaml.split("\n- id: |\n  - id: ")).hasSize(5);
    }
}
