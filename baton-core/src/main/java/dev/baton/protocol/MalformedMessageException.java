package dev.baton.protocol;

/** A record that does not follow the wire protocol; the message says why, for the dead-letter topic. */
public final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String reason) {
        super(reason, null, false, false);
    }
}
