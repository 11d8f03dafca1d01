package dev.baton.engine;

/** The life of one step within one instance. */
public enum StepState {
    /** Waiting for the steps it comes after. */
    PENDING,
    /** Its command is out; waiting for the worker's absolute outcome. */
    RUNNING,
    SUCCEEDED,
    /** Its {@code when} condition was false; counts as done for joins. */
    SKIPPED,
    FAILED,
    /** No outcome arrived within the step's timeout; counts as a failure. A late success is still honoured. */
    TIMED_OUT,
    /** Its command was in flight when the instance was cancelled; a late success is compensated. */
    ABANDONED,
    COMPENSATING,
    COMPENSATED,
    /** The undo failed: an operator must retry it. */
    COMPENSATION_FAILED;

    /** Done as far as a join is concerned. */
    boolean letsSuccessorsStart() {
        return this == SUCCEEDED || this == SKIPPED;
    }

    /** The step's work failed or was given up on, from the instance's point of view. */
    boolean hasFailed() {
        return this == FAILED || this == TIMED_OUT;
    }
}
