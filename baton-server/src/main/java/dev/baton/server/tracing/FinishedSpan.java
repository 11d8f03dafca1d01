package dev.baton.server.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * A span rebuilt from instance state after it ended, with the ids and times the state says, rather than one timed
 * by a live tracer: an instance outlives the process that started it. It is both the span's data (what exporters
 * send) and a finished span (what span processors take).
 */
final class FinishedSpan implements SpanData, ReadableSpan {
    static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("dev.baton.orchestrator");

    private final String name;
    private final SpanContext context;
    private final SpanContext parent;
    private final StatusData status;
    private final long startNanos;
    private final long endNanos;
    private final Attributes attributes;
    private final Resource resource;

    FinishedSpan(
            String name,
            SpanContext context,
            SpanContext parent,
            StatusData status,
            long startNanos,
            long endNanos,
            Attributes attributes,
            Resource resource) {
        this.name = name;
        this.context = context;
        this.parent = parent;
        this.status = status;
        this.startNanos = startNanos;
        this.endNanos = Math.max(startNanos, endNanos);
        this.attributes = attributes;
        this.resource = resource;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public SpanKind getKind() {
        return SpanKind.INTERNAL;
    }

    @Override
    public SpanContext getSpanContext() {
        return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
        return parent;
    }

    @Override
    public StatusData getStatus() {
        return status;
    }

    @Override
    public long getStartEpochNanos() {
        return startNanos;
    }

    @Override
    public long getEndEpochNanos() {
        return endNanos;
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public <T> T getAttribute(AttributeKey<T> key) {
        return attributes.get(key);
    }

    @Override
    public List<EventData> getEvents() {
        return List.of();
    }

    @Override
    public List<LinkData> getLinks() {
        return List.of();
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public long getLatencyNanos() {
        return endNanos - startNanos;
    }

    @Override
    public int getTotalRecordedEvents() {
        return 0;
    }

    @Override
    public int getTotalRecordedLinks() {
        return 0;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }

    @Override
    @SuppressWarnings("deprecation") // still abstract in the interfaces
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return InstrumentationLibraryInfo.create(SCOPE.getName(), SCOPE.getVersion());
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return SCOPE;
    }

    @Override
    public Resource getResource() {
        return resource;
    }

    @Override
    public SpanData toSpanData() {
        return this;
    }

    @Override
    public String toString() {
        return "FinishedSpan[" + name + " " + context.getTraceId() + "/" + context.getSpanId() + " parent "
                + parent.getSpanId() + "]";
    }
}
