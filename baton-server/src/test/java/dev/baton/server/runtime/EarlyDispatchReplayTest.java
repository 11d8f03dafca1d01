package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.DefinitionWriter;
import dev.baton.server.tracing.Tracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The replay property behind early dispatch (issue 13, item 2): for any input log of an instance (its start, then
 * outcomes, duplicates, failures, compensations and a timer firing, in any order) and any crash, the replay from the
 * last commit sends byte for byte what the first pass sent from there on, and publishes the same results and status
 * events. A crash is modelled as Kafka Streams has it: the orchestrator had read up to record {@code k}, its last
 * commit was after record {@code c <= k}; a new orchestrator, at another wall-clock time, restores the stores as of
 * {@code c} and reads from {@code c} on. The commands sent for records {@code c..k} before the crash must then be the
 * start of what the replay sends: each one a command the replay stands by.
 */
class EarlyDispatchReplayTest {
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    private static final String ID = "o-1";
    private static final AtomicInteger DRIVERS = new AtomicInteger();
    private static final List<String> STORES = List.of(
            OrchestratorTopology.INSTANCE_STORE, OrchestratorTopology.TIMER_STORE, OrchestratorTopology.TRACE_STORE);
    private static final List<String> OUTPUTS =
            List.of("baton.status", "baton.results", "baton.dlq", "baton.requests", "a.commands", "b.commands");

    /** One record of the instance's input log: topic, value, headers; its time is given by the log. */
    record Input(String topic, byte[] value, RecordHeaders headers, String label) {
        @Override
        public String toString() {
            return label;
        }
    }

