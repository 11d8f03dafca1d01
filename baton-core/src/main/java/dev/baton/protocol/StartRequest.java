package dev.baton.protocol;

import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.ParentRef;
import java.time.Instant;
import java.util.Map;

/**
 * A start request from {@code baton.requests}: {@code {"workflow", "input", "version"?, "businessKey"?, "parent"?}},
 * keyed by the new instance's id. {@code parent} ({@code {"instanceId", "stepId", "commandId"}}) is set when a
 * workflow starts this one as a sub-workflow: the new instance reports its outcome to that step.
 */
public record StartRequest(String workflow, Integer version, Object input, String businessKey, ParentRef parent)
        implements RequestMessage {

    public StartRequest(String workflow, Integer version, Object input, String businessKey) {
        this(workflow, version, input, businessKey, null);
    }

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
        return new StartRequest(
                workflow, version, input == null ? Map.of() : input, f.optionalText("businessKey"), f.optionalParent());
    }

    public StartInstance toInbound(String instanceId, Instant at) {
        return new StartInstance(instanceId, workflow, version, input, businessKey, parent, at);
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
        if (parent != null) {
            m.put("parent", Fields.parent(parent));
        }
        return Writing.bytes(m);
    }
}
