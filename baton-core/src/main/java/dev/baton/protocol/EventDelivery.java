package dev.baton.protocol;

import dev.baton.engine.Inbound.DeliverEvent;
import java.time.Instant;
import java.util.LinkedHashMap;

/**
 * An event for a step that waits for it, written by Baton's event correlation to the requests topic keyed by the
 * instance id: {@code {"event": {"topic", "key", "value", "timestamp"}, "stepId": "D", "commandId": "o-1/D/1"}}.
 *
 * @param event the record the step gets as its output
 */
public record EventDelivery(String stepId, String commandId, Object event) implements RequestMessage {

    static EventDelivery from(Fields f) {
        return new EventDelivery(f.requiredText("stepId"), f.requiredText("commandId"), f.value("event"));
    }

    public DeliverEvent toInbound(String instanceId, Instant at) {
        return new DeliverEvent(instanceId, stepId, commandId, event, at);
    }

    public byte[] toJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("event", event);
        m.put("stepId", stepId);
        m.put("commandId", commandId);
        return Writing.bytes(m);
    }
}
