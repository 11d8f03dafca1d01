package dev.baton.engine;

import dev.baton.definition.StepDefinition;
import dev.baton.engine.Inbound.FireTimeout;
import dev.baton.engine.StepLifecycle.Cause;
import dev.baton.engine.TimerRequest.CancelTimeout;
import dev.baton.engine.TimerRequest.ScheduleTimeout;

/** A step's timeout: set when an attempt starts, cleared when its outcome arrives, a failure when it fires first. */
final class Timeouts {
    private Timeouts() {}

    static void schedule(DecisionDraft d, StepDefinition def, StepExecution started) {
        def.timeout()
                .ifPresent(t -> d.timer(new ScheduleTimeout(
                        d.instance.instanceId(), started.stepId(), started.commandId(), d.at.plus(t))));
    }

    /** Clears the running attempt's timer; {@code dueAt} finds it in the runtime's time-ordered index. */
    static void cancel(DecisionDraft d, StepExecution step) {
        d.stepDef(step)
                .timeout()
                .ifPresent(t -> d.timer(new CancelTimeout(
                        d.instance.instanceId(),
                        step.stepId(),
                        step.commandId(),
                        step.startedAt().plus(t))));
    }

    static void timeOut(DecisionDraft d, FireTimeout timeout) {
        StepExecution step = d.step(timeout.stepId());
        if (step == null
                || step.state() != StepState.RUNNING
                || Sleeps.waitsForTime(step)
                || !timeout.commandId().equals(step.commandId())) {
            return; // the step finished before its timer fired; nothing to report
        }
        String after = d.stepDef(step).timeout().map(Object::toString).orElse("its timeout");
        Failure error = new Failure(step.stepId(), ErrorTypes.TIMEOUT, "no outcome within " + after);
        StepExecution timedOut = d.move(step, Cause.TIMEOUT, b -> b.error(error));
        SubWorkflows.cancelChild(
                d,
                timedOut,
                "its parent step '" + step.stepId() + "' of instance '" + d.instance.instanceId() + "' timed out");
        Progress.itemFails(d, timedOut, error);
        Progress.advance(d);
    }
}
