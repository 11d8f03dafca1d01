package dev.baton.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudEvents 1.0 attributes in Kafka binary mode: each attribute is a header {@code ce_<name>}, the data is the
 * record value, and {@code content-type} names its media type.
 */
public final class CloudEvents {
    public static final String SOURCE = "baton";
    public static final String REQUEST = "dev.baton.request.v1";
    public static final String COMMAND = "dev.baton.command.v1";
    public static final String OUTCOME = "dev.baton.outcome.v1";
    public static final String RESULT = "dev.baton.result.v1";
    public static final String STATUS = "dev.baton.status.v1";

    private CloudEvents() {}

    /** The headers of one event, in the order they are written, as UTF-8 bytes. */
    public static Map<String, byte[]> headers(String type, String id, String subject, Instant time) {
        var h = new LinkedHashMap<String, byte[]>();
        h.put("ce_specversion", utf8("1.0"));
        h.put("ce_id", utf8(id));
        h.put("ce_source", utf8(SOURCE));
        h.put("ce_type", utf8(type));
        h.put("ce_subject", utf8(subject));
        h.put("ce_time", utf8(time.toString()));
        h.put("content-type", utf8("application/json"));
        return h;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
