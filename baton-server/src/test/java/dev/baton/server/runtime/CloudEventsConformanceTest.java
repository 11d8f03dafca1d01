package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.runtime.OrchestratorTopologyTest.MovableClock;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * Baton's records against the CloudEvents Kafka protocol binding (cloudevents/spec, kafka-protocol-binding.md): what
 * Baton writes is read back by the CloudEvents SDK as the events docs/protocol.md describes, and the binding's own
 * binary- and structured-mode examples are accepted as requests.
 */
class CloudEventsConformanceTest {
    static final WorkflowDefinition FLOW = WorkflowDefinition.builder("flow")
            .version(1)
            .step("first", s -> s.topic("first.commands"))
            .build();

    final MovableClock clock = new MovableClock(Instant.parse("2026-06-01T12:00:00.125Z"));
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> requests;
    TestInputTopic<byte[], byte[]> callbacks;

    @BeforeEach
    void start() {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "cloudevents-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                OrchestratorTopology.build(
                        OrchestratorSettings.newBuilder().clock(clock).build(),
                        new DefinitionRegistry(),
                        OrchestratorMetrics.discarding()),
                props,
                clock.instant());
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
    void shouldWriteTheBindingsBinaryModeHeadersOnce() {
        Headers headers = CloudEventRecords.headers(
                "com.example.someevent", "1234-1234-1234", "i-1", Instant.parse("2018-04-05T03:56:24Z"));
        List<String> names = new ArrayList<>();
        headers.forEach(h -> names.add(h.key()));
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time", "content-type");
        assertThat(text(headers, "ce_specversion")).isEqualTo("1.0");
        assertThat(text(headers, "ce_type")).isEqualTo("com.example.someevent");
        assertThat(text(headers, "ce_source")).isEqualTo("baton");
        assertThat(text(headers, "ce_id")).isEqualTo("1234-1234-1234");
        assertThat(text(headers, "ce_subject")).isEqualTo("i-1");
        assertThat(text(headers, "ce_time")).as("RFC 3339").isEqualTo("2018-04-05T03:56:24Z");
        assertThat(text(headers, "content-type")).isEqualTo("application/json");
    }

    @Test
    void shouldWriteRecordsTheSdkReadsAsTheDocumentedEvents() {
        requests.pipeInput(bytes("i-1"), bytes("{\"workflow\":\"flow\",\"input\":{\"a\":1}}"));
        TestRecord<byte[], byte[]> command = read("first.commands").get(0);
        callbacks.pipeInput(
                bytes("i-1"),
                bytes(
                        "{\"commandId\":\"i-1/first/1\",\"instanceId\":\"i-1\",\"stepId\":\"first\",\"status\":\"SUCCEEDED\"}"));
        TestRecord<byte[], byte[]> result = read("baton.results").get(0);
        List<TestRecord<byte[], byte[]>> status = read("baton.status");

        CloudEvent commandEvent = readBack("first.commands", command);
        assertThat(commandEvent.getType()).isEqualTo("dev.baton.command.v1");
        assertThat(commandEvent.getId()).isEqualTo("i-1/first/1");
        CloudEvent resultEvent = readBack("baton.results", result);
        assertThat(resultEvent.getType()).isEqualTo("dev.baton.result.v1");
        assertThat(resultEvent.getId()).isEqualTo("i-1/result");
        assertThat(status).hasSize(4); // InstanceStarted, StepStarted, StepCompleted, InstanceCompleted
        List<String> statusIds = new ArrayList<>();
        for (TestRecord<byte[], byte[]> s : status) {
            CloudEvent event = readBack("baton.status", s);
            assertThat(event.getType()).isEqualTo("dev.baton.status.v1");
            statusIds.add(event.getId());
        }
        assertThat(statusIds).doesNotHaveDuplicates();
    }

    @Test
    void shouldAcceptTheBindingsBinaryModeExampleAsARequest() {
        var headers = new RecordHeaders()
                .add("ce_specversion", bytes("1.0"))
                .add("ce_type", bytes("com.example.someevent"))
                .add("ce_source", bytes("/mycontext/subcontext"))
                .add("ce_id", bytes("1234-1234-1234"))
                .add("ce_time", bytes("2018-04-05T03:56:24Z"))
                .add("content-type", bytes("application/json"));
        requests.pipeInput(
                new TestRecord<>(bytes("i-2"), bytes("{\"workflow\":\"flow\",\"input\":{\"a\":2}}"), headers));
        List<TestRecord<byte[], byte[]>> commands = read("first.commands");
        assertThat(commands).hasSize(1);
        assertThat(OrchestratorTopologyTest.json(commands.get(0).value())
                        .path("input")
                        .path("a")
                        .asInt())
                .isEqualTo(2);
        assertThat(read("baton.dlq")).isEmpty();
    }

    @Test
    void shouldAcceptTheBindingsStructuredModeExampleAsARequest() {
        String event =
                "{\"specversion\":\"1.0\",\"type\":\"com.example.someevent\",\"source\":\"/mycontext/subcontext\","
                        + "\"id\":\"1234-1234-1234\",\"time\":\"2018-04-05T03:56:24Z\",\"datacontenttype\":\"application/json\","
                        + "\"data\":{\"workflow\":\"flow\",\"input\":{\"a\":3}}}";
        var headers = new RecordHeaders().add("content-type", bytes("application/cloudevents+json; charset=UTF-8"));
        requests.pipeInput(new TestRecord<>(bytes("i-3"), bytes(event), headers));
        List<TestRecord<byte[], byte[]>> commands = read("first.commands");
        assertThat(commands).hasSize(1);
        assertThat(OrchestratorTopologyTest.json(commands.get(0).value())
                        .path("input")
                        .path("a")
                        .asInt())
                .isEqualTo(3);

        String outcome =
                "{\"specversion\":\"1.0\",\"type\":\"dev.baton.outcome.v1\",\"source\":\"/workers/first\",\"id\":\"o-1\","
                        + "\"data\":{\"commandId\":\"i-3/first/1\",\"instanceId\":\"i-3\",\"stepId\":\"first\",\"status\":\"SUCCEEDED\"}}";
        callbacks.pipeInput(new TestRecord<>(
                bytes("i-3"),
                bytes(outcome),
                new RecordHeaders().add("content-type", bytes("application/cloudevents+json"))));
        assertThat(read("baton.results")).hasSize(1);
    }

    @Test
    void shouldDeadLetterAStructuredModeEventWithoutDataOrThatIsNoEvent() {
        var structured = new RecordHeaders().add("content-type", bytes("application/cloudevents+json"));
        requests.pipeInput(new TestRecord<>(
                bytes("i-4"),
                bytes("{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\",\"id\":\"1\"}"),
                structured));
        requests.pipeInput(new TestRecord<>(bytes("i-5"), bytes("{\"workflow\":\"flow\"}"), structured));
        List<TestRecord<byte[], byte[]>> dead = read("baton.dlq");
        assertThat(dead).hasSize(2);
        assertThat(text(dead.get(0).headers(), "baton.dlq.reason")).contains("has no data");
        assertThat(text(dead.get(1).headers(), "baton.dlq.reason")).contains("cannot be read as one");
        assertThat(read("first.commands")).isEmpty();
    }

    /** Reads a record with the SDK and checks what every Baton event has. */
    private CloudEvent readBack(String topic, TestRecord<byte[], byte[]> record) {
        try (var deserializer = new CloudEventDeserializer()) {
            CloudEvent event = deserializer.deserialize(topic, record.headers(), record.value());
            assertThat(event.getSpecVersion()).isEqualTo(SpecVersion.V1);
            assertThat(event.getSource()).isEqualTo(URI.create("baton"));
            assertThat(event.getSubject()).isEqualTo("i-1");
            assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse("2026-06-01T12:00:00.125Z"));
            assertThat(event.getDataContentType()).isEqualTo("application/json");
            assertThat(event.getData()).isNotNull();
            assertThat(event.getData().toBytes())
                    .as("the data is the record value, unchanged")
                    .isEqualTo(record.value());
            return event;
        }
    }

    private List<TestRecord<byte[], byte[]>> read(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
