package dev.baton.engine;

/**
 * The life of one step within one instance. Which state follows which, and why, is {@link StepLifecycle}'s table;
 * docs/step-lifecycle.md draws it.
 */
public enum StepState {
    /** Waiting for the steps it comes after. */
    PENDING,
    /** Its command is out (or its signal, child instance or HTTP call awaited); waiting for the absolute outcome. */
    RUNNING,
    /**
     * An HTTP step whose last call failed in a way worth trying again: no call is in flight; the next one goes out
     * when the backoff is over.
     */
    WAITING_TO_RETRY,
    SUCCEEDED,
    /** Its {@code when} condition was false; counts as done for joins. */
    SKIPPED,
    FAILED,
    /** No outcome arrived within the step's timeout; counts as a failure. A late success is still honoured. */
    TIMED_OUT,
    /**
     * The instance stopped waiting for it (cancelled, or failed elsewhere while the step waited for a signal or a
     * backoff); a late success is compensated.
     */
    ABANDONED,
    COMPENSATING,
    COMPENSATED,
    /** The compensation failed: an operator must retry it. */
    COMPENSATION_FAILED;

    /** Done as far as a join is concerned. */
    boolean letsSuccessorsStart() {
        return this == SUCCEEDED || this == SKIPPED;
    }

    /** The step's work failed or was given up on, from the instance's point of view. */
    boolean hasFailed() {
        return this == FAILED || this == TIMED_OUT;
    }

    /** Work may still be under way: an outcome is awaited, or the next HTTP call is due. */
    boolean isActive() {
        return this == RUNNING || this == WAITING_TO_RETRY;
    }
}
