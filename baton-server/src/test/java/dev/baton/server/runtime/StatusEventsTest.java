package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code statusEvents: instance} through the real topology: the same story told to two orchestrators, one writing
 * every notification and one writing only the instance's own; the second's status topic is exactly the first's less
 * each step's progress, and nothing else they write differs by a byte.
 */
class StatusEventsTest {
    /** The article's workflow with compensation, as the early-dispatch stories tell it. */
    static final WorkflowDefinition ARTICLE = EarlyDispatchTopologyTest.ARTICLE;

    static final List<String> TOPICS =
            List.of("a.commands", "b.commands", "c.commands", "d.commands", "baton.results", "baton.dlq");

    final List<TopologyTestDriver> drivers = new ArrayList<>();

    @AfterEach
    void stop() {
        drivers.forEach(TopologyTestDriver::close);
    }

    @Test
    void shouldWriteOnlyTheInstancesOwnNotificationsAndEveryProblemButNoStepProgress() {
        Map<String, List<TestRecord<byte[], byte[]>>> all = tellTheStory(StatusEvents.ALL);
        Map<String, List<TestRecord<byte[], byte[]>>> instance = tellTheStory(StatusEvents.INSTANCE);

        assertThat(types(all.get("baton.status")))
                .contains("StepStarted", "StepCompleted", "CompensationStarted", "CompensationCompleted");
        assertThat(types(instance.get("baton.status")))
                .containsExactly(
                        // s-1: four steps, all succeed
                        "InstanceStarted",
                        "InstanceCompleted",
                        // s-2: B fails, C and A are compensated
                        "InstanceStarted",
                        "StepFailed",
                        "InstanceFailing",
                        "InstanceCompleted",
                        // a late duplicate of s-1's outcome, and a second start of s-1
                        "OutcomeIgnored",
                        "RequestIgnored");
        assertThat(described(instance.get("baton.status")))
                .as("the same records, ids and time as among all of them")
                .isEqualTo(described(all.get("baton.status").stream()
                        .filter(r -> types(List.of(r)).get(0).matches("Instance.*|StepFailed|.*Ignored"))
                        .toList()));
        for (String topic : TOPICS) {
            assertThat(described(instance.get(topic))).as(topic).isEqualTo(described(all.get(topic)));
        }
        assertThat(instance.get("baton.results")).hasSize(2);
    }

    @Test
    void shouldReadTheChoiceInLowerCaseAndNameTheValuesAllowedForAnyOther() {
        assertThat(StatusEvents.parse("instance")).isEqualTo(StatusEvents.INSTANCE);
        assertThat(StatusEvents.parse(" ALL ")).isEqualTo(StatusEvents.ALL);
        assertThat(OrchestratorSettings.newBuilder().build().statusEvents()).isEqualTo(StatusEvents.ALL);
        assertThatThrownBy(() -> StatusEvents.parse("steps"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("status events must be 'all' or 'instance', not 'steps'");
    }

    /** Two instances and two meaningless records, told at fixed times; every topic's records afterwards. */
    private Map<String, List<TestRecord<byte[], byte[]>>> tellTheStory(StatusEvents choice) {
        var clock = new OrchestratorTopologyTest.MovableClock(Instant.parse("2026-06-01T12:00:00Z"));
        var settings = OrchestratorSettings.newBuilder()
                .clock(clock)
                .statusEvents(choice)
                .build();
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "status-events-test-" + choice); // two drivers, two stores
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        var driver = new TopologyTestDriver(
                OrchestratorTopology.build(settings, new DefinitionRegistry(), OrchestratorMetrics.discarding()),
                props,
                clock.instant());
        drivers.add(driver);
        var ser = new ByteArraySerializer();
        driver.createInputTopic("baton.definitions", ser, ser)
                .pipeInput(utf8("article:0000000001"), utf8(DefinitionWriter.toJson(ARTICLE)));
        TestInputTopic<byte[], byte[]> requests = driver.createInputTopic("baton.requests", ser, ser);
        TestInputTopic<byte[], byte[]> callbacks = driver.createInputTopic("baton.callbacks", ser, ser);

        requests.pipeInput(utf8("s-1"), utf8("{\"workflow\":\"article\"}"));
        for (String step : List.of("A", "B", "C", "D")) {
            callbacks.pipeInput(utf8("s-1"), outcome("s-1", step, "SUCCEEDED"));
        }
        requests.pipeInput(utf8("s-2"), utf8("{\"workflow\":\"article\"}"));
        callbacks.pipeInput(utf8("s-2"), outcome("s-2", "A", "SUCCEEDED"));
        callbacks.pipeInput(utf8("s-2"), outcome("s-2", "C", "SUCCEEDED"));
        callbacks.pipeInput(utf8("s-2"), outcome("s-2", "B", "FAILED"));
        callbacks.pipeInput(utf8("s-2"), compensated("s-2", "C"));
        callbacks.pipeInput(utf8("s-2"), compensated("s-2", "A"));
        callbacks.pipeInput(utf8("s-1"), outcome("s-1", "D", "SUCCEEDED"));
        requests.pipeInput(utf8("s-1"), utf8("{\"workflow\":\"article\"}"));

        var out = new LinkedHashMap<String, List<TestRecord<byte[], byte[]>>>();
        for (String topic : new ArrayList<>(TOPICS) {
            {
                add("baton.status");
            }
        }) {
            out.put(
                    topic,
                    driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                            .readRecordsToList());
        }
        return out;
    }

    private static byte[] outcome(String instanceId, String stepId, String status) {
        return utf8("{\"commandId\":\"" + instanceId + "/" + stepId + "/1\",\"instanceId\":\"" + instanceId
                + "\",\"stepId\":\"" + stepId + "\",\"status\":\"" + status + "\""
                + (status.equals("FAILED") ? ",\"error\":{\"type\":\"OUT_OF_STOCK\",\"message\":\"none left\"}" : "")
                + "}");
    }

    private static byte[] compensated(String instanceId, String stepId) {
        return utf8("{\"commandId\":\"" + instanceId + "/" + stepId + "/1/compensate/1\",\"instanceId\":\"" + instanceId
                + "\",\"stepId\":\"" + stepId + "\",\"status\":\"SUCCEEDED\"}");
    }

    /** A record as text: key, value and every header, so that two lists compare byte for byte. */
    private static List<String> described(List<TestRecord<byte[], byte[]>> records) {
        var out = new ArrayList<String>();
        for (var r : records) {
            var s = new StringBuilder(new String(r.key(), StandardCharsets.UTF_8))
                    .append(" = ")
                    .append(new String(r.value(), StandardCharsets.UTF_8));
            for (Header h : r.headers()) {
                s.append(" | ")
                        .append(h.key())
                        .append(": ")
                        .append(h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
            }
            out.add(s.toString());
        }
        return out;
    }

    private static List<String> types(List<TestRecord<byte[], byte[]>> status) {
        return status.stream()
                .map(r -> {
                    try {
                        return Json.mapper().readTree(r.value()).path("type").asText();
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
