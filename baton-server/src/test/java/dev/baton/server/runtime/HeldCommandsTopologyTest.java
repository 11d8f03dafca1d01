package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.runtime.OrchestratorTopologyTest.MovableClock;
import dev.baton.server.tracing.Tracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
 * A paused worker topic through the real topology, with a wall clock the test moves: commands are held while it is
 * paused, released oldest first at the rate of its resume, and new commands queue behind the held ones.
 */
class HeldCommandsTopologyTest {
    static final WorkflowDefinition FLOW = WorkflowDefinition.builder("flow")
            .version(1)
            .step("pay", s -> s.topic("pay.commands").timeout(Duration.ofSeconds(30)))
            .step("ship", s -> s.topic("ship.commands").after("pay"))
            .build();
    static final WorkflowDefinition OTHER = WorkflowDefinition.builder("other")
            .version(1)
            .step("stock", s -> s.topic("stock.commands"))
            .build();

    final MovableClock clock = new MovableClock(Instant.parse("2026-06-01T12:00:00Z"));
    final OrchestratorSettings settings = OrchestratorSettings.newBuilder()
            .topicPauses(true)
            .clock(clock)
            .timerResolution(Duration.ofMillis(100))
            .build();
    final OrchestratorMetrics metrics = new OrchestratorMetrics(new SimpleMeterRegistry());
    final TopicPauses pauses = new TopicPauses();
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> requests;
    TestInputTopic<byte[], byte[]> callbacks;
    TestInputTopic<String, byte[]> topicPauses;
    TestOutputTopic<byte[], byte[]> payCommands;

