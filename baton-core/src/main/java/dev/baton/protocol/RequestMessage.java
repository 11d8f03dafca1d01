package dev.baton.protocol;

/**
 * A record on the requests topic: a {@link StartRequest}, or an {@link OperatorRequest} (cancel, retry) for a
 * running instance, told apart by the {@code operation} field.
 */
public sealed interface RequestMessage permits StartRequest, OperatorRequest {

    static RequestMessage parse(byte[] json) {
        Fields f = Fields.parse("request", json);
        return f.node("operation") == null ? StartRequest.from(f) : OperatorRequest.from(f);
    }
}
