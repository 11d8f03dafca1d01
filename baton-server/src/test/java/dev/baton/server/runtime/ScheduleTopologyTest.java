package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.Schedule;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.runtime.OrchestratorTopologyTest.MovableClock;
import dev.baton.server.tracing.Tracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schedules through the real topology with a wall clock the test moves: ticks write start requests, the started
 * instances run, their ends come back through the status topic to the overlap rule, and an operator pauses.
 */
class ScheduleTopologyTest {
    final MovableClock clock = new MovableClock(Instant.parse("2026-06-01T12:00:00.200Z"));
    final OrchestratorSettings settings = OrchestratorSettings.newBuilder()
            .schedules(true)
            .clock(clock)
            .timerResolution(Duration.ofMillis(100))
            .build();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> definitions;
    TestInputTopic<byte[], byte[]> callbacks;
    TestInputTopic<String, byte[]> schedules;
    TestOutputTopic<String, String> requests;

    @BeforeEach
    void start() {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "schedule-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                OrchestratorTopology.build(
                        settings,
                        new DefinitionRegistry(),
                        new TopicPauses(),
                        new OrchestratorMetrics(registry),
                        Tracing.off()),
                props,
                clock.instant());
        var ser = new ByteArraySerializer();
        definitions = driver.createInputTopic("baton.definitions", ser, ser);
        callbacks = driver.createInputTopic("baton.callbacks", ser, ser);
        schedules = driver.createInputTopic("baton.schedules", new StringSerializer(), ser);
        requests = driver.createOutputTopic("baton.requests", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldStartOneInstancePerTickWithTheTickInItsId() {
        deploy(Schedule.every(Duration.ofSeconds(1))
                .withOverlap(Schedule.Overlap.ALL)
                .withInput(java.util.Map.of("batch", "nightly")));
        move(Duration.ofMillis(3_000));
        List<TestRecord<String, String>> started = requests.readRecordsToList();
        assertThat(started)
                .extracting(TestRecord::key)
                .containsExactly(
                        "recon@2026-06-01T12:00:01Z", "recon@2026-06-01T12:00:02Z", "recon@2026-06-01T12:00:03Z");
        assertThat(started.get(0).value())
                .isEqualTo("{\"workflow\":\"recon\",\"version\":1,\"input\":{\"batch\":\"nightly\"}}");
        assertThat(read("reconcile.commands")).hasSize(3);
        assertThat(registry.get("baton.schedule.starts").counter().count()).isEqualTo(3.0);
    }

    @Test
    void shouldSkipTicksWhileTheInstanceRunsAndStartAgainOnceItEnded() {
        deploy(Schedule.every(Duration.ofSeconds(1)));
        move(Duration.ofMillis(3_000));
        assertThat(requests.readRecordsToList())
                .extracting(TestRecord::key)
                .containsExactly("recon@2026-06-01T12:00:01Z");
        assertThat(registry.get("baton.schedule.skipped")
                        .tag("reason", "overlap")
                        .counter()
                        .count())
                .isEqualTo(2.0);

        succeed("recon@2026-06-01T12:00:01Z");
        assertThat(read("baton.results")).hasSize(1);
        move(Duration.ofMillis(1_000));
        assertThat(requests.readRecordsToList())
                .extracting(TestRecord::key)
                .containsExactly("recon@2026-06-01T12:00:04Z");
    }

    @Test
    void shouldStartTheQueuedTickWhenTheRunningInstanceEnds() {
        deploy(Schedule.every(Duration.ofSeconds(1)).withOverlap(Schedule.Overlap.QUEUE_ONE));
        move(Duration.ofMillis(2_000));
        assertThat(requests.readRecordsToList())
                .extracting(TestRecord::key)
                .containsExactly("recon@2026-06-01T12:00:01Z");
        succeed("recon@2026-06-01T12:00:01Z");
        assertThat(requests.readRecordsToList())
                .as("the queued tick starts in the same transaction as the end is recorded")
                .extracting(TestRecord::key)
                .containsExactly("recon@2026-06-01T12:00:02Z");
    }

    @Test
    void shouldStartNothingWhilePausedAndGoOnAfterTheResume() {
        deploy(Schedule.every(Duration.ofSeconds(1)).withOverlap(Schedule.Overlap.ALL));
        move(Duration.ofMillis(1_000));
        assertThat(requests.readRecordsToList()).hasSize(1);
        schedules.pipeInput("recon", ScheduleRecords.pause(true, "ops", "month-end freeze", clock.instant()));
        move(Duration.ofMillis(3_000));
        assertThat(requests.readRecordsToList()).isEmpty();
        assertThat(registry.get("baton.schedule.skipped")
                        .tag("reason", "paused")
                        .counter()
                        .count())
                .isEqualTo(3.0);
        schedules.pipeInput("recon", ScheduleRecords.pause(false, "ops", "freeze over", clock.instant()));
        move(Duration.ofMillis(1_000));
        assertThat(requests.readRecordsToList())
                .extracting(TestRecord::key)
                .containsExactly("recon@2026-06-01T12:00:05Z");
    }

    @Test
    void shouldStopStartingWhenANewVersionDropsTheSchedule() {
        deploy(Schedule.every(Duration.ofSeconds(1)).withOverlap(Schedule.Overlap.ALL));
        move(Duration.ofMillis(1_000));
        assertThat(requests.readRecordsToList()).hasSize(1);
        var unscheduled = WorkflowDefinition.builder("recon")
                .version(2)
                .step("reconcile", s -> s.topic("reconcile.commands"))
                .build();
        definitions.pipeInput(bytes("recon:0000000002"), bytes(DefinitionWriter.toJson(unscheduled)));
        move(Duration.ofMillis(3_000));
        assertThat(requests.readRecordsToList()).isEmpty();
    }

    @Test
    void shouldDeadLetterAScheduleRecordItCannotRead() {
        schedules.pipeInput("recon", bytes("{\"type\":\"snooze\"}"));
        List<TestRecord<byte[], byte[]>> dead = read("baton.dlq");
        assertThat(dead).hasSize(1);
        assertThat(new String(
                        dead.get(0).headers().lastHeader("baton.dlq.reason").value(), StandardCharsets.UTF_8))
                .contains("field 'type' must be pause, resume or ended");
    }

    @Test
    void shouldIgnoreEndsOfInstancesThatNoScheduleStarted() {
        assertThat(ScheduleEnds.scheduledWorkflow("recon@2026-06-01T12:00:01Z")).isEqualTo("recon");
        assertThat(ScheduleEnds.scheduledWorkflow("order@42")).isNull();
        assertThat(ScheduleEnds.scheduledWorkflow("@2026-06-01T12:00:01Z")).isNull();
        assertThat(ScheduleEnds.scheduledWorkflow("order-1")).isNull();
    }

    private void deploy(Schedule schedule) {
        var d = WorkflowDefinition.builder("recon")
                .version(1)
                .schedule(schedule)
                .step("reconcile", s -> s.topic("reconcile.commands"))
                .build();
        definitions.pipeInput(bytes("recon:0000000001"), bytes(DefinitionWriter.toJson(d)));
    }

    private void succeed(String instanceId) {
        callbacks.pipeInput(
                bytes(instanceId),
                bytes("{\"commandId\":\"" + instanceId + "/reconcile/1\",\"instanceId\":\"" + instanceId
                        + "\",\"stepId\":\"reconcile\",\"status\":\"SUCCEEDED\"}"));
    }

    private void move(Duration by) {
        for (long ms = 0; ms < by.toMillis(); ms += 100) {
            clock.now = clock.now.plusMillis(100);
            driver.advanceWallClockTime(Duration.ofMillis(100));
        }
    }

    private List<TestRecord<byte[], byte[]>> read(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
