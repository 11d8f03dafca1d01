package dev.baton.engine;

/**
 * Where the orchestration process of one instance stands. Kept apart from the item's {@link Outcome}: a process
 * can complete correctly while its item failed (the article's "process completed, item failed").
 */
public enum ProcessStatus {
    /** Steps are running or waiting to run. */
    RUNNING,
    /** The item has failed or was cancelled; in-flight steps are finishing, completed steps are being compensated. */
    COMPENSATING,
    /** Nothing can move without an operator: a step failed with {@code onFailure: wait}, or a compensation failed. */
    INCIDENT,
    /** Terminal: the result has been published. */
    COMPLETED
}
