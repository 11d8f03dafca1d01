package dev.baton.worker.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.StepHandler;
import dev.baton.worker.WorkerOptions;
import dev.baton.worker.internal.CommandLoop;
import dev.baton.worker.internal.RetryRunner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kit's promise: the outcome it returns is the one a worker's command loop publishes for the same command and
 * handlers. Each case runs through both, the loop fed by Kafka's MockConsumer.
 */
class SameAsAWorkerTest {

    private static final String TOPIC = "payments.commands";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RetryPolicy POLICY = RetryPolicy.newBuilder()
            .maxAttempts(3)
            .initialBackoff(Duration.ZERO)
            .doNotRetry(IllegalArgumentException.class)
            .build();

    /** Fails twice, then charges; declines amounts over 100; refunds what the compensate command names. */
    private static final StepHandler CHARGE = ctx -> {
        int amount = ctx.input().path("amount").asInt();
        if (amount > 100) {
            throw new IllegalArgumentException("amount " + amount + " over limit");
        }
        if (amount == 13 || ctx.tryNumber() < 3) {
            throw new IllegalStateException("gateway busy on try " + ctx.tryNumber());
        }
        return Map.of("paymentId", "p-" + ctx.instanceId(), "try", ctx.tryNumber());
    };

    private static final StepHandler REFUND = ctx ->
            Map.of("refunded", ctx.input().path("output").path("paymentId").asText());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"kind\": \"execute\", \"input\": {\"amount\": 25}}",
                "{\"kind\": \"execute\", \"input\": {\"amount\": 13}}",
                "{\"kind\": \"execute\", \"input\": {\"amount\": 250}}",
                "{\"kind\": \"compensate\", \"input\": {\"input\": {\"amount\": 25}, \"output\": {\"paymentId\": \"p-9\"}}}"
            })
    void shouldReturnTheOutcomeTheCommandLoopPublishes(String command) throws Exception {
        JsonNode c = JSON.readTree(command);
        boolean compensation = c.get("kind").asText().equals("compensate");
        TestStepContext.Builder ctx =
                TestStepContext.newBuilder().instanceId("order-7").stepId("charge");
        if (compensation) {
            ctx.compensation(c.get("input").get("input"), c.get("input").get("output"));
        } else {
            ctx.input(c.get("input"));
        }
        TestStepContext context = ctx.build();

        TestOutcome fromKit = TestWorker.newBuilder(CHARGE)
                .onCompensate(REFUND)
                .retryPolicy(POLICY)
                .build()
                .run(context);

        assertThat(JSON.readTree(publishedByAWorker(context))).isEqualTo(fromKit.json());
    }

    private static byte[] publishedByAWorker(TestStepContext ctx) throws Exception {
        String record = JSON.writeValueAsString(Map.of(
                "instanceId", ctx.instanceId(),
                "stepId", ctx.stepId(),
                "commandId", ctx.commandId(),
                "kind", ctx.isCompensation() ? "compensate" : "execute",
                "attempt", ctx.attempt(),
                "callbackTopic", "baton.callbacks",
                "input", ctx.input()));
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
            consumer.addRecord(new ConsumerRecord<>(
                    TOPIC,
                    0,
                    0L,
                    ConsumerRecord.NO_TIMESTAMP,
                    TimestampType.NO_TIMESTAMP_TYPE,
                    ConsumerRecord.NULL_SIZE,
                    ConsumerRecord.NULL_SIZE,
                    null,
                    record.getBytes(StandardCharsets.UTF_8),
                    new RecordHeaders(),
                    Optional.empty()));
        });
        WorkerOptions options = WorkerOptions.newBuilder()
                .bootstrapServers("unused:9092")
                .commandTopic(TOPIC)
                .retryPolicy(POLICY)
                .build();
        CommandLoop loop = new CommandLoop(
                options,
                CHARGE,
                REFUND,
                consumer,
                producer,
                new RetryRunner(POLICY, options.objectMapper(), d -> {}, () -> 0.5),
                Clock.systemUTC());
        loop.start();
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !producer.history().isEmpty());
        } finally {
            loop.close();
        }
        return producer.history().get(0).value();
    }
}
