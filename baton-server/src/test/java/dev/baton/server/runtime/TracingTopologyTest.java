package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.runtime.OrchestratorTopologyTest.MovableClock;
import dev.baton.server.tracing.InstanceTrace;
import dev.baton.server.tracing.TraceContext;
import dev.baton.server.tracing.TraceParent;
import dev.baton.server.tracing.Tracing;
import dev.baton.server.tracing.TracingSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One trace per instance, a span per step attempt and compensation, and the trace context every record carries. */
class TracingTopologyTest {
    static final WorkflowDefinition ORDER = WorkflowDefinition.builder("order")
            .version(1)
            .step("reserve", s -> s.topic("reserve.commands").compensate("reserve.undo"))
            .step("charge", s -> s.topic("charge.commands").after("reserve").timeout(Duration.ofSeconds(5)))
            .build();
    static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN = "00f067aa0ba902b7";
    static final String CALLER = "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01";

    final MovableClock clock = new MovableClock(Instant.parse("2026-06-01T12:00:00Z"));
    final InMemorySpanExporter exported = InMemorySpanExporter.create();
    Tracing tracing;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> requests;
    TestInputTopic<byte[], byte[]> callbacks;

    void start(TracingSettings tracingSettings) {
        var settings = OrchestratorSettings.newBuilder()
                .clock(clock)
                .tracing(tracingSettings)
                .build();
        tracing = Tracing.start(tracingSettings);
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tracing-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                OrchestratorTopology.build(
                        settings, new DefinitionRegistry(), OrchestratorMetrics.discarding(), tracing),
                props,
                clock.instant());
        var ser = new ByteArraySerializer();
        requests = driver.createInputTopic("baton.requests", ser, ser);
        callbacks = driver.createInputTopic("baton.callbacks", ser, ser);
        driver.createInputTopic("baton.definitions", ser, ser)
                .pipeInput(bytes("order:0000000001"), bytes(DefinitionWriter.toJson(ORDER)));
    }

    @AfterEach
    void stop() {
        driver.close();
        tracing.close();
    }

    @Test
    void shouldMakeTheInstanceOneTraceInTheCallersTraceWithASpanPerStep() {
        start(TracingSettings.exportingTo(exported, "baton-test"));
        var headers = new RecordHeaders().add("traceparent", bytes(CALLER)).add("tracestate", bytes("vendor=opaque"));
        requests.pipeInput(new TestRecord<>(bytes("o-1"), bytes("{\"workflow\":\"order\"}"), headers));
        TestRecord<byte[], byte[]> reserve = single(read("reserve.commands"));
        clock.now = clock.now.plusMillis(250);
        callbacks.pipeInput(outcome("o-1", "reserve", "SUCCEEDED", reserve));
        TestRecord<byte[], byte[]> charge = single(read("charge.commands"));
        clock.now = clock.now.plusMillis(500);
        // A worker that drops the headers: the instance's trace comes from the store, not from this record.
        callbacks.pipeInput(
                bytes("o-1"),
                bytes(
                        "{\"commandId\":\"o-1/charge/1\",\"instanceId\":\"o-1\",\"stepId\":\"charge\",\"status\":\"SUCCEEDED\"}"));
        TestRecord<byte[], byte[]> result = single(read("baton.results"));
        tracing.flush(Duration.ofSeconds(5));

        Map<String, SpanData> spans = byName(exported.getFinishedSpanItems());
        assertThat(spans).containsOnlyKeys("workflow order", "step reserve", "step charge");
        SpanData instance = spans.get("workflow order");
        assertThat(instance.getTraceId()).isEqualTo(CALLER_TRACE);
        assertThat(instance.getParentSpanId())
                .as("a child of the requester's span")
                .isEqualTo(CALLER_SPAN);
        assertThat(instance.getParentSpanContext().isRemote()).isTrue();
        assertThat(instance.getStartEpochNanos()).isEqualTo(nanos(Instant.parse("2026-06-01T12:00:00Z")));
        assertThat(instance.getEndEpochNanos()).isEqualTo(nanos(Instant.parse("2026-06-01T12:00:00.750Z")));
        assertThat(instance.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
        assertThat(instance.getAttributes().get(AttributeKey.stringKey("baton.instance.id")))
                .isEqualTo("o-1");
        assertThat(instance.getAttributes().get(AttributeKey.longKey("baton.workflow.version")))
                .isEqualTo(1L);
        assertThat(instance.getResource().getAttribute(AttributeKey.stringKey("service.name")))
                .isEqualTo("baton-test");

        SpanData reserveSpan = spans.get("step reserve");
        SpanData chargeSpan = spans.get("step charge");
        for (SpanData step : List.of(reserveSpan, chargeSpan)) {
            assertThat(step.getTraceId()).isEqualTo(CALLER_TRACE);
            assertThat(step.getParentSpanId()).isEqualTo(instance.getSpanId());
            assertThat(step.getAttributes().get(AttributeKey.stringKey("baton.outcome")))
                    .isEqualTo("SUCCEEDED");
        }
        assertThat(reserveSpan.getEndEpochNanos() - reserveSpan.getStartEpochNanos())
                .isEqualTo(250_000_000L);
        assertThat(chargeSpan.getAttributes().get(AttributeKey.stringKey("baton.command.id")))
                .isEqualTo("o-1/charge/1");
        assertThat(chargeSpan.getAttributes().get(AttributeKey.longKey("baton.step.attempt")))
                .isEqualTo(1L);

        assertThat(header(reserve, "traceparent"))
                .as("the command carries its step span, for the worker's spans to nest under")
                .isEqualTo("00-" + CALLER_TRACE + "-" + reserveSpan.getSpanId() + "-01");
        assertThat(header(charge, "traceparent"))
                .isEqualTo("00-" + CALLER_TRACE + "-" + chargeSpan.getSpanId() + "-01");
        assertThat(header(charge, "tracestate")).isEqualTo("vendor=opaque");
        assertThat(header(result, "traceparent")).isEqualTo("00-" + CALLER_TRACE + "-" + instance.getSpanId() + "-01");
        assertThat(read("baton.status"))
                .allSatisfy(s -> assertThat(header(s, "traceparent")).contains(CALLER_TRACE));
    }

    @Test
    void shouldSpanTheCompensationAndDeriveTheTraceFromTheInstanceWhenNobodyTracedTheRequest() {
        start(TracingSettings.exportingTo(exported, "baton-test"));
        requests.pipeInput(bytes("o-2"), bytes("{\"workflow\":\"order\"}"));
        callbacks.pipeInput(outcome("o-2", "reserve", "SUCCEEDED", single(read("reserve.commands"))));
        clock.now = clock.now.plusSeconds(1);
        callbacks.pipeInput(
                bytes("o-2"),
                bytes(
                        "{\"commandId\":\"o-2/charge/1\",\"instanceId\":\"o-2\",\"stepId\":\"charge\","
                                + "\"status\":\"FAILED\",\"error\":{\"type\":\"CardDeclined\",\"message\":\"declined\"},\"attempts\":3}"));
        TestRecord<byte[], byte[]> undo = single(read("reserve.undo"));
        clock.now = clock.now.plusSeconds(1);
        callbacks.pipeInput(outcome("o-2", "reserve", "SUCCEEDED", undo));
        assertThat(read("baton.results")).hasSize(1);
        tracing.flush(Duration.ofSeconds(5));

        Map<String, SpanData> spans = byName(exported.getFinishedSpanItems());
        assertThat(spans).containsOnlyKeys("workflow order", "step reserve", "step charge", "compensate reserve");
        InstanceTrace expected =
                InstanceTrace.recording("o-2", Instant.parse("2026-06-01T12:00:00Z"), TraceContext.NONE);
        SpanData instance = spans.get("workflow order");
        assertThat(instance.getTraceId())
                .as("derived from the instance, the same in every process")
                .isEqualTo(expected.instanceSpan().traceId());
        assertThat(instance.getSpanId()).isEqualTo(expected.instanceSpan().spanId());
        assertThat(instance.getParentSpanContext().isValid()).as("a root span").isFalse();
        assertThat(instance.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(instance.getStatus().getDescription()).isEqualTo("CardDeclined: declined");
        assertThat(instance.getAttributes().get(AttributeKey.stringKey("baton.outcome")))
                .isEqualTo("FAILED");

        SpanData charge = spans.get("step charge");
        assertThat(charge.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(charge.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo("CardDeclined");
        assertThat(charge.getAttributes().get(AttributeKey.longKey("baton.worker.attempts")))
                .isEqualTo(3L);

        SpanData compensation = spans.get("compensate reserve");
        assertThat(compensation.getParentSpanId()).isEqualTo(instance.getSpanId());
        assertThat(compensation.getTraceId()).isEqualTo(instance.getTraceId());
        assertThat(compensation.getAttributes().get(AttributeKey.stringKey("baton.outcome")))
                .isEqualTo("COMPENSATED");
        assertThat(compensation.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
        assertThat(compensation.getEndEpochNanos() - compensation.getStartEpochNanos())
                .isEqualTo(1_000_000_000L);
        assertThat(header(undo, "traceparent"))
                .isEqualTo("00-" + instance.getTraceId() + "-" + compensation.getSpanId() + "-01");
        assertThat(spans.values()).extracting(SpanData::getSpanId).doesNotHaveDuplicates();
    }

    @Test
    void shouldEndAStepSpanWhenTheStepTimesOut() {
        start(TracingSettings.exportingTo(exported, "baton-test"));
        requests.pipeInput(bytes("o-3"), bytes("{\"workflow\":\"order\"}"));
        callbacks.pipeInput(outcome("o-3", "reserve", "SUCCEEDED", single(read("reserve.commands"))));
        move(Duration.ofSeconds(6));
        tracing.flush(Duration.ofSeconds(5));

        SpanData charge = byName(exported.getFinishedSpanItems()).get("step charge");
        assertThat(charge).isNotNull();
        assertThat(charge.getAttributes().get(AttributeKey.stringKey("baton.outcome")))
                .isEqualTo("TIMED_OUT");
        assertThat(charge.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void shouldRecordNothingForAnUnsampledTraceButStillPassItOn() {
        start(TracingSettings.exportingTo(exported, "baton-test"));
        String unsampled = "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-00";
        requests.pipeInput(new TestRecord<>(
                bytes("o-4"),
                bytes("{\"workflow\":\"order\"}"),
                new RecordHeaders().add("traceparent", bytes(unsampled))));
        TestRecord<byte[], byte[]> reserve = single(read("reserve.commands"));
        callbacks.pipeInput(outcome("o-4", "reserve", "SUCCEEDED", reserve));
        tracing.flush(Duration.ofSeconds(5));

        assertThat(exported.getFinishedSpanItems()).isEmpty();
        TraceParent carried = TraceParent.parse(header(reserve, "traceparent")).orElseThrow();
        assertThat(carried.traceId()).isEqualTo(CALLER_TRACE);
        assertThat(carried.sampled()).isFalse();
    }

    @Test
    void shouldPassTheRequestersContextOnUnchangedWhenTracingIsOff() {
        start(TracingSettings.off());
        requests.pipeInput(new TestRecord<>(
                bytes("o-5"),
                bytes("{\"workflow\":\"order\"}"),
                new RecordHeaders().add("traceparent", bytes(CALLER)).add("tracestate", bytes("vendor=opaque"))));
        TestRecord<byte[], byte[]> reserve = single(read("reserve.commands"));
        assertThat(header(reserve, "traceparent")).isEqualTo(CALLER);
        assertThat(header(reserve, "tracestate")).isEqualTo("vendor=opaque");
        // No headers on the outcome, and a timeout comes from no record at all: the stored context still goes on.
        callbacks.pipeInput(
                bytes("o-5"),
                bytes(
                        "{\"commandId\":\"o-5/reserve/1\",\"instanceId\":\"o-5\",\"stepId\":\"reserve\",\"status\":\"SUCCEEDED\"}"));
        assertThat(header(single(read("charge.commands")), "traceparent")).isEqualTo(CALLER);
        move(Duration.ofSeconds(6));
        assertThat(header(single(read("reserve.undo")), "traceparent")).isEqualTo(CALLER);
        assertThat(exported.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void shouldForgetTheTraceContextWithTheInstance() {
        start(TracingSettings.off());
        requests.pipeInput(new TestRecord<>(
                bytes("o-6"),
                bytes("{\"workflow\":\"order\"}"),
                new RecordHeaders().add("traceparent", bytes(CALLER))));
        var store = driver.<String, byte[]>getKeyValueStore(OrchestratorTopology.TRACE_STORE);
        assertThat(store.get("o-6")).isNotNull();
        callbacks.pipeInput(
                bytes("o-6"),
                bytes(
                        "{\"commandId\":\"o-6/reserve/1\",\"instanceId\":\"o-6\",\"stepId\":\"reserve\",\"status\":\"FAILED\"}"));
        move(Duration.ofDays(8)); // past the default retention of 7 days
        assertThat(driver.<String, byte[]>getKeyValueStore(OrchestratorTopology.INSTANCE_STORE)
                        .get("o-6"))
                .isNull();
        assertThat(store.get("o-6")).isNull();
    }

    private TestRecord<byte[], byte[]> outcome(
            String instanceId, String stepId, String status, TestRecord<byte[], byte[]> command) {
        String commandId =
                OrchestratorTopologyTest.json(command.value()).path("commandId").asText();
        var headers = new RecordHeaders();
        String traceparent = header(command, "traceparent");
        if (traceparent != null) { // as the worker SDK does
            headers.add("traceparent", bytes(traceparent));
        }
        return new TestRecord<>(
                bytes(instanceId),
                bytes("{\"commandId\":\"" + commandId + "\",\"instanceId\":\"" + instanceId + "\",\"stepId\":\""
                        + stepId + "\",\"status\":\"" + status + "\"}"),
                headers);
    }

    private static Map<String, SpanData> byName(List<SpanData> spans) {
        return spans.stream().collect(Collectors.toMap(SpanData::getName, Function.identity()));
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private void move(Duration d) {
        clock.now = clock.now.plus(d);
        driver.advanceWallClockTime(d);
    }

    private List<TestRecord<byte[], byte[]>> read(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
