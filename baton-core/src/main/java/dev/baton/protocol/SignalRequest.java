package dev.baton.protocol;

import dev.baton.engine.Inbound.DeliverSignal;
import java.time.Instant;
import java.util.LinkedHashMap;

/**
 * A signal for a running instance, written to the requests topic keyed by the instance id:
 * {@code {"signal": "approved", "payload": {...}}}.
 */
public record SignalRequest(String name, Object payload) implements RequestMessage {

    static SignalRequest from(Fields f) {
        return new SignalRequest(f.requiredText("signal"), f.value("payload"));
    }

    public DeliverSignal toInbound(String instanceId, Instant at) {
        return new DeliverSignal(instanceId, name, payload, at);
    }

    public byte[] toJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("signal", name);
        m.put("payload", payload);
        return Writing.bytes(m);
    }
}
