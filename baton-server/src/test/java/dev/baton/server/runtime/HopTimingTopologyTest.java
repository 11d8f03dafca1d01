package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.tracing.Tracing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The benchmark's per-hop chain ({@code baton-hops}): stamped and passed on only with the setting on. */
class HopTimingTopologyTest {
    static final WorkflowDefinition ORDER = WorkflowDefinition.builder("order")
            .version(1)
            .step("reserve", s -> s.topic("reserve.commands"))
            .build();

    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> requests;
    TestInputTopic<byte[], byte[]> callbacks;

    void start(boolean hopTiming) {
        var settings = OrchestratorSettings.newBuilder().hopTiming(hopTiming).build();
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hops-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                OrchestratorTopology.build(
                        settings, new DefinitionRegistry(), OrchestratorMetrics.discarding(), Tracing.off()),
                props);
        var ser = new ByteArraySerializer();
        requests = driver.createInputTopic("baton.requests", ser, ser);
        callbacks = driver.createInputTopic("baton.callbacks", ser, ser);
        driver.createInputTopic("baton.definitions", ser, ser)
                .pipeInput(bytes("order:0000000001"), bytes(DefinitionWriter.toJson(ORDER)));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void eachPassAddsSeenAndSentToTheChainOfTheCommandsAndTheResult() {
        start(true);
        long before = micros();
        requests.pipeInput(new TestRecord<>(bytes("o-1"), bytes("{\"workflow\":\"order\"}"), hops("bench.sent=7")));
        TestRecord<byte[], byte[]> command = single(read("reserve.commands"));
        String chain = header(command, "baton-hops");
        List<Long> stamps = stamps(chain, "bench.sent", "orchestrator.seen", "orchestrator.sent");
        assertThat(stamps.get(0)).isEqualTo(7);
        assertThat(stamps.get(1)).isGreaterThanOrEqualTo(before);
        assertThat(stamps.get(2)).isGreaterThanOrEqualTo(stamps.get(1));
        assertThat(read("baton.status"))
                .as("status events are off the path")
                .isNotEmpty()
                .allSatisfy(s -> assertThat(header(s, "baton-hops")).isNull());

        String workerChain = chain + " worker.fetched=1 worker.started=2 worker.done=3";
        callbacks.pipeInput(new TestRecord<>(
                bytes("o-1"),
                bytes("{\"commandId\":\"o-1/reserve/1\",\"instanceId\":\"o-1\",\"stepId\":\"reserve\","
                        + "\"status\":\"SUCCEEDED\"}"),
                hops(workerChain)));
        String result = header(single(read("baton.results")), "baton-hops");
        assertThat(result).startsWith(workerChain + " orchestrator.seen=");
        stamps(result.substring(workerChain.length() + 1), "orchestrator.seen", "orchestrator.sent");
    }

    @Test
    void withTheSettingOffNothingIsStampedWhateverComesIn() {
        start(false);
        requests.pipeInput(new TestRecord<>(bytes("o-1"), bytes("{\"workflow\":\"order\"}"), hops("bench.sent=7")));

        assertThat(header(single(read("reserve.commands")), "baton-hops")).isNull();
    }

    @Test
    void anUntimedRequestGetsNoChain() {
        start(true);
        requests.pipeInput(bytes("o-1"), bytes("{\"workflow\":\"order\"}"));

        assertThat(header(single(read("reserve.commands")), "baton-hops")).isNull();
    }

    private static List<Long> stamps(String chain, String... names) {
        String[] tokens = chain.split(" ");
        assertThat(tokens).hasSize(names.length);
        var values = new java.util.ArrayList<Long>();
        for (int i = 0; i < names.length; i++) {
            assertThat(tokens[i]).startsWith(names[i] + "=");
            values.add(Long.parseLong(tokens[i].substring(names[i].length() + 1)));
        }
        return values;
    }

    private static org.apache.kafka.common.header.Headers hops(String chain) {
        return new RecordHeaders().add("baton-hops", chain.getBytes(StandardCharsets.US_ASCII));
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private List<TestRecord<byte[], byte[]>> read(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
