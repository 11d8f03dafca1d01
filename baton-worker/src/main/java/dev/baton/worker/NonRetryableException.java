package dev.baton.worker;

import java.util.Objects;

/**
 * Thrown by a {@link StepHandler} to fail a command at once, without the retries of the
 * worker's {@link RetryPolicy}. Use it for failures that retrying cannot fix: a declined card,
 * invalid input, a business rule.
 *
 * <p>The outcome's {@code error.type} is {@link #errorType()}: the type given to
 * {@link #ofType(String, String)}, or {@code "NonRetryableException"} by default. The outcome's
 * {@code error.message} is {@link #getMessage()}.
 *
 * <pre>{@code
 * if (declined) {
 *     throw NonRetryableException.ofType("CardDeclined", "card declined by issuer");
 * }
 * }</pre>
 */
public final class NonRetryableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The error type used when none is given. */
    private static final String DEFAULT_TYPE = "NonRetryableException";

    /** The type reported as the outcome's {@code error.type}. */
    private final String errorType;

    /**
     * Creates an exception whose outcome has error type {@code "NonRetryableException"}.
     *
     * @param message the outcome's error message
     */
    public NonRetryableException(String message) {
        this(DEFAULT_TYPE, message, null);
    }

    /**
     * Creates an exception wrapping a cause; the outcome has error type
     * {@code "NonRetryableException"} and this exception's message (the cause is for logs only).
     *
     * @param message the outcome's error message
     * @param cause the underlying failure, may be {@code null}
     */
    public NonRetryableException(String message, Throwable cause) {
        this(DEFAULT_TYPE, message, cause);
    }

    private NonRetryableException(String errorType, String message, Throwable cause) {
        super(message, cause);
        this.errorType = Objects.requireNonNull(errorType, "errorType");
        if (errorType.isBlank()) {
            throw new IllegalArgumentException("errorType must not be blank");
        }
    }

    /**
     * Creates an exception with an explicit error type, reported as the outcome's
     * {@code error.type} (e.g. {@code "CardDeclined"}).
     *
     * @param errorType the outcome's error type, not blank
     * @param message the outcome's error message
     * @return the exception, to be thrown
     */
    public static NonRetryableException ofType(String errorType, String message) {
        return new NonRetryableException(errorType, message, null);
    }

    /**
     * Creates an exception with an explicit error type and a cause (for logs only).
     *
     * @param errorType the outcome's error type, not blank
     * @param message the outcome's error message
     * @param cause the underlying failure, may be {@code null}
     * @return the exception, to be thrown
     */
    public static NonRetryableException ofType(String errorType, String message, Throwable cause) {
        return new NonRetryableException(errorType, message, cause);
    }

    /**
     * The error type reported in the outcome.
     *
     * @return the type given to {@link #ofType(String, String)}, or
     *     {@code "NonRetryableException"}
     */
    public String errorType() {
        return errorType;
    }
}
