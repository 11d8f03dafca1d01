package dev.baton.definition;

import java.time.Duration;
import java.util.Locale;

/**
 * A workflow's deadline: {@code after} the instance's steps start (for a delayed start, when it starts), an instance
 * that is still running ends: its item fails ({@link Action#FAIL}) or is cancelled ({@link Action#CANCEL}). Either
 * way work in flight is abandoned (a late success is compensated) and the steps that succeeded are compensated, as
 * after a failed step. An instance that has completed, or whose item failed or was cancelled already, ignores it.
 */
public record Deadline(Duration after, Action then) {
    /** What a passed deadline does to the item. */
    public enum Action {
        FAIL,
        CANCEL;

        /** The YAML spelling. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
