package dev.baton.server.tracing;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether and where the orchestrator sends its spans. Off by default: Baton then records no spans and passes the
 * requester's trace context on unchanged.
 */
public final class TracingSettings {
    public static final String DEFAULT_SERVICE_NAME = "baton";

    /** The OTLP transports. */
    public enum Protocol {
        /** OTLP over HTTP with protobuf bodies, to {@code <endpoint>/v1/traces} (port 4318 by convention). */
        HTTP_PROTOBUF("http/protobuf"),
        /** OTLP over gRPC (port 4317 by convention). */
        GRPC("grpc");

        private final String wireName;

        Protocol(String wireName) {
            this.wireName = wireName;
        }

        /** The name OpenTelemetry's own settings use ({@code OTEL_EXPORTER_OTLP_PROTOCOL}). */
        public String wireName() {
            return wireName;
        }

        /** Accepts {@code http/protobuf}, {@code grpc} and the constant names, in any case. */
        public static Protocol of(String name) {
            for (Protocol p : values()) {
                if (p.wireName.equalsIgnoreCase(name) || p.name().equalsIgnoreCase(name.replace('/', '_'))) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown OTLP protocol '" + name + "': use http/protobuf or grpc");
        }

        @Override
        public String toString() {
            return wireName;
        }
    }

    private static final TracingSettings OFF =
            new TracingSettings(null, Protocol.HTTP_PROTOBUF, DEFAULT_SERVICE_NAME, null);

    private final URI endpoint;
    private final Protocol protocol;
    private final String serviceName;
    private final SpanExporter exporter;

    private TracingSettings(URI endpoint, Protocol protocol, String serviceName, SpanExporter exporter) {
        this.endpoint = endpoint;
        this.protocol = protocol;
        this.serviceName = serviceName;
        this.exporter = exporter;
    }

    public static TracingSettings off() {
        return OFF;
    }

    /**
     * Spans go to an OTLP receiver (an OpenTelemetry Collector, Jaeger, ...).
     *
     * @param endpoint {@code http://host:4318} for http/protobuf (the {@code /v1/traces} path is added unless the URI
     *     has a path), {@code http://host:4317} for gRPC
     */
    public static TracingSettings otlp(URI endpoint, Protocol protocol, String serviceName) {
        String scheme = Objects.requireNonNull(endpoint, "endpoint").getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || endpoint.getHost() == null) {
            throw new IllegalArgumentException(
                    "the OTLP endpoint must be an http:// or https:// URL, not '" + endpoint + "'");
        }
        return new TracingSettings(endpoint, Objects.requireNonNull(protocol), serviceName(serviceName), null);
    }

    /** Spans go to an exporter of the caller's choosing; for embedding Baton, and for tests. */
    public static TracingSettings exportingTo(SpanExporter exporter, String serviceName) {
        return new TracingSettings(
                null, Protocol.HTTP_PROTOBUF, serviceName(serviceName), Objects.requireNonNull(exporter));
    }

    public boolean isOn() {
        return endpoint != null || exporter != null;
    }

    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The {@code service.name} of Baton's spans; default {@value #DEFAULT_SERVICE_NAME}. */
    public String serviceName() {
        return serviceName;
    }

    Optional<SpanExporter> exporter() {
        return Optional.ofNullable(exporter);
    }

    /** The URL the exporter posts to. */
    String exportUrl() {
        if (protocol == Protocol.GRPC) {
            return endpoint.toString();
        }
        String path = endpoint.getPath();
        return path == null || path.isEmpty() || path.equals("/")
                ? endpoint.toString().replaceAll("/$", "") + "/v1/traces"
                : endpoint.toString();
    }

    @Override
    public String toString() {
        if (!isOn()) {
            return "tracing off";
        }
        return exporter != null
                ? "spans to " + exporter
                : "OTLP " + protocol + " to " + exportUrl() + " as " + serviceName;
    }

    private static String serviceName(String name) {
        return name == null || name.isBlank() ? DEFAULT_SERVICE_NAME : name;
    }
}
