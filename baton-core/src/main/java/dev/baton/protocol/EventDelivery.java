package dev.baton.protocol;

import dev.baton.engine.Inbound.DeliverEvent;
import java.time.Instant;
import java.util.LinkedHashMap;

/**
 * An event for a step that waits for it, written by Baton's event correlation to the requests topic keyed by the
 * instance id: {@code {"event": {"topic", "key", "value", "timestamp"}, "stepId": "D", "commandId": "o-1/D/1"}},
 * with {@code "taken": {"correlationKey", "expiresAt"}} when the delivery took the event ({@code consume: one}).
 *
 * @param event the record the step gets as its output
 */
public record EventDelivery(String stepId, String commandId, Object event, DeliverEvent.Taken taken)
        implements RequestMessage {

    public EventDelivery(String stepId, String commandId, Object event) {
        this(stepId, commandId, event, null);
    }

    static EventDelivery from(Fields f) {
        DeliverEvent.Taken taken = null;
        if (f.value("taken") instanceof java.util.Map<?, ?> t
                && t.get("correlationKey") instanceof String key
                && t.get("expiresAt") instanceof String expiresAt) {
            try {
                taken = new DeliverEvent.Taken(key, Instant.parse(expiresAt));
            } catch (java.time.format.DateTimeParseException e) {
                throw new MalformedMessageException("event delivery: 'taken.expiresAt' is not an ISO-8601 instant");
            }
        }
        return new EventDelivery(f.requiredText("stepId"), f.requiredText("commandId"), f.value("event"), taken);
    }

    public DeliverEvent toInbound(String instanceId, Instant at) {
        return new DeliverEvent(instanceId, stepId, commandId, event, taken, at);
    }

    public byte[] toJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("event", event);
        m.put("stepId", stepId);
        m.put("commandId", commandId);
        if (taken != null) {
            m.put(
                    "taken",
                    java.util.Map.of(
                            "correlationKey",
                            taken.correlationKey(),
                            "expiresAt",
                            taken.expiresAt().toString()));
        }
        return Writing.bytes(m);
    }
}
