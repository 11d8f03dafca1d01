package dev.baton.engine;

import dev.baton.engine.Inbound.FirePurge;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.TimerRequest.SchedulePurge;
import java.util.List;

/**
 * What the runtime may keep: a completed instance stays stored for the retention time (its result stays on the
 * result topic), and no state grows beyond what the runtime can store.
 */
final class Retention {
    private Retention() {}

    static void scheduleOnCompletion(DecisionDraft d) {
        if (d.facts.retention() != null) {
            d.timer(new SchedulePurge(d.instance.instanceId(), d.at.plus(d.facts.retention())));
        }
    }

    /**
     * The retention ran out. A compensation still open after the result (a late success being compensated, or its
     * failed compensation waiting for an operator) keeps the instance for another retention period.
     */
    static void purge(DecisionDraft d, FirePurge purge) {
        if (d.instance.status() != ProcessStatus.COMPLETED) {
            return;
        }
        if (d.any(StepState.COMPENSATING) || d.any(StepState.COMPENSATION_FAILED)) {
            scheduleOnCompletion(d);
            return;
        }
        d.forget();
    }

    /** The stored size of the decision's new state; 0 when nothing is stored or no limit applies. */
    static int sizeOf(Decision decision, Instance current, RuntimeFacts facts) {
        if (facts.stateLimit() <= 0 || decision.instance() == null || decision.instance() == current) {
            return 0;
        }
        return facts.stateSize().applyAsInt(decision.instance());
    }

    /** Keeping this output would make the instance too large to store: the step fails instead, like any failure. */
    static ReportOutcome asTooLarge(ReportOutcome o, int size, RuntimeFacts facts) {
        Failure tooLarge = new Failure(
                o.stepId(),
                ErrorTypes.OUTPUT_TOO_LARGE,
                "the output would make the instance's state " + size + " bytes, more than the limit of "
                        + facts.stateLimit());
        return new ReportOutcome(
                o.instanceId(), o.stepId(), o.commandId(), false, null, tooLarge, o.workerAttempts(), o.at());
    }

    /** Any other event that would make the state too large changes nothing; the runtime dead-letters it. */
    static Decision rejected(int size, RuntimeFacts facts) {
        return new Decision(
                null,
                List.of(),
                List.of(),
                List.of(),
                "the instance's state would be " + size + " bytes, more than the limit of " + facts.stateLimit(),
                false);
    }
}
