package dev.baton.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.server.tracing.TracingSettings.Protocol;
import java.net.URI;
import org.junit.jupiter.api.Test;

class TracingSettingsTest {

    @Test
    void shouldBeOffByDefault() {
        assertThat(TracingSettings.off().isOn()).isFalse();
        assertThat(Tracing.start(TracingSettings.off()).isOn()).isFalse();
    }

    @Test
    void shouldPostHttpProtobufToTheTracesPathUnlessGivenOne() {
        assertThat(TracingSettings.otlp(URI.create("http://127.0.0.1:4318"), Protocol.HTTP_PROTOBUF, null)
                        .exportUrl())
                .isEqualTo("http://127.0.0.1:4318/v1/traces");
        assertThat(TracingSettings.otlp(URI.create("http://127.0.0.1:4318/"), Protocol.HTTP_PROTOBUF, null)
                        .exportUrl())
                .isEqualTo("http://127.0.0.1:4318/v1/traces");
        assertThat(TracingSettings.otlp(
                                URI.create("https://collector:443/otlp/v1/traces"), Protocol.HTTP_PROTOBUF, null)
                        .exportUrl())
                .isEqualTo("https://collector:443/otlp/v1/traces");
        assertThat(TracingSettings.otlp(URI.create("http://127.0.0.1:4317"), Protocol.GRPC, "svc")
                        .exportUrl())
                .isEqualTo("http://127.0.0.1:4317");
        assertThat(TracingSettings.otlp(URI.create("http://127.0.0.1:4317"), Protocol.GRPC, " ")
                        .serviceName())
                .isEqualTo("baton");
    }

    @Test
    void shouldReadTheProtocolNamesOpenTelemetryUses() {
        assertThat(Protocol.of("http/protobuf")).isEqualTo(Protocol.HTTP_PROTOBUF);
        assertThat(Protocol.of("GRPC")).isEqualTo(Protocol.GRPC);
        assertThatThrownBy(() -> Protocol.of("http/json")).hasMessageContaining("http/protobuf or grpc");
    }

    @Test
    void shouldRefuseAnEndpointThatIsNoHttpUrl() {
        assertThatThrownBy(() -> TracingSettings.otlp(URI.create("127.0.0.1:4318"), Protocol.HTTP_PROTOBUF, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldStartAnExporterForEitherProtocol() {
        // Nothing listens there; the exporters only connect when they have spans to send.
        for (Protocol p : Protocol.values()) {
            try (Tracing tracing = Tracing.start(TracingSettings.otlp(URI.create("http://127.0.0.1:9"), p, "t"))) {
                assertThat(tracing.isOn()).isTrue();
            }
        }
    }
}
