package dev.baton.cli;

import dev.baton.server.tracing.TracingSettings;
import java.net.URI;
import picocli.CommandLine.Option;

/** Where the orchestrator sends its spans (OpenTelemetry, OTLP); nowhere unless an endpoint is given. */
final class TracingOptions {
    @Option(
            names = "--otlp-endpoint",
            paramLabel = "URL",
            description = "Send spans (one trace per instance, a span per step) to this OTLP receiver, e.g. "
                    + "http://127.0.0.1:4318 (http/protobuf) or http://127.0.0.1:4317 (grpc). Off without it.")
    URI endpoint;

    @Option(
            names = "--otlp-protocol",
            defaultValue = "http/protobuf",
            paramLabel = "PROTOCOL",
            description = "http/protobuf or grpc (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(
            names = "--otlp-service-name",
            defaultValue = TracingSettings.DEFAULT_SERVICE_NAME,
            paramLabel = "NAME",
            description = "The service.name of Baton's spans (default: ${DEFAULT-VALUE}).")
    String serviceName;

    TracingSettings settings() {
        return endpoint == null
                ? TracingSettings.off()
                : TracingSettings.otlp(endpoint, TracingSettings.Protocol.of(protocol), serviceName);
    }
}
