package dev.baton.engine;

import java.util.Objects;

/**
 * The progress of a forEach step's current attempt, compact whatever the list's length: how many items there are,
 * how far starting them has got, and which finished how. Item outputs are not here: each is stored apart (an
 * {@link ItemResult}), so a decision about one item does not rewrite every other item's output.
 *
 * <p>An item is <em>pending</em> when its index is {@code >= started()}, <em>running</em> when it started and is in
 * neither {@link #succeeded()} nor {@link #failed()}.
 *
 * @param total the list's length when the attempt started
 * @param started items started so far: those with an index below it (items start in list order)
 * @param succeeded items whose work succeeded
 * @param failed items whose work failed
 * @param compensationsSent succeeded items whose compensate command of the step's current compensation attempt is out
 * @param compensated items whose compensation succeeded
 * @param compensationFailed items whose compensation of the current compensation attempt failed
 */
public record FanOut(
        int total,
        int started,
        IndexSet succeeded,
        IndexSet failed,
        IndexSet compensationsSent,
        IndexSet compensated,
        IndexSet compensationFailed) {

    public FanOut {
        Objects.requireNonNull(succeeded);
        Objects.requireNonNull(failed);
        Objects.requireNonNull(compensationsSent);
        Objects.requireNonNull(compensated);
        Objects.requireNonNull(compensationFailed);
    }

    /** A fan-out over {@code total} items, none started. */
    public static FanOut of(int total) {
        return new FanOut(total, 0, IndexSet.EMPTY, IndexSet.EMPTY, IndexSet.EMPTY, IndexSet.EMPTY, IndexSet.EMPTY);
    }

    /** Items started and not finished. */
    public int running() {
        return started - succeeded.size() - failed.size();
    }

    /** Compensate commands out and not answered. */
    public int compensating() {
        return compensationsSent.size() - compensated.size() - compensationFailed.size();
    }

    /** Every item finished, succeeded or failed. */
    public boolean allDone() {
        return succeeded.size() + failed.size() == total;
    }

    /** Whether the item at {@code index} is under way. */
    public boolean isRunning(int index) {
        return index < started && !succeeded.contains(index) && !failed.contains(index);
    }

    FanOut withStarted(int v) {
        return new FanOut(total, v, succeeded, failed, compensationsSent, compensated, compensationFailed);
    }

    FanOut withSucceeded(int index) {
        return new FanOut(
                total, started, succeeded.with(index), failed, compensationsSent, compensated, compensationFailed);
    }

    FanOut withFailed(int index) {
        return new FanOut(
                total, started, succeeded, failed.with(index), compensationsSent, compensated, compensationFailed);
    }

    FanOut withCompensationSent(int index) {
        return new FanOut(
                total, started, succeeded, failed, compensationsSent.with(index), compensated, compensationFailed);
    }

    FanOut withCompensated(int index) {
        return new FanOut(
                total, started, succeeded, failed, compensationsSent, compensated.with(index), compensationFailed);
    }

    FanOut withCompensationFailed(int index) {
        return new FanOut(
                total, started, succeeded, failed, compensationsSent, compensated, compensationFailed.with(index));
    }

    /** A new compensation attempt: only the items already compensated count as done. */
    FanOut compensatingAgain() {
        return new FanOut(total, started, succeeded, failed, compensated, compensated, IndexSet.EMPTY);
    }
}
