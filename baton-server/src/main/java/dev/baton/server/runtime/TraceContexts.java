package dev.baton.server.runtime;

import dev.baton.engine.Instance;
import dev.baton.server.tracing.InstanceTrace;
import dev.baton.server.tracing.TraceContext;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The trace context each instance was started with, kept in a state store beside the instances (and purged with
 * them), so that what happens long after the start request still belongs to the requester's trace: a timeout, an
 * operator's action, an outcome from a worker that does not copy the command's headers. Only instances whose start
 * request carried a valid {@code traceparent} have an entry.
 */
final class TraceContexts {
    private final KeyValueStore<String, byte[]> store;
    private final boolean recording;

    TraceContexts(KeyValueStore<String, byte[]> store, boolean recording) {
        this.store = store;
        this.recording = recording;
    }

    /**
     * The trace of the records an event causes.
     *
     * @param before the instance before the event; {@code null} if the event started it or concerns no instance
     * @param after the instance after it; {@code null} if there is none
     * @param inbound the headers of the record that brought the event
     */
    InstanceTrace of(Instance before, Instance after, Headers inbound) {
        Instance instance = after != null ? after : before;
        TraceContext carried = TraceContext.of(inbound);
        if (instance == null || instance.startedAt() == null) {
            return InstanceTrace.propagating(carried);
        }
        if (!recording && carried.traceparent() != null) {
            // Tracing off: an outcome carries its command's context, which is the requester's; no need to look it up.
            return InstanceTrace.propagating(carried);
        }
        TraceContext caller = before == null ? carried : stored(instance.instanceId());
        return recording
                ? InstanceTrace.recording(instance.instanceId(), instance.startedAt(), caller)
                : InstanceTrace.propagating(caller);
    }

    /** Keeps the start request's context of an instance the event started. */
    void remember(Instance before, Instance after, Headers inbound) {
        if (before != null || after == null) {
            return;
        }
        TraceContext caller = TraceContext.of(inbound);
        if (caller.traceparent() != null) {
            String value = caller.traceparent() + (caller.tracestate() == null ? "" : "\n" + caller.tracestate());
            store.put(after.instanceId(), value.getBytes(StandardCharsets.US_ASCII));
        }
    }

    void forget(String instanceId) {
        store.delete(instanceId);
    }

    private TraceContext stored(String instanceId) {
        byte[] value = store.get(instanceId);
        if (value == null) {
            return TraceContext.NONE;
        }
        String s = new String(value, StandardCharsets.US_ASCII);
        int cut = s.indexOf('\n');
        return cut < 0 ? new TraceContext(s, null) : new TraceContext(s.substring(0, cut), s.substring(cut + 1));
    }
}
