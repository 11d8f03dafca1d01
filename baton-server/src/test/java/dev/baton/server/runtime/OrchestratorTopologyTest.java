package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.protocol.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime's adapter paths, driven through the real topology without a broker, with a clock the test moves. */
class OrchestratorTopologyTest {
    static final WorkflowDefinition FLOW = WorkflowDefinition.builder("flow")
            .version(1)
            .step("first", s -> s.topic("first.commands").timeout(Duration.ofSeconds(5)))
            .step("second", s -> s.topic("second.commands").after("first"))
            .build();

    final MovableClock clock = new MovableClock(Instant.parse("2026-06-01T12:00:00Z"));
    final OrchestratorSettings settings = OrchestratorSettings.newBuilder()
            .clock(clock)
            .timerResolution(Duration.ofMillis(100))
            .maxPayloadBytes(10_000)
            .retention(Duration.ofMinutes(10))
            .build();
    final OrchestratorMetrics metrics = new OrchestratorMetrics(new SimpleMeterRegistry());
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> requests;
    TestInputTopic<byte[], byte[]> callbacks;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                OrchestratorTopology.build(settings, new DefinitionRegistry(), metrics), props, clock.instant());
        var ser = new ByteArraySerializer();
        requests = driver.createInputTopic("baton.requests", ser, ser);
        callbacks = driver.createInputTopic("baton.callbacks", ser, ser);
        driver.createInputTopic("baton.definitions", ser, ser)
                .pipeInput(bytes("flow:0000000001"), bytes(DefinitionWriter.toJson(FLOW)));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldCommandTheFirstStepWithCloudEventsHeaders() throws Exception {
        requests.pipeInput(bytes("i-1"), bytes("{\"workflow\":\"flow\",\"input\":{\"a\":1}}"));
        List<TestRecord<byte[], byte[]>> commands = read("first.commands");
        assertThat(commands).hasSize(1);
        JsonNode command = Json.mapper().readTree(commands.get(0).value());
        assertThat(command.path("commandId").asText()).isEqualTo("i-1/first/1");
        assertThat(command.path("callbackTopic").asText()).isEqualTo("baton.callbacks");
        assertThat(header(commands.get(0), "ce_type")).isEqualTo("dev.baton.command.v1");
        assertThat(header(commands.get(0), "ce_id")).isEqualTo("i-1/first/1");
        assertThat(header(commands.get(0), "ce_specversion")).isEqualTo("1.0");
        assertThat(types(read("baton.status"))).containsExactly("InstanceStarted", "StepStarted");
    }

    @Test
    void shouldFailTheItemWhenTheStepsTimeoutPassesAndNotBefore() throws Exception {
        requests.pipeInput(bytes("i-2"), bytes("{\"workflow\":\"flow\"}"));
        read("baton.status");
        move(Duration.ofSeconds(4));
        assertThat(read("baton.results")).isEmpty();
        move(Duration.ofMillis(1100));
        List<TestRecord<byte[], byte[]>> results = read("baton.results");
        assertThat(results).hasSize(1);
        JsonNode result = Json.mapper().readTree(results.get(0).value());
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("type").asText()).isEqualTo("Timeout");
        assertThat(types(read("baton.status"))).contains("StepTimedOut", "InstanceFailing", "InstanceCompleted");
    }

    @Test
    void shouldCancelTheTimerWhenTheOutcomeArrivesInTime() {
        requests.pipeInput(bytes("i-3"), bytes("{\"workflow\":\"flow\"}"));
        callbacks.pipeInput(
                bytes("i-3"),
                bytes(
                        "{\"commandId\":\"i-3/first/1\",\"instanceId\":\"i-3\",\"stepId\":\"first\",\"status\":\"SUCCEEDED\"}"));
        assertThat(read("second.commands")).hasSize(1);
        move(Duration.ofSeconds(10));
        assertThat(read("baton.results")).isEmpty();
        assertThat(types(read("baton.status"))).doesNotContain("StepTimedOut");
    }

    @Test
    void shouldDeadLetterMalformedRecordsWithWhereTheyCameFrom() {
        requests.pipeInput(bytes("i-4"), bytes("[]"));
        callbacks.pipeInput(new TestRecord<>(new byte[] {(byte) 0xC3, (byte) 0x28}, bytes("{}")));
        requests.pipeInput(bytes("i-5"), bytes("{\"workflow\":\"flow\",\"input\":\"" + "x".repeat(20_000) + "\"}"));
        List<TestRecord<byte[], byte[]>> dead = read("baton.dlq");
        assertThat(dead).hasSize(3);
        assertThat(header(dead.get(0), "baton.dlq.reason")).contains("must be a JSON object");
        assertThat(header(dead.get(0), "baton.dlq.topic")).isEqualTo("baton.requests");
        assertThat(header(dead.get(1), "baton.dlq.reason")).contains("not valid UTF-8");
        assertThat(header(dead.get(2), "baton.dlq.reason")).contains("more than the limit of 10000");
        assertThat(dead.get(0).value()).isEqualTo(bytes("[]"));
    }

    @Test
    void shouldSendAnHttpStepsCallToTheHttpTopicAndTheNextCallWhenItsBackoffIsOver() throws Exception {
        driver.createInputTopic("baton.definitions", new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(
                        bytes("hook:0000000001"),
                        bytes(DefinitionWriter.toJson(WorkflowDefinition.builder("hook")
                                .version(1)
                                .step(
                                        "call",
                                        s -> s.http(new dev.baton.definition.HttpStep(
                                                "POST",
                                                dev.baton.definition.UrlTemplate.parse(
                                                        "http://127.0.0.1:9/hooks/{$.request.id}"),
                                                null,
                                                null,
                                                new dev.baton.definition.HttpRetry(
                                                        2,
                                                        Duration.ofSeconds(3),
                                                        2.0,
                                                        Duration.ofSeconds(3),
                                                        java.util.Set.of(503)))))
                                .build())));
        requests.pipeInput(bytes("h-1"), bytes("{\"workflow\":\"hook\",\"input\":{\"id\":\"a b\"}}"));
        List<TestRecord<byte[], byte[]>> calls = read("baton.http");
        assertThat(calls).hasSize(1);
        JsonNode call = Json.mapper().readTree(calls.get(0).value());
        assertThat(call.path("url").asText()).isEqualTo("http://127.0.0.1:9/hooks/a%20b");
        assertThat(call.path("idempotencyKey").asText()).isEqualTo("h-1/call/1");
        assertThat(call.path("callbackTopic").asText()).isEqualTo("baton.callbacks");
        assertThat(header(calls.get(0), "ce_type")).isEqualTo("dev.baton.command.v1");

        callbacks.pipeInput(
                bytes("h-1"),
                bytes(
                        "{\"commandId\":\"h-1/call/1\",\"instanceId\":\"h-1\",\"stepId\":\"call\","
                                + "\"status\":\"FAILED\",\"error\":{\"type\":\"HTTP_503\",\"message\":\"busy\"},\"retryable\":true}"));
        assertThat(types(read("baton.status"))).contains("StepRetryScheduled").doesNotContain("StepFailed");
        move(Duration.ofMillis(2900));
        assertThat(read("baton.http")).isEmpty();
        move(Duration.ofMillis(200));
        List<TestRecord<byte[], byte[]>> again = read("baton.http");
        assertThat(again).hasSize(1);
        JsonNode second = Json.mapper().readTree(again.get(0).value());
        assertThat(second.path("commandId").asText()).isEqualTo("h-1/call/2");
        assertThat(second.path("idempotencyKey").asText()).isEqualTo("h-1/call/1");
    }

    @Test
    void shouldMergeAWorkersOwnOutcomeTopicIntoTheCallbackTopic() {
        var outcomes =
                driver.createInputTopic("shipping.outcomes", new ByteArraySerializer(), new ByteArraySerializer());
        String outcome =
                "{\"commandId\":\"i-6/first/1\",\"instanceId\":\"i-6\",\"stepId\":\"first\",\"status\":\"SUCCEEDED\"}";
        outcomes.pipeInput(bytes("some-other-key"), bytes(outcome));
        outcomes.pipeInput(bytes("k"), bytes("{\"not\":\"a baton outcome\"}"));
        List<TestRecord<byte[], byte[]>> merged = read("baton.callbacks");
        assertThat(merged).hasSize(1);
        assertThat(new String(merged.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("i-6");
    }

    @Test
    void shouldRemoveAFinishedInstanceFromTheStoreAfterTheRetentionTime() {
        requests.pipeInput(bytes("i-7"), bytes("{\"workflow\":\"flow\"}"));
        requests.pipeInput(bytes("i-8"), bytes("{\"workflow\":\"flow\"}"));
        callbacks.pipeInput(
                bytes("i-7"),
                bytes(
                        "{\"commandId\":\"i-7/first/1\",\"instanceId\":\"i-7\",\"stepId\":\"first\",\"status\":\"FAILED\"}"));
        var store = driver.<String, byte[]>getKeyValueStore(OrchestratorTopology.INSTANCE_STORE);
        assertThat(store.get("i-7")).isNotNull();
        assertThat(count(store)).isEqualTo(2);
        move(Duration.ofMinutes(9));
        assertThat(store.get("i-7")).as("kept during the retention time").isNotNull();
        move(Duration.ofMinutes(2));
        assertThat(store.get("i-7")).as("gone after it").isNull();
        assertThat(store.get("i-8"))
                .as("i-8 timed out at the 9th minute, so its own retention has not passed")
                .isNotNull();
        assertThat(count(store)).isEqualTo(1);
    }

    /** Issue 12: a timer whose decision threw was removed, then logged and lost; the step waited forever. */
    @Test
    void shouldKeepAStepTimeoutWhoseDecisionFailsAndFireItOnceTheDecisionCanBeMade() {
        requests.pipeInput(bytes("i-9"), bytes("{\"workflow\":\"flow\"}"));
        assertThat(types(read("baton.status"))).containsExactly("InstanceStarted", "StepStarted");
        // The orchestrator restarts with its stores restored but without flow v1 (its definitions record was
        // deleted), so deciding anything about i-9 fails until flow v1 is deployed again.
        var meters = new SimpleMeterRegistry();
        try (TopologyTestDriver restarted = restartWithoutDefinitions(new OrchestratorMetrics(meters))) {
            move(restarted, Duration.ofSeconds(6));
            assertThat(read(restarted, "baton.status")).isEmpty();
            assertThat(timersIn(restarted)).singleElement().satisfies(t -> {
                assertThat(t.commandId()).isEqualTo("i-9/first/1");
                assertThat(t.failures()).isEqualTo(1);
                assertThat(t.dueAt()).isEqualTo(clock.instant().plusSeconds(1));
            });
            move(restarted, Duration.ofSeconds(1));
            assertThat(timersIn(restarted)).singleElement().satisfies(t -> {
                assertThat(t.failures()).isEqualTo(2);
                assertThat(t.dueAt()).isEqualTo(clock.instant().plusSeconds(2));
            });
            assertThat(timerFailures(meters, "timeout")).isEqualTo(2);

            restarted
                    .createInputTopic("baton.definitions", new ByteArraySerializer(), new ByteArraySerializer())
                    .pipeInput(bytes("flow:0000000001"), bytes(DefinitionWriter.toJson(FLOW)));
            move(restarted, Duration.ofMillis(1900));
            assertThat(read(restarted, "baton.status"))
                    .as("its backoff is not over")
                    .isEmpty();
            move(restarted, Duration.ofMillis(200));

            assertThat(types(read(restarted, "baton.status")))
                    .containsOnlyOnce("StepTimedOut")
                    .contains("InstanceCompleted");
            List<TestRecord<byte[], byte[]>> results = read(restarted, "baton.results");
            assertThat(results).hasSize(1);
            assertThat(json(results.get(0).value()).path("error").path("type").asText())
                    .isEqualTo("Timeout");
            move(restarted, Duration.ofMinutes(2));
            assertThat(types(read(restarted, "baton.status"))).doesNotContain("StepTimedOut");
            assertThat(timerFailures(meters, "timeout")).isEqualTo(2);
            assertThat(timersIn(restarted))
                    .as("only the finished instance's purge")
                    .extracting(DueTimer::kind)
                    .containsExactly(DueTimer.Kind.PURGE);
        }
    }

    @Test
    void shouldKeepAPurgeThatFailsAndRemoveTheInstanceWhenItNoLongerFails() {
        requests.pipeInput(bytes("i-10"), bytes("{\"workflow\":\"flow\"}"));
        callbacks.pipeInput(
                bytes("i-10"),
                bytes(
                        "{\"commandId\":\"i-10/first/1\",\"instanceId\":\"i-10\",\"stepId\":\"first\",\"status\":\"FAILED\"}"));
        var store = driver.<String, byte[]>getKeyValueStore(OrchestratorTopology.INSTANCE_STORE);
        byte[] finished = store.get("i-10");
        store.put("i-10", bytes("{ this is no instance"));

        move(Duration.ofMinutes(10).plusMillis(100));
        assertThat(store.get("i-10"))
                .as("its state cannot be read, so it is not purged yet")
                .isNotNull();
        assertThat(timerFailures(metrics.registry(), "purge")).isEqualTo(1);

        store.put("i-10", finished);
        move(Duration.ofSeconds(1));
        assertThat(store.get("i-10")).isNull();
        assertThat(timersIn(driver)).isEmpty();
    }

    private TopologyTestDriver restartWithoutDefinitions(OrchestratorMetrics restartedMetrics) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test-restarted");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        var restarted = new TopologyTestDriver(
                OrchestratorTopology.build(settings, new DefinitionRegistry(), restartedMetrics),
                props,
                clock.instant());
        for (String name : List.of(
                OrchestratorTopology.INSTANCE_STORE,
                OrchestratorTopology.TIMER_STORE,
                OrchestratorTopology.TRACE_STORE)) {
            var to = restarted.<String, byte[]>getKeyValueStore(name);
            try (var all = driver.<String, byte[]>getKeyValueStore(name).all()) {
                all.forEachRemaining(kv -> to.put(kv.key, kv.value));
            }
        }
        return restarted;
    }

    private static List<DueTimer> timersIn(TopologyTestDriver d) {
        var due = new java.util.ArrayList<DueTimer>();
        try (var all = d.<String, byte[]>getKeyValueStore(OrchestratorTopology.TIMER_STORE)
                .all()) {
            all.forEachRemaining(kv -> due.add(TimerCodec.read(kv.key, kv.value)));
        }
        return due;
    }

    private static double timerFailures(MeterRegistry meters, String kind) {
        var counter = meters.find("baton.timer.failures").tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    private static long count(org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store) {
        try (var it = store.all()) {
            long n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return n;
        }
    }

    private void move(Duration d) {
        move(driver, d);
    }

    private void move(TopologyTestDriver d, Duration by) {
        clock.now = clock.now.plus(by);
        d.advanceWallClockTime(by);
    }

    private List<TestRecord<byte[], byte[]>> read(String topic) {
        return read(driver, topic);
    }

    private static List<TestRecord<byte[], byte[]>> read(TopologyTestDriver d, String topic) {
        return d.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private static List<String> types(List<TestRecord<byte[], byte[]>> status) {
        return status.stream()
                .map(r -> {
                    try {
                        return Json.mapper().readTree(r.value()).path("type").asText();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static JsonNode json(byte[] value) {
        try {
            return Json.mapper().readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
