package dev.baton.engine;

import static dev.baton.engine.StepState.ABANDONED;
import static dev.baton.engine.StepState.COMPENSATED;
import static dev.baton.engine.StepState.COMPENSATING;
import static dev.baton.engine.StepState.COMPENSATION_FAILED;
import static dev.baton.engine.StepState.FAILED;
import static dev.baton.engine.StepState.PENDING;
import static dev.baton.engine.StepState.RUNNING;
import static dev.baton.engine.StepState.SKIPPED;
import static dev.baton.engine.StepState.SUCCEEDED;
import static dev.baton.engine.StepState.TIMED_OUT;
import static dev.baton.engine.StepState.WAITING_TO_RETRY;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every way a step's state may change: a table of (from, cause, to). The engine changes a step's state only through
 * {@link DecisionDraft#move}, which looks the move up here and refuses one that is not in the table, so this table
 * is the whole lifecycle; {@link #mermaid()} draws it (checked in as docs/step-lifecycle.md).
 */
public final class StepLifecycle {
    private StepLifecycle() {}

    /** Why a step's state changes. */
    public enum Cause {
        /** Every step it comes after is done and its condition (if any) holds. */
        READY("ready"),
        /** Its {@code when} condition is false when it becomes ready. */
        CONDITION_FALSE("condition false"),
        /** The absolute outcome says the work succeeded (a worker, a child instance or an HTTP call). */
        SUCCEEDED("succeeded"),
        /** The signal it waits for is delivered. */
        SIGNAL_DELIVERED("signal delivered"),
        /** A sleep's wake time has come (or had passed when it started). */
        WOKE_UP("woke up"),
        /** A round of a repeating step succeeded without its condition holding: the next round goes out. */
        NEXT_ROUND("next round"),
        /** A repeating step's last round succeeded without its condition holding. */
        ROUNDS_EXHAUSTED("rounds exhausted"),
        /** The event it waits for arrived (or had arrived before it started). */
        EVENT_DELIVERED("event delivered"),
        /** An emit step's record is published with the decision that starts it. */
        PUBLISHED("published"),
        /** The absolute outcome says the work failed, or the step cannot start (nesting too deep). */
        FAILED("failed"),
        /** An HTTP call failed in a way worth trying again, with calls left in the step's retry policy. */
        RETRYABLE_FAILURE("retryable failure"),
        /** The backoff after a retryable failure is over: the next call goes out. */
        BACKOFF_OVER("backoff over"),
        /** No outcome arrived within the step's timeout. */
        TIMEOUT("timeout"),
        /** The instance no longer waits for the step: it was cancelled, or failed elsewhere. */
        STOPPED_WAITING("stopped waiting"),
        /** An operator retries an incident (or a parent repeats its compensate command). */
        RETRY_REQUESTED("retry requested"),
        /** The item failed or was cancelled and nothing downstream of the step awaits its own compensation. */
        COMPENSATION_DUE("compensation due"),
        /** The compensate command's outcome says the work was compensated. */
        COMPENSATION_SUCCEEDED("compensated"),
        /** The compensate command's outcome says the compensation failed. */
        COMPENSATION_FAILED("compensation failed"),
        /** An operator redrove the completed instance: the step's work does not stand, so it runs again. */
        REDRIVEN("redriven"),
        /** An operator completed the step by hand, with an output. */
        COMPLETED_BY_HAND("completed by hand"),
        /** An operator skipped the step. */
        SKIPPED_BY_HAND("skipped by hand"),
        /** An operator reruns the step (or one upstream of it), maybe with a new input: it is to run again. */
        RERUN_REQUESTED("rerun requested"),
        /** Every item of a forEach step is done, and no more failed than it tolerates. */
        ITEMS_DONE("all items done"),
        /** More items of a forEach step failed than it tolerates. */
        ITEMS_FAILED("too many items failed");

        private final String label;

        Cause(String label) {
            this.label = label;
        }

        /** How the diagram names it. */
        public String label() {
            return label;
        }
    }

    /** One allowed move. */
    public record Transition(StepState from, Cause cause, StepState to) {}

    /** The lifecycle, in the order a step usually lives it. */
    public static final List<Transition> TRANSITIONS = List.of(
            new Transition(PENDING, Cause.READY, RUNNING),
            new Transition(PENDING, Cause.CONDITION_FALSE, SKIPPED),
            new Transition(RUNNING, Cause.SUCCEEDED, SUCCEEDED),
            new Transition(RUNNING, Cause.SIGNAL_DELIVERED, SUCCEEDED),
            new Transition(RUNNING, Cause.WOKE_UP, SUCCEEDED),
            new Transition(RUNNING, Cause.NEXT_ROUND, RUNNING),
            new Transition(RUNNING, Cause.ROUNDS_EXHAUSTED, FAILED),
            new Transition(RUNNING, Cause.EVENT_DELIVERED, SUCCEEDED),
            new Transition(RUNNING, Cause.PUBLISHED, SUCCEEDED),
            new Transition(RUNNING, Cause.FAILED, FAILED),
            new Transition(RUNNING, Cause.RETRYABLE_FAILURE, WAITING_TO_RETRY),
            new Transition(RUNNING, Cause.TIMEOUT, TIMED_OUT),
            new Transition(RUNNING, Cause.STOPPED_WAITING, ABANDONED),
            new Transition(WAITING_TO_RETRY, Cause.BACKOFF_OVER, RUNNING),
            // The last call was answered twice (the executor called again after a crash) and did the work after all.
            new Transition(WAITING_TO_RETRY, Cause.SUCCEEDED, SUCCEEDED),
            new Transition(WAITING_TO_RETRY, Cause.STOPPED_WAITING, ABANDONED),
            // Late outcomes: the work happened although nobody waited any more; a success is compensated.
            new Transition(TIMED_OUT, Cause.SUCCEEDED, SUCCEEDED),
            new Transition(TIMED_OUT, Cause.FAILED, FAILED),
            new Transition(ABANDONED, Cause.SUCCEEDED, SUCCEEDED),
            new Transition(ABANDONED, Cause.FAILED, FAILED),
            new Transition(FAILED, Cause.RETRY_REQUESTED, RUNNING),
            new Transition(TIMED_OUT, Cause.RETRY_REQUESTED, RUNNING),
            new Transition(SUCCEEDED, Cause.COMPENSATION_DUE, COMPENSATING),
            new Transition(COMPENSATING, Cause.COMPENSATION_SUCCEEDED, COMPENSATED),
            new Transition(COMPENSATING, Cause.COMPENSATION_FAILED, COMPENSATION_FAILED),
            new Transition(COMPENSATION_FAILED, Cause.RETRY_REQUESTED, COMPENSATING),
            // Operator recovery.
            new Transition(FAILED, Cause.REDRIVEN, PENDING),
            new Transition(TIMED_OUT, Cause.REDRIVEN, PENDING),
            new Transition(ABANDONED, Cause.REDRIVEN, PENDING),
            new Transition(COMPENSATED, Cause.REDRIVEN, PENDING),
            new Transition(RUNNING, Cause.COMPLETED_BY_HAND, SUCCEEDED),
            new Transition(WAITING_TO_RETRY, Cause.COMPLETED_BY_HAND, SUCCEEDED),
            new Transition(FAILED, Cause.COMPLETED_BY_HAND, SUCCEEDED),
            new Transition(TIMED_OUT, Cause.COMPLETED_BY_HAND, SUCCEEDED),
            new Transition(PENDING, Cause.SKIPPED_BY_HAND, SKIPPED),
            new Transition(RUNNING, Cause.SKIPPED_BY_HAND, SKIPPED),
            new Transition(WAITING_TO_RETRY, Cause.SKIPPED_BY_HAND, SKIPPED),
            new Transition(FAILED, Cause.SKIPPED_BY_HAND, SKIPPED),
            new Transition(TIMED_OUT, Cause.SKIPPED_BY_HAND, SKIPPED),
            new Transition(SUCCEEDED, Cause.RERUN_REQUESTED, PENDING),
            new Transition(FAILED, Cause.RERUN_REQUESTED, PENDING),
            new Transition(TIMED_OUT, Cause.RERUN_REQUESTED, PENDING),
            new Transition(ABANDONED, Cause.RERUN_REQUESTED, PENDING),
            new Transition(COMPENSATED, Cause.RERUN_REQUESTED, PENDING),
            new Transition(SKIPPED, Cause.RERUN_REQUESTED, PENDING),
            // forEach: the step ends when its items do; items that succeeded in a failed or abandoned fan-out are
            // compensated with the rest of the instance's work.
            new Transition(RUNNING, Cause.ITEMS_DONE, SUCCEEDED),
            new Transition(RUNNING, Cause.ITEMS_FAILED, FAILED),
            new Transition(FAILED, Cause.COMPENSATION_DUE, COMPENSATING),
            new Transition(ABANDONED, Cause.COMPENSATION_DUE, COMPENSATING));

    private static final Map<StepState, Map<Cause, StepState>> TABLE = index();

    /** Where {@code cause} takes a step in state {@code from}; empty when the table has no such move. */
    public static Optional<StepState> next(StepState from, Cause cause) {
        return Optional.ofNullable(TABLE.get(from).get(cause));
    }

    /** The lifecycle as a Mermaid state diagram, the form docs/step-lifecycle.md shows. */
    public static String mermaid() {
        var sb = new StringBuilder("stateDiagram-v2\n");
        sb.append("    [*] --> ").append(PENDING).append('\n');
        for (Transition t : TRANSITIONS) {
            sb.append("    ")
                    .append(t.from())
                    .append(" --> ")
                    .append(t.to())
                    .append(": ")
                    .append(t.cause().label())
                    .append('\n');
        }
        for (StepState s : StepState.values()) {
            if (TABLE.get(s).isEmpty()) {
                sb.append("    ").append(s).append(" --> [*]\n");
            }
        }
        return sb.toString();
    }

    private static Map<StepState, Map<Cause, StepState>> index() {
        var table = new EnumMap<StepState, Map<Cause, StepState>>(StepState.class);
        for (StepState s : StepState.values()) {
            table.put(s, new EnumMap<>(Cause.class));
        }
        for (Transition t : TRANSITIONS) {
            if (table.get(t.from()).put(t.cause(), t.to()) != null) {
                throw new IllegalStateException("two moves from " + t.from() + " on " + t.cause());
            }
        }
        return table;
    }
}
