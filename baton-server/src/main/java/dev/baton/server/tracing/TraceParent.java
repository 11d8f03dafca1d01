package dev.baton.server.tracing;

import java.util.Optional;

/**
 * A W3C Trace Context {@code traceparent} value: the trace a record belongs to, the span that caused it, and whether
 * that trace is sampled.
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId 16 lower-case hex digits, not all zero
 * @param flags the trace flags; bit 0 is "sampled"
 */
public record TraceParent(String traceId, String spanId, int flags) {
    public static final String HEADER = "traceparent";
    public static final String STATE_HEADER = "tracestate";

    /** Longest {@code tracestate} kept: the specification's limit; a longer value is dropped, as it allows. */
    public static final int MAX_STATE_LENGTH = 512;

    private static final int LENGTH = 55;

    /**
     * Reads a header value as the specification says: version {@code 00} must be exactly 55 characters; a later
     * version may append fields, which are ignored; {@code ff} and malformed values are invalid.
     *
     * @return empty when the value is absent or invalid, in which case the record is treated as having no context
     */
    public static Optional<TraceParent> parse(String value) {
        if (value == null
                || value.length() < LENGTH
                || value.charAt(2) != '-'
                || value.charAt(35) != '-'
                || value.charAt(52) != '-') {
            return Optional.empty();
        }
        String version = value.substring(0, 2);
        if (!isHex(version)
                || version.equals("ff")
                || (version.equals("00")
                        ? value.length() != LENGTH
                        : value.length() > LENGTH && value.charAt(LENGTH) != '-')) {
            return Optional.empty();
        }
        String traceId = value.substring(3, 35);
        String spanId = value.substring(36, 52);
        String flags = value.substring(53, 55);
        if (!isHex(traceId) || !isHex(spanId) || !isHex(flags) || isZero(traceId) || isZero(spanId)) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(traceId, spanId, Integer.parseInt(flags, 16)));
    }

    public boolean sampled() {
        return (flags & 1) == 1;
    }

    /** The same trace and flags, caused by another span. */
    public TraceParent withSpanId(String otherSpanId) {
        return new TraceParent(traceId, otherSpanId, flags);
    }

    /** The header value, version {@code 00}. */
    public String header() {
        return "00-" + traceId + "-" + spanId + "-" + Character.forDigit(flags >> 4 & 0xf, 16)
                + Character.forDigit(flags & 0xf, 16);
    }

    @Override
    public String toString() {
        return header();
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(String s) {
        return s.chars().allMatch(c -> c == '0');
    }
}
