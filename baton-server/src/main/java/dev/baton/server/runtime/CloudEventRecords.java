package dev.baton.server.runtime;

import dev.baton.protocol.CloudEvents;
import dev.baton.protocol.MalformedMessageException;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventSerializer;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
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
    private static final URI SOURCE = URI.create(CloudEvents.SOURCE);
    private static final byte[] STRUCTURED_CONTENT_TYPE = "application/cloudevents".getBytes(StandardCharsets.US_ASCII);
    /** Binary mode is the serializer's default; it keeps no state, so one serves every thread. */
    private static final CloudEventSerializer BINARY = new CloudEventSerializer();
    /** The CloudEvents type attribute in binary mode. */
    private static final String TYPE_HEADER = "ce_type";

    private CloudEventRecords() {}

    /** New headers holding the attributes of one event whose data is a JSON message. */
    static Headers headers(String type, String id, String subject, Instant time) {
        Headers headers = new RecordHeaders();
        write(headers, type, id, subject, time);
        return headers;
    }

    /** Adds the attributes of one event whose data is a JSON message to {@code headers}. */
    static void write(Headers headers, String type, String id, String subject, Instant time) {
        CloudEvent event = CloudEventBuilder.v1()
                .withId(id)
                .withSource(SOURCE)
                .withType(type)
                .withSubject(subject)
                .withTime(time.atOffset(ZoneOffset.UTC))
                .withDataContentType(CloudEvents.CONTENT_TYPE)
                .build();
        // The event carries no data: the value is written as it is, so nothing is serialised twice.
        BINARY.serialize("", headers, event);
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
