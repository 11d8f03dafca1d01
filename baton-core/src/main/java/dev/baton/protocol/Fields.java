package dev.baton.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.ParentRef;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Strict reading of a protocol message's fields, so every malformed record is rejected with a precise reason. */
final class Fields {
    private final String message;
    private final ObjectNode node;

    private Fields(String message, ObjectNode node) {
        this.message = message;
        this.node = node;
    }

    static Fields parse(String message, byte[] json) {
        if (json == null) {
            throw new MalformedMessageException(message + ": the record has no value");
        }
        JsonNode node;
        try (JsonParser p = Json.mapper().createParser(json)) {
            node = Json.mapper().readTree(p);
            // The mapper stops after the first value; "{...}}" or "{...}{...}" is broken JSON all the same.
            if (node != null && p.nextToken() != null) {
                throw new MalformedMessageException(
                        message + ": not valid JSON: more data after the JSON value, at column "
                                + p.currentTokenLocation().getColumnNr());
            }
        } catch (IOException e) {
            String why = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("");
            throw new MalformedMessageException(message + ": not valid JSON: " + why);
        }
        if (node == null || !node.isObject()) {
            throw new MalformedMessageException(message + ": the value must be a JSON object");
        }
        return new Fields(message, (ObjectNode) node);
    }

    String requiredText(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new MalformedMessageException(message + ": field '" + field + "' is required");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new MalformedMessageException(message + ": field '" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    String optionalText(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new MalformedMessageException(message + ": field '" + field + "' must be a string");
        }
        return v.asText();
    }

    Integer optionalInt(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new MalformedMessageException(message + ": field '" + field + "' must be a whole number");
        }
        return v.asInt();
    }

    /** A sub-workflow's parent reference {@code {"instanceId", "stepId", "commandId"}}; {@code null} when absent. */
    ParentRef optionalParent() {
        JsonNode v = node.get("parent");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw error("field 'parent' must be an object {\"instanceId\", \"stepId\", \"commandId\"}");
        }
        Fields p = new Fields(message + ": parent", (ObjectNode) v);
        return new ParentRef(p.requiredText("instanceId"), p.requiredText("stepId"), p.requiredText("commandId"));
    }

    static Map<String, Object> parent(ParentRef parent) {
        var m = new LinkedHashMap<String, Object>();
        m.put("instanceId", parent.instanceId());
        m.put("stepId", parent.stepId());
        m.put("commandId", parent.commandId());
        return m;
    }

    /** Any JSON value as a plain tree; {@code null} when absent. */
    Object value(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : Json.mapper().convertValue(v, Object.class);
    }

    JsonNode node(String field) {
        return node.get(field);
    }

    MalformedMessageException error(String reason) {
        return new MalformedMessageException(message + ": " + reason);
    }
}
