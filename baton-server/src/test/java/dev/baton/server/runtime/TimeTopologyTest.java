package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionReader;
import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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

/**
 * Sleeps, delayed starts, deadlines and loops through the real topology and its timer store, without a broker, with
 * a clock the test moves: each waits on a stored timer, fires once, and a restart finds the timer again.
 */
class TimeTopologyTest {
    static final WorkflowDefinition NIGHTLY = DefinitionReader.read("""
            name: nightly
            deadline: { after: PT1H, then: fail }
            steps:
              - id: A
                topic: a.commands
                compensate: a.commands
              - id: nap
                after: A
                sleep: { duration: PT10S }
              - id: track
                topic: d.commands
                after: nap
                repeat: { until: "$.steps.track.output.status == 'shipped'", max: 3, delay: PT5S }
            """, "nightly.yaml");

    final OrchestratorTopologyTest.MovableClock clock =
            new OrchestratorTopologyTest.MovableClock(Instant.parse("2026-06-01T12:00:00Z"));
    final OrchestratorSettings settings = OrchestratorSettings.newBuilder()
            .clock(clock)
            .timerResolution(Duration.ofMillis(100))
            .maxPayloadBytes(10_000)
            .retention(Duration.ofMinutes(10))
            .build();
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> requests;
    TestInputTopic<byte[], byte[]> callbacks;

    @BeforeEach
    void start() {
        driver = newDriver("time-test");
    }

