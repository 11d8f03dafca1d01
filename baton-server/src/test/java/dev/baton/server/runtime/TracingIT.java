package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.tracing.TraceContext;
import dev.baton.server.tracing.TraceParent;
import dev.baton.server.tracing.TracingSettings;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator on a real broker sends its spans over real OTLP/HTTP to a receiver on 127.0.0.1, which decodes
 * them with the OTLP protobuf definitions: one trace, in the requester's trace, with a span per step.
 */
class TracingIT {
    static final String CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final String CALLER_SPAN = "b7ad6b7169203331";

    @TempDir
    Path dir;

    record Received(Span span, String serviceName) {}

    @Test
    void shouldExportOneTracePerInstanceOverOtlpHttpAndCarryItsSpansOnTheCommands() throws Exception {
        var received = new CopyOnWriteArrayList<Received>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            var request = ExportTraceServiceRequest.parseFrom(
                    exchange.getRequestBody().readAllBytes());
            for (ResourceSpans rs : request.getResourceSpansList()) {
                String service = rs.getResource().getAttributesList().stream()
                        .filter(a -> a.getKey().equals("service.name"))
                        .map(a -> a.getValue().getStringValue())
                        .findFirst()
                        .orElse(null);
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    ss.getSpansList().forEach(s -> received.add(new Received(s, service)));
                }
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        receiver.start();
        URI endpoint = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort());
        try (var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                var orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .applicationId("it-tracing")
                                .stateDir(dir.resolve("streams"))
                                .partitions(1)
                                .tracing(TracingSettings.otlp(
                                        endpoint, TracingSettings.Protocol.HTTP_PROTOBUF, "baton-it"))
                                .build())
                        .start(Duration.ofSeconds(60));
                var worker = new PlainKafkaWorker(kafka.bootstrapServers(), "traced.commands");
                var commands = new TopicReader(kafka.bootstrapServers(), "traced.commands")) {
            orchestrator.deploy(WorkflowDefinition.builder("traced")
                    .step("a", s -> s.topic("traced.commands"))
                    .step("b", s -> s.topic("traced.commands").after("a"))
                    .build());
            orchestrator.start(
                    "t-1",
                    new StartRequest("traced", null, Map.of("x", 1), null),
                    TraceContext.of("00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01", null));

            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            received.stream().anyMatch(r -> r.span().getName().equals("workflow traced")));
            Map<String, Span> spans =
                    received.stream().map(Received::span).collect(Collectors.toMap(Span::getName, Function.identity()));
            assertThat(spans).containsOnlyKeys("workflow traced", "step a", "step b");
            assertThat(received).allSatisfy(r -> assertThat(r.serviceName()).isEqualTo("baton-it"));
            Span instance = spans.get("workflow traced");
            assertThat(hex(instance.getTraceId())).isEqualTo(CALLER_TRACE);
            assertThat(hex(instance.getParentSpanId())).isEqualTo(CALLER_SPAN);
            assertThat(attribute(instance, "baton.instance.id")).isEqualTo("t-1");
            for (String step : List.of("step a", "step b")) {
                assertThat(hex(spans.get(step).getTraceId())).isEqualTo(CALLER_TRACE);
                assertThat(spans.get(step).getParentSpanId()).isEqualTo(instance.getSpanId());
                assertThat(spans.get(step).getEndTimeUnixNano())
                        .isGreaterThanOrEqualTo(spans.get(step).getStartTimeUnixNano());
            }

            List<TraceParent> carried = commands.records().stream()
                    .map(r -> TraceParent.parse(TopicReader.header(r, "traceparent"))
                            .orElseThrow())
                    .toList();
            assertThat(carried).hasSize(2);
            assertThat(carried).extracting(TraceParent::traceId).containsOnly(CALLER_TRACE);
            assertThat(carried)
                    .extracting(TraceParent::spanId)
                    .containsExactlyInAnyOrder(
                            hex(spans.get("step a").getSpanId()),
                            hex(spans.get("step b").getSpanId()));
        } finally {
            receiver.stop(0);
        }
    }

    private static String attribute(Span span, String key) {
        return span.getAttributesList().stream()
                .filter(a -> a.getKey().equals(key))
                .map(KeyValue::getValue)
                .map(v -> v.getStringValue())
                .findFirst()
                .orElse(null);
    }

    private static String hex(com.google.protobuf.ByteString id) {
        return HexFormat.of().formatHex(id.toByteArray());
    }
}
