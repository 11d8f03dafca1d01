package dev.baton.protocol;

import dev.baton.engine.Inbound.StartInstance;
import java.time.Instant;
import java.util.Map;

/**
 * A start request from {@code baton.requests}: {@code {"workflow", "input", "version"?, "businessKey"?}}, keyed by
 * the new instance's id.
 */
public record StartRequest(String workflow, Integer version, Object input, String businessKey) implements RequestMessage {

    /** Parses a record value; throws {@link MalformedMessageException} with the reason. */
    public static StartRequest parse(byte[] json) {
        return from(Fields.parse("start request", json));
    }

    static StartRequest from(Fields f) {
        String workflow = f.requiredText("workflow");
        Integer version = f.optionalInt("version");
        if (version != null && version < 1) {
            throw f.error("field 'version' must be 1 or more");
        }
        Object input = f.value("input");
        return new StartRequest(workflow, version, input == null ? Map.of() : input, f.optionalText("businessKey"));
    }

    public StartInstance toInbound(String instanceId, Instant at) {
        return new StartInstance(instanceId, input, businessKey, at);
    }

    public byte[] toJson() {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("workflow", workflow);
        if (version != null) {
            m.put("version", version);
        }
        m.put("input", input);
        if (businessKey != null) {
            m.put("businessKey", businessKey);
        }
        return Writing.bytes(m);
    }
}