    private TopologyTestDriver newDriver(String applicationId) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        var d = new TopologyTestDriver(
                OrchestratorTopology.build(
                        settings, new DefinitionRegistry(), new OrchestratorMetrics(new SimpleMeterRegistry())),
                props,
                clock.instant());
        var ser = new ByteArraySerializer();
        requests = d.createInputTopic("baton.requests", ser, ser);
        callbacks = d.createInputTopic("baton.callbacks", ser, ser);
        d.createInputTopic("baton.definitions", ser, ser)
                .pipeInput(bytes("nightly:0000000001"), bytes(DefinitionWriter.toJson(NIGHTLY.withVersion(1))));
        return d;
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldSleepOnATimerAndLoopUntilTheConditionHolds() {
        requests.pipeInput(bytes("o-1"), bytes("{\"workflow\":\"nightly\"}"));
        succeed("o-1", "A", "o-1/A/1", "{}");
        assertThat(types(read("baton.status"))).contains("StepSleeping");
        move(Duration.ofSeconds(9));
        assertThat(read("d.commands")).isEmpty();
        move(Duration.ofMillis(1100));
        assertThat(commandIds(read("d.commands"))).containsExactly("o-1/track/1");
        succeed("o-1", "track", "o-1/track/1", "{\"status\":\"packing\"}");
        assertThat(types(read("baton.status"))).contains("StepRoundCompleted");
        move(Duration.ofSeconds(4));
        assertThat(read("d.commands")).as("the delay between rounds").isEmpty();
        move(Duration.ofMillis(1100));
        assertThat(commandIds(read("d.commands"))).containsExactly("o-1/track/2");
        // A duplicate of the first round's outcome changes nothing.
        succeed("o-1", "track", "o-1/track/1", "{\"status\":\"shipped\"}");
        assertThat(read("baton.results")).isEmpty();
        succeed("o-1", "track", "o-1/track/2", "{\"status\":\"shipped\"}");
        JsonNode result = json(read("baton.results").get(0).value());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("track").path("status").asText()).isEqualTo("shipped");
        assertThat(result.path("output").path("nap").path("sleptUntil").asText())
                .isEqualTo("2026-06-01T12:00:10Z");
        assertThat(timers())
                .as("the deadline was cleared; only the purge is left")
                .extracting(DueTimer::kind)
                .containsExactly(DueTimer.Kind.PURGE);
    }

    @Test
    void shouldRecordADelayedStartAtOnceAndStartItOnItsTimerAfterARestart() {
        requests.pipeInput(bytes("o-2"), bytes("{\"workflow\":\"nightly\",\"startAt\":\"2026-06-01T12:00:30Z\"}"));
        assertThat(types(read("baton.status"))).containsExactly("InstanceScheduled");
        assertThat(read("a.commands")).isEmpty();
        assertThat(timers())
                .as("the start, and the deadline an hour after it")
                .extracting(DueTimer::kind, DueTimer::dueAt)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(DueTimer.Kind.START, Instant.parse("2026-06-01T12:00:30Z")),
                        org.assertj.core.groups.Tuple.tuple(
                                DueTimer.Kind.DEADLINE, Instant.parse("2026-06-01T13:00:30Z")));
        TopologyTestDriver restarted = restart();
        move(restarted, Duration.ofSeconds(29));
        assertThat(read(restarted, "a.commands")).isEmpty();
        move(restarted, Duration.ofMillis(1100));
        assertThat(commandIds(read(restarted, "a.commands"))).containsExactly("o-2/A/1");
        assertThat(types(read(restarted, "baton.status"))).contains("InstanceStarted");
        restarted.close();
    }

    @Test
    void shouldFailAnInstanceStuckOnAWorkerAtItsDeadlineAndCompensate() {
        requests.pipeInput(bytes("o-3"), bytes("{\"workflow\":\"nightly\"}"));
        succeed("o-3", "A", "o-3/A/1", "{}");
        move(Duration.ofSeconds(11));
        assertThat(commandIds(read("d.commands"))).containsExactly("o-3/track/1"); // D never answers
        read("a.commands");
        move(Duration.ofMinutes(59)); // 59 min 11 s after the start
        assertThat(read("a.commands")).isEmpty();
        move(Duration.ofSeconds(50));
        List<TestRecord<byte[], byte[]>> compensations = read("a.commands");
        assertThat(commandIds(compensations)).containsExactly("o-3/A/1/compensate/1");
        callbacks.pipeInput(
                bytes("o-3"),
                bytes("{\"commandId\":\"o-3/A/1/compensate/1\",\"instanceId\":\"o-3\",\"stepId\":\"A\","
                        + "\"status\":\"SUCCEEDED\"}"));
        JsonNode result = json(read("baton.results").get(0).value());
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("type").asText()).isEqualTo("DeadlineExceeded");
    }

    @Test
    void shouldTakeTheRequestsOwnDeadline() {
        requests.pipeInput(bytes("o-5"), bytes("{\"workflow\":\"nightly\",\"deadline\":\"PT5S\"}"));
        move(Duration.ofSeconds(4));
        assertThat(read("baton.results")).isEmpty();
        move(Duration.ofMillis(1100));
        JsonNode result = json(read("baton.results").get(0).value());
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("type").asText()).isEqualTo("DeadlineExceeded");
    }

    @Test
    void shouldDeadLetterAStartAtThatIsNoInstant() {
        requests.pipeInput(bytes("o-4"), bytes("{\"workflow\":\"nightly\",\"startAt\":\"tomorrow\"}"));
        List<TestRecord<byte[], byte[]>> dead = read("baton.dlq");
        assertThat(dead).hasSize(1);
        assertThat(new String(
                        dead.get(0).headers().lastHeader("baton.dlq.reason").value(), StandardCharsets.UTF_8))
                .contains("field 'startAt' must be an ISO-8601 instant");
        requests.pipeInput(bytes("o-6"), bytes("{\"workflow\":\"nightly\",\"deadline\":\"-PT5S\"}"));
        assertThat(new String(
                        read("baton.dlq")
                                .get(0)
                                .headers()
                                .lastHeader("baton.dlq.reason")
                                .value(),
                        StandardCharsets.UTF_8))
                .contains("field 'deadline' must be a positive ISO-8601 duration");
    }

    private TopologyTestDriver restart() {
        TopologyTestDriver restarted = newDriver("time-test-restarted");
        for (String name : List.of(OrchestratorTopology.INSTANCE_STORE, OrchestratorTopology.TIMER_STORE)) {
            var to = restarted.<String, byte[]>getKeyValueStore(name);
            try (var all = driver.<String, byte[]>getKeyValueStore(name).all()) {
                all.forEachRemaining(kv -> to.put(kv.key, kv.value));
            }
        }
        return restarted;
    }

    private void succeed(String instanceId, String stepId, String commandId, String output) {
        callbacks.pipeInput(
                bytes(instanceId),
                bytes("{\"commandId\":\"" + commandId + "\",\"instanceId\":\"" + instanceId + "\",\"stepId\":\""
                        + stepId + "\",\"status\":\"SUCCEEDED\",\"output\":" + output + "}"));
    }

    private List<DueTimer> timers() {
        var due = new java.util.ArrayList<DueTimer>();
        try (var all = driver.<String, byte[]>getKeyValueStore(OrchestratorTopology.TIMER_STORE)
                .all()) {
            all.forEachRemaining(kv -> due.add(TimerCodec.read(kv.key, kv.value)));
        }
        return due;
    }

    private void move(Duration by) {
        move(driver, by);
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

    private static List<String> commandIds(List<TestRecord<byte[], byte[]>> commands) {
        return commands.stream()
                .map(r -> json(r.value()).path("commandId").asText())
                .toList();
    }

    private static List<String> types(List<TestRecord<byte[], byte[]>> status) {
        return status.stream().map(r -> json(r.value()).path("type").asText()).toList();
    }

    private static JsonNode json(byte[] value) {
        return OrchestratorTopologyTest.json(value);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
