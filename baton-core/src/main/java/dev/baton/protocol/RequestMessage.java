package dev.baton.protocol;

/**
 * A record on the requests topic: a {@link StartRequest}, an {@link OperatorRequest} (cancel, retry) or a
 * {@link SignalRequest} for a running instance, told apart by their {@code operation} and {@code signal} fields.
 */
public sealed interface RequestMessage permits StartRequest, OperatorRequest, SignalRequest {

    static RequestMessage parse(byte[] json) {
        Fields f = Fields.parse("request", json);
        if (f.node("operation") != null) {
            return OperatorRequest.from(f);
        }
        return f.node("signal") != null ? SignalRequest.from(f) : StartRequest.from(f);
    }
}
