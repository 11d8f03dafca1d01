package dev.baton.server.tracing;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The W3C trace headers one record carries.
 *
 * @param traceparent the {@code traceparent} value, or {@code null} for none
 * @param tracestate the {@code tracestate} value, or {@code null} for none
 */
public record TraceContext(String traceparent, String tracestate) {
    public static final TraceContext NONE = new TraceContext(null, null);

    /**
     * The context a record carries. An invalid {@code traceparent} counts as none, as the specification says; so does
     * a {@code tracestate} without one, or one longer than {@value TraceParent#MAX_STATE_LENGTH} characters.
     */
    public static TraceContext of(Headers headers) {
        return of(text(headers.lastHeader(TraceParent.HEADER)), text(headers.lastHeader(TraceParent.STATE_HEADER)));
    }

    /** The context of two header values (either may be {@code null}), validated as {@link #of(Headers)} does. */
    public static TraceContext of(String traceparent, String tracestate) {
        if (traceparent == null || TraceParent.parse(traceparent.strip()).isEmpty()) {
            return NONE;
        }
        boolean stateFits = tracestate != null
                && tracestate.length() <= TraceParent.MAX_STATE_LENGTH
                && tracestate
                        .chars()
                        .allMatch(c -> c >= 0x20 && c <= 0x7e); // printable ASCII, as the specification says
        return new TraceContext(traceparent.strip(), stateFits ? tracestate : null);
    }

    private static String text(Header header) {
        // Longer than any valid value: not worth decoding.
        return header == null || header.value() == null || header.value().length > TraceParent.MAX_STATE_LENGTH
                ? null
                : new String(header.value(), StandardCharsets.ISO_8859_1);
    }

    /** Adds the headers that are present. */
    public void addTo(Headers headers) {
        if (traceparent != null) {
            headers.add(TraceParent.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
            if (tracestate != null) { // the specification: no tracestate without a traceparent
                headers.add(TraceParent.STATE_HEADER, tracestate.getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
