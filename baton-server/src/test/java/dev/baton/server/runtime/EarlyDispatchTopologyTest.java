package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionReader;
import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.tracing.Tracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Early dispatch through the real topology, without a broker: commands leave through the early producer (here a
 * {@link MockProducer}) the moment they are decided, everything else stays in the Streams output, and a second
 * orchestrator fed the same records, at another wall-clock time, sends byte for byte the same commands, which is what
 * makes a command sent ahead of its transaction one that a replay stands by.
 */
class EarlyDispatchTopologyTest {
    static final WorkflowDefinition ARTICLE = DefinitionReader.read("""
            name: article
            steps:
              - id: A
                topic: a.commands
                compensate: a.commands
              - id: B
                topic: b.commands
                after: A
                timeout: PT30S
              - id: C
                topic: c.commands
                after: A
                compensate: c.commands
              - id: D
                topic: d.commands
                after: [B, C]
            """, "article.yaml");
    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    final OrchestratorTopologyTest.MovableClock clock = new OrchestratorTopologyTest.MovableClock(T0);
    final List<TopologyTestDriver> drivers = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        drivers.forEach(TopologyTestDriver::close);
    }

    @Test
    void shouldSendEveryCommandOfAPinnedInstanceEarlyAndKeepResultsAndStatusInTheTransaction() {
        var run = new Run(clock);
        run.request("o-1", "{\"workflow\":\"article\",\"version\":1}", T0);
        assertThat(run.earlyCommandIds("a.commands")).containsExactly("o-1/A/1");
        assertThat(run.read("a.commands")).as("not in the transaction").isEmpty();
        assertThat(types(run.read("baton.status"))).contains("InstanceStarted");

        run.succeed("o-1", "A", "o-1/A/1", T0.plusSeconds(1));
        assertThat(run.earlyCommandIds("b.commands")).containsExactly("o-1/B/1");
        assertThat(run.earlyCommandIds("c.commands")).containsExactly("o-1/C/1");
        run.succeed("o-1", "B", "o-1/B/1", T0.plusSeconds(2));
        run.succeed("o-1", "C", "o-1/C/1", T0.plusSeconds(3));
        assertThat(run.earlyCommandIds("d.commands")).containsExactly("o-1/D/1");
        run.succeed("o-1", "D", "o-1/D/1", T0.plusSeconds(4));

        List<TestRecord<byte[], byte[]>> results = run.read("baton.results");
        assertThat(results).hasSize(1);
        assertThat(json(results.get(0).value()).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.read("b.commands")).isEmpty();
        assertThat(run.read("d.commands")).isEmpty();
        ProducerRecord<byte[], byte[]> a = run.early.history().get(0);
        assertThat(a.timestamp()).as("timed by the start request").isEqualTo(T0.toEpochMilli());
        assertThat(new String(a.key(), StandardCharsets.UTF_8)).isEqualTo("o-1");
        assertThat(CloudEventRecords.isCommand(a.headers())).isTrue();
    }

    @Test
    void shouldSendTheFirstCommandOfAnUnpinnedStartWithTheTransaction() {
        var run = new Run(clock);
        run.request("o-2", "{\"workflow\":\"article\"}", T0);
        assertThat(run.early.history())
                .as("the newest version may be another one when a replay decides")
                .isEmpty();
        assertThat(commandIds(run.read("a.commands"))).containsExactly("o-2/A/1");

        run.succeed("o-2", "A", "o-2/A/1", T0.plusSeconds(1));
        assertThat(run.earlyCommandIds("b.commands"))
                .as("the instance is pinned to its version from then on")
                .containsExactly("o-2/B/1");
    }

    @Test
    void shouldFireATimeoutThroughTheRequestsTopicAndSendItsCompensationsEarly() {
        var run = new Run(clock);
        run.request("o-3", "{\"workflow\":\"article\",\"version\":1}", T0);
        run.succeed("o-3", "A", "o-3/A/1", T0.plusSeconds(1));
        run.succeed("o-3", "C", "o-3/C/1", T0.plusSeconds(2));
        run.early.clear();

        run.move(Duration.ofSeconds(29));
        assertThat(run.read("baton.requests")).isEmpty();
        run.move(Duration.ofSeconds(3)); // 32 s: B's timeout was due at 31 s
        List<TestRecord<byte[], byte[]>> timerRecords = run.read("baton.requests");
        assertThat(timerRecords).hasSize(1);
        assertThat(new String(timerRecords.get(0).key(), StandardCharsets.UTF_8))
                .isEqualTo("o-3");
        assertThat(timerRecords.get(0).headers().lastHeader(InstanceProcessor.TIMER_HEADER))
                .isNotNull();
        // The test driver reads a record written to one of the topology's sources back at once, as the broker would.
        assertThat(run.earlyCommandIds("c.commands"))
                .as("read back, the timer failed B and started the compensations, the latest step first")
                .containsExactly("o-3/C/1/compensate/1");
        assertThat(run.early.history().get(0).timestamp())
                .as("timed by the timer record")
                .isEqualTo(timerRecords.get(0).timestamp());
        assertThat(run.timers()).extracting(DueTimer::kind).doesNotContain(DueTimer.Kind.STEP_TIMEOUT);

        run.compensated("o-3", "C", T0.plusSeconds(40));
        assertThat(run.earlyCommandIds("a.commands")).containsExactly("o-3/A/1/compensate/1");
        run.compensated("o-3", "A", T0.plusSeconds(41));
        JsonNode result = json(run.read("baton.results").get(0).value());
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void shouldLetAnOutcomeThatComesBeforeTheTimerRecordWin() {
        var run = new Run(clock);
        run.request("o-4", "{\"workflow\":\"article\",\"version\":1}", T0);
        run.succeed("o-4", "A", "o-4/A/1", T0.plusSeconds(1));
        run.succeed("o-4", "C", "o-4/C/1", T0.plusSeconds(2));
        DueTimer timeout = run.timers().stream()
                .filter(t -> t.kind() == DueTimer.Kind.STEP_TIMEOUT)
                .findFirst()
                .orElseThrow();
        // B answers at 30.5 s; the timer record of another orchestrator's punctuation (at 31 s) comes after it.
        run.succeed("o-4", "B", "o-4/B/1", T0.plusMillis(30_500));
        run.early.clear();
        var headers = new RecordHeaders();
        headers.add(InstanceProcessor.TIMER_HEADER, timeout.key().getBytes(StandardCharsets.UTF_8));
        run.requests.pipeInput(new TestRecord<>(bytes("o-4"), TimerCodec.write(timeout), headers, T0.plusSeconds(31)));

        assertThat(run.early.history()).as("no compensation").isEmpty();
        assertThat(run.read("baton.dlq")).isEmpty();
        run.succeed("o-4", "D", "o-4/D/1", T0.plusSeconds(32));
        assertThat(json(run.read("baton.results").get(0).value()).path("status").asText())
                .isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldSendTheSameCommandsWhenTheSameRecordsAreReplayedAtAnotherTime() {
        var first = new Run(clock);
        feedAStory(first);
        var later = new OrchestratorTopologyTest.MovableClock(T0.plus(Duration.ofHours(5)));
        var replay = new Run(later);
        feedAStory(replay);

        assertThat(first.early.history()).hasSize(4);
        assertThat(replay.early.history().stream().map(EarlyDispatchTopologyTest::describe))
                .containsExactlyElementsOf(first.early.history().stream()
                        .map(EarlyDispatchTopologyTest::describe)
                        .toList());
    }

    @Test
    void shouldRefuseEarlyDispatchWithoutExactlyOnce() {
        assertThatThrownBy(() -> OrchestratorSettings.newBuilder()
                        .exactlyOnce(false)
                        .earlyDispatch(true)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("earlyDispatch is a mode of exactly-once processing");
    }

    @Test
    void shouldRefuseTheCommitWhenAnEarlySendFailed() {
        var earlyProducer = mockProducer(false);
        var early = new EarlyDispatch(earlyProducer);
        var streamsProducer = mockProducer(true);
        var gated = early.gated(streamsProducer);
        gated.initTransactions();
        gated.beginTransaction();

        early.send(new ProducerRecord<>("a.commands", bytes("o-9"), bytes("{}")));
        earlyProducer.errorNext(new KafkaException("broker said no"));

        assertThatThrownBy(gated::commitTransaction)
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("the transaction must not commit")
                .hasRootCauseMessage("broker said no");
        assertThat(streamsProducer.transactionCommitted()).isFalse();
    }

    @Test
    void shouldCommitOnceTheEarlySendsAreOnTheBroker() {
        var earlyProducer = mockProducer(false);
        var early = new EarlyDispatch(earlyProducer);
        var streamsProducer = mockProducer(true);
        var gated = early.gated(streamsProducer);
        gated.initTransactions();
        gated.beginTransaction();
        early.send(new ProducerRecord<>("a.commands", bytes("o-9"), bytes("{}")));
        assertThat(earlyProducer.completeNext()).isTrue();

        gated.commitTransaction();

        assertThat(earlyProducer.flushed()).isTrue();
        assertThat(streamsProducer.transactionCommitted()).isTrue();
    }

    /** Start, A succeeds, B and C succeed, D is sent: four early commands, at fixed record times. */
    private static void feedAStory(Run run) {
        run.request("o-5", "{\"workflow\":\"article\",\"version\":1,\"input\":{\"sku\":\"book-42\"}}", T0);
        run.succeed("o-5", "A", "o-5/A/1", T0.plusSeconds(1));
        run.succeed("o-5", "C", "o-5/C/1", T0.plusSeconds(2));
        run.succeed("o-5", "B", "o-5/B/1", T0.plusSeconds(3));
    }

    private static String describe(ProducerRecord<byte[], byte[]> r) {
        var headers = new StringBuilder();
        for (Header h : r.headers()) {
            headers.append(h.key())
                    .append('=')
                    .append(Arrays.toString(h.value()))
                    .append(';');
        }
        return r.topic() + "|" + r.timestamp() + "|" + Arrays.toString(r.key()) + "|" + Arrays.toString(r.value()) + "|"
                + headers;
    }

    private static MockProducer<byte[], byte[]> mockProducer(boolean autoComplete) {
        return new MockProducer<>(
                autoComplete, new FirstPartition(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** An orchestrator under early dispatch: a topology test driver and the early producer it sends to. */
    private final class Run {
        final OrchestratorTopologyTest.MovableClock wallClock;
        final MockProducer<byte[], byte[]> early = mockProducer(true);
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> requests;
        final TestInputTopic<byte[], byte[]> callbacks;

        Run(OrchestratorTopologyTest.MovableClock wallClock) {
            this.wallClock = wallClock;
            var settings = OrchestratorSettings.newBuilder()
                    .clock(wallClock)
                    .earlyDispatch(true)
                    .timerResolution(Duration.ofMillis(100))
                    .build();
            var props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "early-test-" + drivers.size());
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            driver = new TopologyTestDriver(
                    OrchestratorTopology.build(
                            settings,
                            new DefinitionRegistry(),
                            new TopicPauses(),
                            new OrchestratorMetrics(new SimpleMeterRegistry()),
                            Tracing.off(),
                            new EarlyDispatch(early)),
                    props,
                    wallClock.instant());
            drivers.add(driver);
            var ser = new ByteArraySerializer();
            requests = driver.createInputTopic("baton.requests", ser, ser);
            callbacks = driver.createInputTopic("baton.callbacks", ser, ser);
            driver.createInputTopic("baton.definitions", ser, ser)
                    .pipeInput(bytes("article:0000000001"), bytes(DefinitionWriter.toJson(ARTICLE.withVersion(1))), T0);
        }

        void request(String instanceId, String json, Instant at) {
            requests.pipeInput(bytes(instanceId), bytes(json), at);
        }

        void succeed(String instanceId, String stepId, String commandId, Instant at) {
            callbacks.pipeInput(
                    bytes(instanceId),
                    bytes("{\"commandId\":\"" + commandId + "\",\"instanceId\":\"" + instanceId + "\",\"stepId\":\""
                            + stepId + "\",\"status\":\"SUCCEEDED\",\"output\":{}}"),
                    at);
        }

        void compensated(String instanceId, String stepId, Instant at) {
            succeed(instanceId, stepId, instanceId + "/" + stepId + "/1/compensate/1", at);
        }

        void move(Duration by) {
            wallClock.now = wallClock.now.plus(by);
            driver.advanceWallClockTime(by);
        }

        List<String> earlyCommandIds(String topic) {
            return early.history().stream()
                    .filter(r -> r.topic().equals(topic))
                    .map(r -> json(r.value()).path("commandId").asText())
                    .toList();
        }

        List<TestRecord<byte[], byte[]>> read(String topic) {
            return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList();
        }

        List<DueTimer> timers() {
            var due = new java.util.ArrayList<DueTimer>();
            try (var all = driver.<String, byte[]>getKeyValueStore(OrchestratorTopology.TIMER_STORE)
                    .all()) {
                all.forEachRemaining(kv -> due.add(TimerCodec.read(kv.key, kv.value)));
            }
            return due;
        }
    }

    /** MockProducer partitions by the cluster it is given; these records name no partition and it has no cluster. */
    private static final class FirstPartition implements Partitioner {
        @Override
        public int partition(
                String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
            return 0;
        }

        @Override
        public void close() {}

        @Override
        public void configure(Map<String, ?> configs) {}
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