    @BeforeEach
    void start() {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "held-commands-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                OrchestratorTopology.build(settings, new DefinitionRegistry(), pauses, metrics, Tracing.off()),
                props,
                clock.instant());
        var ser = new ByteArraySerializer();
        requests = driver.createInputTopic("baton.requests", ser, ser);
        callbacks = driver.createInputTopic("baton.callbacks", ser, ser);
        topicPauses = driver.createInputTopic("baton.topic-pauses", new StringSerializer(), ser);
        var definitions = driver.createInputTopic("baton.definitions", ser, ser);
        definitions.pipeInput(bytes("flow:0000000001"), bytes(DefinitionWriter.toJson(FLOW)));
        definitions.pipeInput(bytes("other:0000000001"), bytes(DefinitionWriter.toJson(OTHER)));
        payCommands =
                driver.createOutputTopic("pay.commands", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldHoldCommandsWhilePausedAndReleaseThemOldestFirstAtTheRate() {
        pause("pay.commands", true, 10);
        for (int i = 0; i < 5; i++) {
            start("i-" + i, "flow");
        }
        start("o-1", "other");
        move(Duration.ofSeconds(2));
        assertThat(payCommands.readRecordsToList())
                .as("nothing goes to a paused topic")
                .isEmpty();
        assertThat(read("stock.commands")).as("other topics flow").hasSize(1);
        assertThat(heldInStore()).isEqualTo(5);
        assertThat(heldGauge()).isEqualTo(5);

        pause("pay.commands", false, 10); // 10 per second, released every 100 ms: one per tick
        Instant resumed = clock.instant();
        move(Duration.ofMillis(100));
        List<TestRecord<byte[], byte[]>> released = new ArrayList<>(payCommands.readRecordsToList());
        assertThat(released).hasSize(1);
        start("i-5", "flow"); // while some are held, a new command queues behind them, though the topic is resumed
        assertThat(payCommands.readRecordsToList()).isEmpty();
        move(Duration.ofMillis(100));
        move(Duration.ofMillis(100));
        released.addAll(payCommands.readRecordsToList());
        assertThat(released).as("no faster than 10/s").hasSize(3);
        for (int tick = 0; tick < 10; tick++) {
            move(Duration.ofMillis(100));
            released.addAll(payCommands.readRecordsToList());
        }
        assertThat(released)
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("i-0", "i-1", "i-2", "i-3", "i-4", "i-5");
        assertThat(released)
                .as("each goes out at its release, the sixth half a second after the first")
                .extracting(TestRecord::timestamp)
                .isSorted();
        assertThat(released.get(5).timestamp() - released.get(0).timestamp()).isGreaterThanOrEqualTo(500);
        assertThat(released.get(0).timestamp()).isGreaterThanOrEqualTo(resumed.toEpochMilli());
        assertThat(released.get(0).headers().lastHeader("ce_id").value()).isEqualTo(bytes("i-0/pay/1"));
        assertThat(heldInStore()).isZero();
        assertThat(heldGauge()).isZero();
        assertThat(metrics.registry()
                        .find("baton.commands.released")
                        .tag("topic", "pay.commands")
                        .counter()
                        .count())
                .isEqualTo(6);

        start("i-6", "flow");
        assertThat(payCommands.readRecordsToList())
                .as("nothing held any more: sent at once")
                .hasSize(1);
    }

    @Test
    void shouldReleaseAHeldCommandWhoseStepTimedOutAndHoldCompensateCommandsToo() throws Exception {
        WorkflowDefinition saga = WorkflowDefinition.builder("saga")
                .version(1)
                .step("reserve", s -> s.topic("stock.commands").compensate("stock.commands"))
                .step("pay", s -> s.topic("pay.commands").after("reserve").timeout(Duration.ofSeconds(1)))
                .build();
        driver.createInputTopic("baton.definitions", new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(bytes("saga:0000000001"), bytes(DefinitionWriter.toJson(saga)));
        pause("pay.commands", true, 100);
        start("s-1", "saga");
        assertThat(read("stock.commands")).hasSize(1);
        pause("stock.commands", true, 100);
        callbacks.pipeInput(
                bytes("s-1"),
                bytes("{\"commandId\":\"s-1/reserve/1\",\"instanceId\":\"s-1\",\"stepId\":\"reserve\","
                        + "\"status\":\"SUCCEEDED\"}"));
        assertThat(payCommands.readRecordsToList()).isEmpty();

        move(Duration.ofMillis(1200)); // the engine does not know the command is held: the step times out
        assertThat(read("baton.status").stream()
                        .map(r -> OrchestratorTopologyTest.json(r.value())
                                .path("type")
                                .asText()))
                .contains("StepTimedOut", "CompensationStarted");
        assertThat(read("stock.commands"))
                .as("the compensate command to the paused topic is held")
                .isEmpty();
        assertThat(heldInStore()).isEqualTo(2);

        pause("pay.commands", false, 100);
        pause("stock.commands", false, 100);
        move(Duration.ofMillis(100));
        List<TestRecord<byte[], byte[]>> pay = payCommands.readRecordsToList();
        assertThat(pay)
                .as("the timed-out step's command is released all the same")
                .hasSize(1);
        assertThat(OrchestratorTopologyTest.json(pay.get(0).value())
                        .path("commandId")
                        .asText())
                .isEqualTo("s-1/pay/1");
        List<TestRecord<byte[], byte[]>> stock = read("stock.commands");
        assertThat(stock).hasSize(1);
        assertThat(OrchestratorTopologyTest.json(stock.get(0).value())
                        .path("kind")
                        .asText())
                .isEqualTo("compensate");
    }

    @Test
    void shouldKeepHoldingAfterAPauseResumedAndPausedAgain() {
        pause("pay.commands", true, 10);
        start("a", "flow");
        start("b", "flow");
        pause("pay.commands", false, 10);
        move(Duration.ofMillis(100));
        assertThat(payCommands.readRecordsToList()).hasSize(1);
        pause("pay.commands", true, 10);
        move(Duration.ofSeconds(1));
        assertThat(payCommands.readRecordsToList())
                .as("paused again: the rest waits")
                .isEmpty();
        pause("pay.commands", false, 10);
        move(Duration.ofMillis(100));
        assertThat(payCommands.readRecordsToList())
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("b");
    }

    private void pause(String topic, boolean paused, int rate) {
        topicPauses.pipeInput(
                topic, new TopicPause(topic, paused, "ops", paused ? "down" : "back", clock.instant(), rate).toJson());
        assertThat(pauses.isPaused(topic)).isEqualTo(paused);
    }

    private void start(String id, String workflow) {
        requests.pipeInput(bytes(id), bytes("{\"workflow\":\"" + workflow + "\"}"));
    }

    private void move(Duration by) {
        clock.now = clock.now.plus(by);
        driver.advanceWallClockTime(by);
    }

    private List<TestRecord<byte[], byte[]>> read(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private long heldInStore() {
        try (var all = driver.<String, byte[]>getKeyValueStore(OrchestratorTopology.HELD_COMMANDS_STORE)
                .all()) {
            long n = 0;
            while (all.hasNext()) {
                if (all.next().key.indexOf('\u0000') > 0) {
                    n++;
                }
            }
            return n;
        }
    }

    private double heldGauge() {
        var gauge = metrics.registry()
                .find("baton.commands.held")
                .tag("topic", "pay.commands")
                .gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