    @Property(tries = 60)
    void aReplayFromTheLastCommitSendsWhatTheFirstPassSent(
            @ForAll("logs") List<Input> log,
            @ForAll("gaps") List<Integer> gapsMillis,
            @ForAll @IntRange(min = 0, max = 100) int commitPercent,
            @ForAll @IntRange(min = 0, max = 100) int crashPercent) {
        List<Instant> times = new ArrayList<>();
        Instant t = T0;
        for (int i = 0; i < log.size(); i++) {
            times.add(t);
            t = t.plusMillis(gapsMillis.get(i % gapsMillis.size()));
        }
        int n = log.size();
        int c = n * commitPercent / 100;
        int k = c + (n - c) * crashPercent / 100;

        // The first pass, uninterrupted.
        try (var whole = new Orchestrator(T0)) {
            for (int i = 0; i < c; i++) {
                whole.pipe(log.get(i), times.get(i));
            }
            int sentAfterCommit = whole.early.history().size();
            whole.drainOutputs(); // what was published up to the commit is not replayed
            for (int i = c; i < n; i++) {
                whole.pipe(log.get(i), times.get(i));
            }
            List<String> firstPass = describe(whole.early
                    .history()
                    .subList(sentAfterCommit, whole.early.history().size()));
            List<String> firstPassOutputs = whole.drainOutputs();

            // The crashed pass: read up to k, committed at c; then the replay elsewhere, hours later.
            try (var crashed = new Orchestrator(T0)) {
                for (int i = 0; i < c; i++) {
                    crashed.pipe(log.get(i), times.get(i));
                }
                int sentAtCommit = crashed.early.history().size();
                try (var replay = new Orchestrator(T0.plus(Duration.ofHours(3)))) {
                    replay.restoreFrom(crashed);
                    for (int i = c; i < k; i++) {
                        crashed.pipe(log.get(i), times.get(i));
                    }
                    List<String> aborted = describe(crashed.early
                            .history()
                            .subList(sentAtCommit, crashed.early.history().size()));
                    for (int i = c; i < n; i++) {
                        replay.pipe(log.get(i), times.get(i));
                    }
                    List<String> replayed = describe(replay.early.history());

                    assertThat(replayed).as("commands sent by the replay").containsExactlyElementsOf(firstPass);
                    assertThat(replayed.subList(0, Math.min(aborted.size(), replayed.size())))
                            .as("the commands sent before the crash are the start of the replay's")
                            .containsExactlyElementsOf(aborted);
                    assertThat(aborted.size()).isLessThanOrEqualTo(replayed.size());
                    assertThat(replay.drainOutputs())
                            .as("results, status events and dead letters of the replay")
                            .containsExactlyElementsOf(firstPassOutputs);
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Input>> logs() {
        Arbitrary<Input> entry = Arbitraries.of(
                outcome("A", ID + "/A/1", true),
                outcome("A", ID + "/A/1", false),
                outcome("B", ID + "/B/1", true),
                outcome("B", ID + "/B/1", false),
                outcome("C", ID + "/C/1", true),
                outcome("D", ID + "/D/1", true),
                outcome("D", ID + "/D/1", false),
                outcome("A", ID + "/A/1/compensate/1", true),
                outcome("C", ID + "/C/1/compensate/1", true),
                timeoutOfB());
        Arbitrary<Input> start = Arbitraries.of(new Input(
                "baton.requests",
                bytes("{\"workflow\":\"article\",\"version\":1,\"input\":{\"sku\":\"book-42\"}}"),
                new RecordHeaders(),
                "start"));
        return Combinators.combine(
                        start,
                        entry.list().ofMaxSize(14),
                        Arbitraries.integers().between(0, 3))
                .as((s, rest, at) -> {
                    var log = new ArrayList<>(rest);
                    log.add(Math.min(at, log.size()), s); // mostly first; an outcome before it is dead-lettered
                    return log;
                });
    }

    @Provide
    Arbitrary<List<Integer>> gaps() {
        return Arbitraries.integers().between(1, 20_000).list().ofMinSize(1).ofMaxSize(16);
    }

    private static Input outcome(String stepId, String commandId, boolean succeeded) {
        String value = "{\"commandId\":\"" + commandId + "\",\"instanceId\":\"" + ID + "\",\"stepId\":\"" + stepId
                + "\",\"status\":\""
                + (succeeded
                        ? "SUCCEEDED\",\"output\":{\"by\":\"" + stepId + "\"}}"
                        : "FAILED\",\"error\":{\"type\":\"Boom\",\"message\":\"no\"}}");
        return new Input(
                "baton.callbacks", bytes(value), new RecordHeaders(), commandId + (succeeded ? " ok" : " failed"));
    }

    /** B's timeout as the orchestrator writes it to the requests topic when it is due (see InstanceProcessor). */
    private static Input timeoutOfB() {
        DueTimer due = DueTimer.stepTimeout(ID, "B", ID + "/B/1", T0.plusSeconds(31));
        var headers = new RecordHeaders();
        headers.add(InstanceProcessor.TIMER_HEADER, due.key().getBytes(StandardCharsets.UTF_8));
        return new Input("baton.requests", TimerCodec.write(due), headers, "timeout of B");
    }

    private static List<String> describe(List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> r.topic() + "|" + r.timestamp() + "|" + new String(r.key(), StandardCharsets.UTF_8) + "|"
                        + new String(r.value(), StandardCharsets.UTF_8) + "|" + headers(r.headers()))
                .toList();
    }

    private static String headers(Iterable<Header> headers) {
        var s = new StringBuilder();
        for (Header h : headers) {
            s.append(h.key()).append('=').append(Arrays.toString(h.value())).append(';');
        }
        return s.toString();
    }

    /**
     * A dead letter names its record's offset; the test driver numbers the replay's input from 0, where Kafka would
     * read it at the offsets of the first pass.
     */
    private static String headersButOffset(Iterable<Header> headers) {
        var s = new StringBuilder();
        for (Header h : headers) {
            if (!h.key().equals("baton.dlq.offset")) {
                s.append(h.key()).append('=').append(Arrays.toString(h.value())).append(';');
            }
        }
        return s.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One orchestrator under early dispatch: a test driver on a fixed wall clock and its early producer. */
    private static final class Orchestrator implements AutoCloseable {
        final MockProducer<byte[], byte[]> early =
                new MockProducer<>(true, new FirstPartition(), new ByteArraySerializer(), new ByteArraySerializer());
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> requests;
        final TestInputTopic<byte[], byte[]> callbacks;

        Orchestrator(Instant wallClock) {
            var settings = OrchestratorSettings.newBuilder()
                    .clock(new OrchestratorTopologyTest.MovableClock(wallClock))
                    .earlyDispatch(true)
                    .build();
            var props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "replay-" + DRIVERS.incrementAndGet());
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
                    wallClock);
            var ser = new ByteArraySerializer();
            requests = driver.createInputTopic("baton.requests", ser, ser);
            callbacks = driver.createInputTopic("baton.callbacks", ser, ser);
            driver.createInputTopic("baton.definitions", ser, ser)
                    .pipeInput(
                            bytes("article:0000000001"),
                            bytes(DefinitionWriter.toJson(EarlyDispatchTopologyTest.ARTICLE.withVersion(1))),
                            T0);
        }

        void pipe(Input input, Instant at) {
            var topic = input.topic().equals("baton.requests") ? requests : callbacks;
            topic.pipeInput(new TestRecord<>(bytes(ID), input.value(), input.headers(), at));
        }

        /** The stores as the last commit of {@code crashed} left them: what Kafka Streams restores from changelogs. */
        void restoreFrom(Orchestrator crashed) {
            for (String name : STORES) {
                var to = driver.<String, byte[]>getKeyValueStore(name);
                try (var all =
                        crashed.driver.<String, byte[]>getKeyValueStore(name).all()) {
                    all.forEachRemaining(kv -> to.put(kv.key, kv.value));
                }
            }
        }

        /** Everything written to the transaction's topics since the last call, described byte for byte. */
        List<String> drainOutputs() {
            var out = new ArrayList<String>();
            for (String topic : OUTPUTS) {
                for (var r : driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                        .readRecordsToList()) {
                    out.add(topic + "|" + r.timestamp() + "|" + new String(r.key(), StandardCharsets.UTF_8) + "|"
                            + new String(r.value(), StandardCharsets.UTF_8) + "|" + headersButOffset(r.headers()));
                }
            }
            return out;
        }

        @Override
        public void close() {
            driver.close();
        }
    }

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
}
