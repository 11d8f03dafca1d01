package dev.baton.worker.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Turns a command record's value (and headers) into a {@link Command}. Thread-safe. */
public final class CommandParser {

    /** The callback topic used when a command names none (protocol default). */
    public static final String DEFAULT_CALLBACK_TOPIC = "baton.callbacks";

    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final ObjectMapper mapper;

    /**
     * Creates a parser.
     *
     * @param mapper the mapper used to read JSON
     */
    public CommandParser(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /**
     * Parses one command record.
     *
     * @param value the record value
     * @param headers the record headers, may be null
     * @return the command
     * @throws MalformedCommandException if the value is null, not a JSON object, or lacks
     *     {@code instanceId}, {@code stepId} or {@code commandId}, or has fields of the wrong type
     */
    public Command parse(byte[] value, Headers headers) throws MalformedCommandException {
        if (value == null) {
            throw new MalformedCommandException("the record has no value");
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (JacksonException e) {
            throw new MalformedCommandException("the value is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedCommandException("the value cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedCommandException("the value is not a JSON object");
        }
        String instanceId = requiredText(root, "instanceId");
        String stepId = requiredText(root, "stepId");
        String commandId = requiredText(root, "commandId");
        String workflow = optionalText(root, "workflow", null);
        String kind = optionalText(root, "kind", Command.EXECUTE);
        String callbackTopic = optionalText(root, "callbackTopic", DEFAULT_CALLBACK_TOPIC);
        if (!LEGAL_TOPIC.matcher(callbackTopic).matches() || callbackTopic.equals(".") || callbackTopic.equals("..")) {
            throw new MalformedCommandException("callbackTopic is not a legal topic name: '" + callbackTopic + "'");
        }
        int attempt = 1;
        JsonNode attemptNode = root.get("attempt");
        if (attemptNode != null && !attemptNode.isNull()) {
            if (!attemptNode.isIntegralNumber() || !attemptNode.canConvertToInt() || attemptNode.intValue() < 1) {
                throw new MalformedCommandException("attempt must be an integer of 1 or more, was " + attemptNode);
            }
            attempt = attemptNode.intValue();
        }
        JsonNode input = root.get("input");
        if (input == null || input.isMissingNode()) {
            input = NullNode.getInstance();
        }
        return new Command(
                instanceId,
                workflow,
                stepId,
                commandId,
                kind,
                attempt,
                callbackTopic,
                input,
                header(headers, "traceparent"),
                header(headers, "tracestate"));
    }

    private static String requiredText(JsonNode root, String field) throws MalformedCommandException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new MalformedCommandException("the field '" + field + "' is missing");
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw new MalformedCommandException("the field '" + field + "' must be a non-blank string, was " + node);
        }
        return node.textValue();
    }

    private static String optionalText(JsonNode root, String field, String dflt) throws MalformedCommandException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw new MalformedCommandException("the field '" + field + "' must be a non-blank string, was " + node);
        }
        return node.textValue();
    }

    private static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
