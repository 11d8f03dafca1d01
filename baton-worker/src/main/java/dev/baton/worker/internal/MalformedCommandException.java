package dev.baton.worker.internal;

/** A command record that cannot be handled: not JSON, not an object, or missing fields. */
public final class MalformedCommandException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param reason what is wrong with the record, as a sentence fragment
     */
    public MalformedCommandException(String reason) {
        super(reason);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param reason what is wrong with the record
     * @param cause the parser's failure
     */
    public MalformedCommandException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
