package dev.baton.server.runtime;

import dev.baton.protocol.CloudEvents;
import dev.baton.protocol.MalformedMessageException;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Baton's records as CloudEvents, through the CloudEvents SDK's Kafka protocol binding. Baton writes binary content
 * mode: the attributes become {@code ce_*} headers (and {@code content-type}), and the record value is the JSON message
 * itself, so readers that ignore headers see exactly the wire protocol. On input it also takes structured mode, whose
 * value is a JSON event envelope with the message as its {@code data}.
 */
final class CloudEventRecords {
    private static final byte[] STRUCTURED_CONTENT_TYPE = "application/cloudevents".getBytes(StandardCharsets.US_ASCII);
    // Shared by every record: Kafka's headers hold the arrays as they are, and nothing writes into them.
    private static final byte[] SPEC_VERSION = "1.0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SOURCE_BYTES = CloudEvents.SOURCE.getBytes(StandardCharsets.UTF_8);
    private static final byte[] CONTENT_TYPE = CloudEvents.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);
    /** The CloudEvents type attribute in binary mode. */
    private static final String TYPE_HEADER = "ce_type";

    private CloudEventRecords() {}

    /** New headers holding the attributes of one event whose data is a JSON message. */
    static Headers headers(String type, String id, String subject, Instant time) {
        return headers(type, id, subject, time(time));
    }

    /**
     * New headers holding the attributes of one event whose data is a JSON message, its time already formatted by
     * {@link #time}: a decision's records share one time, and formatting it took a third of the stream thread's time
     * spent writing a decision's records in the profile of docs/benchmarks.md (46 of 142 samples).
     */
    static Headers headers(String type, String id, String subject, byte[] time) {
        // why not the SDK's CloudEventBuilder and serializer, as for reading: building and validating an event per
        // record, for seven headers of which four never change, was a measured share of the stream thread's CPU.
        // CloudEventHeadersTest holds these bytes to what the SDK writes for the same event.
        Headers headers = new RecordHeaders();
        headers.add("ce_specversion", SPEC_VERSION);
        headers.add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", SOURCE_BYTES);
        headers.add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", CONTENT_TYPE);
        headers.add("ce_subject", subject.getBytes(StandardCharsets.UTF_8));
        headers.add("ce_time", time);
        return headers;
    }

    /** An event time as the {@code ce_time} header holds it (RFC 3339 in UTC, as the CloudEvents SDK writes it). */
    static byte[] time(Instant time) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME
                .format(time.atOffset(ZoneOffset.UTC))
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether a record Baton writes is a command to a worker (or to the HTTP executor): its type says so. */
    static boolean isCommand(Headers headers) {
        Header type = headers.lastHeader(TYPE_HEADER);
        return type != null && CloudEvents.COMMAND.equals(new String(type.value(), StandardCharsets.UTF_8));
    }

    /**
     * The Baton message an inbound record carries: the value itself, unless the record is a structured-mode
     * CloudEvent ({@code content-type: application/cloudevents+json}), whose {@code data} it is.
     *
     * @throws MalformedMessageException for a structured-mode record the SDK cannot read, or one without data
     */
    static byte[] message(Headers headers, byte[] value) {
        Header contentType = headers.lastHeader("content-type");
        if (value == null || contentType == null || !startsWith(contentType.value(), STRUCTURED_CONTENT_TYPE)) {
            return value;
        }
        CloudEventData data;
        try {
            data = KafkaMessageFactory.createReader(headers, value).toEvent().getData();
        } catch (RuntimeException e) { // the SDK signals unreadable input with several exception types of its own
            throw new MalformedMessageException(
                    "the record says it is a structured-mode CloudEvent, but it cannot be read as one: "
                            + e.getMessage());
        }
        if (data == null) {
            throw new MalformedMessageException(
                    "the structured-mode CloudEvent has no data: its data must be the Baton message");
        }
        return data.toBytes();
    }

    /** A record of a user's topic read as an event: its CloudEvents attributes (none for a plain record) and data. */
    record Event(java.util.Map<String, Object> attributes, byte[] data) {}

    /**
     * Reads a record of a user's own topic, as a trigger does: a CloudEvent in binary mode ({@code ce_*} headers) or
     * structured mode ({@code content-type: application/cloudevents+json}), or else a plain record whose value is the
     * data.
     *
     * @throws MalformedMessageException for a record that says it is a CloudEvent but cannot be read as one
     */
    static Event event(Headers headers, byte[] value) {
        Header contentType = headers.lastHeader("content-type");
        boolean structured = contentType != null && startsWith(contentType.value(), STRUCTURED_CONTENT_TYPE);
        if (!structured && headers.lastHeader("ce_specversion") == null) {
            return new Event(java.util.Map.of(), value);
        }
        CloudEvent event;
        try {
            event = KafkaMessageFactory.createReader(headers, value).toEvent();
        } catch (RuntimeException e) { // the SDK signals unreadable input with several exception types of its own
            throw new MalformedMessageException(
                    "the record says it is a CloudEvent (" + (structured ? "structured" : "binary")
                            + " mode), but it cannot be read as one: " + e.getMessage());
        }
        var attributes = new java.util.TreeMap<String, Object>();
        for (String name : event.getAttributeNames()) {
            Object v = event.getAttribute(name);
            if (v != null) {
                attributes.put(name, v.toString());
            }
        }
        for (String name : event.getExtensionNames()) {
            Object v = event.getExtension(name);
            if (v != null) {
                attributes.put(name, v instanceof Number || v instanceof Boolean ? v : v.toString());
            }
        }
        return new Event(
                attributes, event.getData() == null ? null : event.getData().toBytes());
    }

    private static boolean startsWith(byte[] value, byte[] prefix) {
        if (value == null || value.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (Character.toLowerCase(value[i]) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
