package dev.baton.server.tracing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The trace context of the records one instance causes.
 *
 * <p>While tracing is off, every record carries the context its instance was started with, unchanged: a worker's own
 * spans then hang under the requester's span. While it is on, the instance is one trace with a span of its own and a
 * span per command (step attempt or compensation), and each command carries its span's id, so the worker's spans nest
 * under the step they work for. The ids are derived from the instance's id and start time (and the command's id), not
 * drawn at random: every orchestrator process, and every replay of an event after a crash, arrives at the same ids
 * without keeping them anywhere. The trace id is the requester's when the start request carried a {@code traceparent},
 * and derived the same way otherwise.
 */
public final class InstanceTrace {
    private static final InstanceTrace NONE = new InstanceTrace(TraceContext.NONE, null, null, null, null);

    private final TraceContext propagated;
    private final String instanceId;
    private final Instant startedAt;
    private final TraceParent caller;
    private final TraceParent instanceSpan;

    private InstanceTrace(
            TraceContext propagated,
            String instanceId,
            Instant startedAt,
            TraceParent caller,
            TraceParent instanceSpan) {
        this.propagated = propagated;
        this.instanceId = instanceId;
        this.startedAt = startedAt;
        this.caller = caller;
        this.instanceSpan = instanceSpan;
    }

    /** No context: records carry no trace headers. */
    public static InstanceTrace none() {
        return NONE;
    }

    /** Tracing is off: every record carries {@code context} as it came. */
    public static InstanceTrace propagating(TraceContext context) {
        return context.traceparent() == null ? NONE : new InstanceTrace(context, null, null, null, null);
    }

    /**
     * Tracing is on.
     *
     * @param caller the start request's context, or {@link TraceContext#NONE}; an invalid {@code traceparent} counts as none
     */
    public static InstanceTrace recording(String instanceId, Instant startedAt, TraceContext caller) {
        TraceParent parent = TraceParent.parse(caller.traceparent()).orElse(null);
        String traceId = parent != null ? parent.traceId() : hex(digest(instanceId, startedAt, "trace"), 16);
        int flags = parent != null ? parent.flags() : 1; // an instance nobody traced is sampled
        String state = parent != null ? caller.tracestate() : null;
        var instanceSpan = new TraceParent(traceId, hex(digest(instanceId, startedAt, "instance"), 8), flags);
        return new InstanceTrace(new TraceContext(null, state), instanceId, startedAt, parent, instanceSpan);
    }

    /** Whether Baton records spans for this instance: tracing is on and the trace is sampled. */
    public boolean isRecorded() {
        return instanceSpan != null && instanceSpan.sampled();
    }

    /** The context of records about the whole instance: results, status notifications, sub-workflow requests. */
    public TraceContext instance() {
        return instanceSpan == null ? propagated : new TraceContext(instanceSpan.header(), propagated.tracestate());
    }

    /** The context of a command: its own span when tracing is on. */
    public TraceContext command(String commandId) {
        return instanceSpan == null
                ? propagated
                : new TraceContext(commandSpan(commandId).header(), propagated.tracestate());
    }

    /** The instance's span; {@code null} while tracing is off. */
    public TraceParent instanceSpan() {
        return instanceSpan;
    }

    /** The span of the command with this id (a step attempt's or a compensation's). */
    public TraceParent commandSpan(String commandId) {
        if (instanceSpan == null) {
            throw new IllegalStateException("tracing is off");
        }
        return instanceSpan.withSpanId(hex(digest(instanceId, startedAt, "command\u0000" + commandId), 8));
    }

    /** The requester's span the instance span is a child of; {@code null} when the request carried none. */
    public TraceParent caller() {
        return caller;
    }

    private static byte[] digest(String instanceId, Instant startedAt, String purpose) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // The start time tells apart two instances that used the same id, one after the other was purged.
            String seed =
                    instanceId + '\u0000' + startedAt.getEpochSecond() + '.' + startedAt.getNano() + '\u0000' + purpose;
            return sha.digest(seed.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String hex(byte[] digest, int bytes) {
        String id = HexFormat.of().formatHex(digest, 0, bytes);
        // All zeros is the invalid id; a one-in-2^64 digest becomes a valid one.
        return id.chars().allMatch(c -> c == '0') ? id.substring(0, id.length() - 1) + "1" : id;
    }
}
