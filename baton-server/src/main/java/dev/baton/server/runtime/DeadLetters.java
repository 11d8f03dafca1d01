package dev.baton.server.runtime;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A record that cannot be handled, as it goes to the dead-letter topic: its key, value and headers, plus
 * {@code baton.dlq.reason} and where it came from ({@code baton.dlq.topic}, {@code .partition}, {@code .offset}). The
 * orchestrator and the triggers dead-letter the same way, so one reader serves both.
 */
final class DeadLetters {
    private DeadLetters() {}

    static Record<byte[], Routed> of(
            Record<byte[], byte[]> record, String reason, RecordMetadata source, int recordLimit, String topic) {
        Headers headers = new RecordHeaders();
        byte[] key = record.key();
        byte[] value = record.value();
        int size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length) + headersSize(record.headers());
        if (size + InstanceProcessor.MAX_REASON_CHARS * 4 + 1024 > recordLimit) {
            // A copy would be too large to write (see InstanceProcessor.recordLimit); the record stays where the
            // headers say.
            headers.add(
                    "baton.dlq.omitted",
                    ("the record (" + size + " bytes with key and headers) is too large to copy: " + "its value"
                                    + (key != null && key.length > 1024 ? ", key" : "") + " and headers were left out")
                            .getBytes(StandardCharsets.UTF_8));
            value = null;
            key = key != null && key.length > 1024 ? null : key;
        } else {
            for (Header h : record.headers()) {
                headers.add(h);
            }
        }
        if (reason.length() > InstanceProcessor.MAX_REASON_CHARS) { // reasons quote the record, which may be large
            reason = reason.substring(0, InstanceProcessor.MAX_REASON_CHARS) + "...";
        }
        headers.add("baton.dlq.reason", reason.getBytes(StandardCharsets.UTF_8));
        if (source != null) {
            headers.add("baton.dlq.topic", source.topic().getBytes(StandardCharsets.UTF_8));
            headers.add(
                    "baton.dlq.partition", String.valueOf(source.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add("baton.dlq.offset", String.valueOf(source.offset()).getBytes(StandardCharsets.UTF_8));
        }
        return new Record<>(key, new Routed(topic, value), record.timestamp(), headers);
    }

    static int headersSize(Headers headers) {
        int size = 0;
        for (Header h : headers) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }
}
