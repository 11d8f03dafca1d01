package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.protocol.InstanceCodec;
import dev.baton.protocol.Json;
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
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A forEach step through the real topology: item results stored apart from the instance, and forgotten with it. */
class ForEachTopologyTest {
    static final WorkflowDefinition LINES = WorkflowDefinition.builder("lines")
            .version(1)
            .step(
                    "B",
                    s -> s.topic("b.commands")
                            .forEach(new dev.baton.definition.ForEach(
                                    dev.baton.definition.DataPath.parse("$.request.lines"),
                                    2,
                                    dev.baton.definition.ForEach.Tolerance.NONE)))
            .build();

    final OrchestratorTopologyTest.MovableClock clock =
            new OrchestratorTopologyTest.MovableClock(Instant.parse("2026-06-01T12:00:00Z"));
    final OrchestratorSettings settings = OrchestratorSettings.newBuilder()
            .clock(clock)
            .timerResolution(Duration.ofMillis(100))
            .retention(Duration.ofMinutes(10))
            .build();
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> requests;
    TestInputTopic<byte[], byte[]> callbacks;

    @BeforeEach
    void start() {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "for-each-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                OrchestratorTopology.build(
                        settings, new DefinitionRegistry(), new OrchestratorMetrics(new SimpleMeterRegistry())),
                props,
                clock.instant());
        var ser = new ByteArraySerializer();
        requests = driver.createInputTopic("baton.requests", ser, ser);
        callbacks = driver.createInputTopic("baton.callbacks", ser, ser);
        driver.createInputTopic("baton.definitions", ser, ser)
                .pipeInput(bytes("lines:0000000001"), bytes(DefinitionWriter.toJson(LINES)));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldStoreEachItemApartCollectTheOutputsInOrderAndForgetThemWithTheInstance() throws Exception {
        requests.pipeInput(bytes("o-1"), bytes("{\"workflow\":\"lines\",\"input\":{\"lines\":[\"x\",\"y\",\"z\"]}}"));
        List<String> sent = commandIds();
        assertThat(sent).containsExactly("o-1/B#0/1", "o-1/B#1/1");

        answer("o-1/B#1/1", "\"out-y\"");
        assertThat(commandIds()).containsExactly("o-1/B#2/1");
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(OrchestratorTopology.INSTANCE_STORE);
        assertThat(InstanceCodec.readItem(store.get(ItemKeys.of("o-1", "B", 1))).output())
                .isEqualTo("out-y");
        assertThat(InstanceCodec.read(store.get("o-1")).step("B").output())
                .as("the instance carries no item output while the step runs")
                .isNull();

        answer("o-1/B#2/1", "\"out-z\"");
        answer("o-1/B#0/1", "\"out-x\"");

        var results = driver.createOutputTopic(
                        "baton.results", new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
        assertThat(results).hasSize(1);
        JsonNode result = Json.mapper().readTree(results.get(0).value());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("B").toString()).isEqualTo("[\"out-x\",\"out-y\",\"out-z\"]");

        clock.now = clock.now.plus(Duration.ofMinutes(11));
        driver.advanceWallClockTime(Duration.ofMinutes(11));
        assertThat(store.get("o-1")).isNull();
        for (int i = 0; i < 3; i++) {
            assertThat(store.get(ItemKeys.of("o-1", "B", i)))
                    .as("item %d forgotten", i)
                    .isNull();
        }
    }

    private void answer(String commandId, String output) {
        callbacks.pipeInput(
                bytes("o-1"),
                bytes("{\"commandId\":\"" + commandId + "\",\"instanceId\":\"o-1\",\"stepId\":\"B\","
                        + "\"status\":\"SUCCEEDED\",\"output\":" + output + "}"));
    }

    private List<String> commandIds() {
        return driver
                .createOutputTopic("b.commands", new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList()
                .stream()
                .map(r -> OrchestratorTopologyTest.json(r.value())
                        .path("commandId")
                        .asText())
                .toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
