package dev.baton.engine;

import dev.baton.definition.Deadline;
import dev.baton.engine.Inbound.FireDeadline;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.TimerRequest.CancelDeadline;
import dev.baton.engine.TimerRequest.ScheduleDeadline;

/**
 * A workflow's {@code deadline}: set when the instance's first steps start, it ends an instance that is still
 * running when it passes. With {@code then: fail} the item fails, with {@code then: cancel} it is cancelled; either
 * way, as for a cancel, work in flight is not waited for (it may never answer: that is often why the deadline passed)
 * but abandoned, a running child instance is cancelled, a late success is compensated, and the steps that succeeded
 * are compensated. An instance whose item failed or was cancelled already keeps that outcome, but stops waiting for
 * work in flight, so that its compensation runs. A completed instance ignores it. A redrive does not set it again.
 */
final class Deadlines {
    private Deadlines() {}

    static void schedule(DecisionDraft d) {
        d.definition.deadline().ifPresent(deadline -> {
            d.instance.deadlineAt(d.at.plus(deadline.after()));
            d.timer(new ScheduleDeadline(d.instance.instanceId(), d.instance.deadlineAt()));
        });
    }

    static void pass(DecisionDraft d, FireDeadline fired) {
        Instance.Builder instance = d.instance;
        Deadline deadline = d.definition.deadline().orElse(null);
        if (deadline == null
                || instance.deadlineAt() == null
                || instance.deadlineAt().isAfter(d.at)
                || instance.status() == ProcessStatus.COMPLETED) {
            return; // the instance ended first (or the firing is not this instance's deadline)
        }
        String why = "the deadline of its parent instance '" + instance.instanceId() + "' passed";
        if (instance.outcome() == null) {
            boolean fail = deadline.then() == Deadline.Action.FAIL;
            Outcome outcome = fail ? Outcome.FAILED : Outcome.CANCELLED;
            Failure reason = new Failure(
                    null,
                    fail ? ErrorTypes.DEADLINE_EXCEEDED : ErrorTypes.CANCELLED,
                    "the workflow's deadline of " + deadline.after() + " passed at " + instance.deadlineAt());
            instance.outcome(outcome).failure(reason);
            d.notify(new InstanceFailing(instance.instanceId(), outcome, reason, d.at));
        }
        // An item that failed already keeps its outcome, but no longer waits for work in flight: a worker that never
        // answers must not keep its compensation from running.
        for (StepExecution step : d.steps()) {
            if (step.state().isActive()) {
                Progress.abandon(d, step);
                SubWorkflows.cancelChild(d, step, why);
            }
        }
        Progress.advance(d);
    }

    /** A completed instance needs its deadline timer no more; the time stays in its state for the record. */
    static void clearOnCompletion(DecisionDraft d) {
        Instance.Builder instance = d.instance;
        if (instance.deadlineAt() != null && instance.deadlineAt().isAfter(d.at)) {
            d.timer(new CancelDeadline(instance.instanceId(), instance.deadlineAt()));
        }
    }
}
