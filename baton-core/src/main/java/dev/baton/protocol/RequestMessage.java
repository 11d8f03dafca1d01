package dev.baton.protocol;

/**
 * A record on the requests topic: a {@link StartRequest}, an {@link OperatorRequest} (cancel, retry) or a
 * {@link SignalRequest} for a running instance, or an {@link EventDelivery} from Baton's event correlation, told apart
 * by their {@code operation}, {@code event} and {@code signal} fields.
 */
public sealed interface RequestMessage permits StartRequest, OperatorRequest, SignalRequest, EventDelivery {

    static RequestMessage parse(byte[] json) {
        Fields f = Fields.parse("request", json);
        if (f.node("operation") != null) {
            return OperatorRequest.from(f);
        }
        if (f.node("event") != null) {
            return EventDelivery.from(f);
        }
        return f.node("signal") != null ? SignalRequest.from(f) : StartRequest.from(f);
    }
}
