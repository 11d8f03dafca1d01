package dev.baton.server.tracing;

import dev.baton.engine.Instance;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's spans: built from instance state when an event ends them (see {@link InstanceSpans}) and handed
 * to OpenTelemetry's batch span processor, which exports them in the background. Exporting never holds up or fails
 * the processing of an event; spans that cannot be sent are dropped. A transaction that aborts and is retried sends its
 * spans again, with the same ids: spans are sent at least once.
 */
public final class Tracing implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Tracing.class);
    private static final Tracing OFF = new Tracing(null, null);

    private final SpanProcessor processor;
    private final InstanceSpans spans;

    private Tracing(SpanProcessor processor, Resource resource) {
        this.processor = processor;
        this.spans = resource == null ? null : new InstanceSpans(resource);
    }

    public static Tracing off() {
        return OFF;
    }

    /** Starts the exporter the settings name; {@link #off()} when they name none. */
    public static Tracing start(TracingSettings settings) {
        if (!settings.isOn()) {
            return OFF;
        }
        SpanExporter exporter = settings.exporter()
                .orElseGet(() -> settings.protocol() == TracingSettings.Protocol.GRPC
                        ? OtlpGrpcSpanExporter.builder()
                                .setEndpoint(settings.exportUrl())
                                .build()
                        : OtlpHttpSpanExporter.builder()
                                .setEndpoint(settings.exportUrl())
                                .build());
        var processor = BatchSpanProcessor.builder(exporter)
                .setScheduleDelay(Duration.ofSeconds(1))
                .build();
        Resource resource = Resource.getDefault().toBuilder()
                .put("service.name", settings.serviceName())
                .build();
        log.info("Tracing: {}", settings);
        return new Tracing(processor, resource);
    }

    /** Whether spans are recorded: commands then carry their own span's id in {@code traceparent}. */
    public boolean isOn() {
        return processor != null;
    }

    /**
     * Records the spans an event ended.
     *
     * @param before the instance before the event; {@code null} if the event started it
     * @param after the instance after it
     */
    public void record(Instance before, Instance after, Instant at, InstanceTrace trace) {
        if (processor == null) {
            return;
        }
        try {
            for (FinishedSpan span : spans.ended(before, after, at, trace)) {
                processor.onEnd(span);
            }
        } catch (RuntimeException e) {
            // Tracing reports on the work; it must never stop it.
            log.warn("Could not record the spans of instance {}", after == null ? "?" : after.instanceId(), e);
        }
    }

    /** Exports what is queued and waits up to {@code timeout} for it. */
    public void flush(Duration timeout) {
        if (processor != null) {
            processor.forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Exports what is queued, then stops the exporter. */
    @Override
    public void close() {
        if (processor != null) {
            processor.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
