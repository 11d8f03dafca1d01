package dev.baton.engine;

import dev.baton.definition.Deadline;
import dev.baton.engine.Inbound.FireDeadline;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.TimerRequest.CancelDeadline;
import dev.baton.engine.TimerRequest.ScheduleDeadline;
import java.time.Duration;
import java.time.Instant;

/**
 * A workflow's {@code deadline} (or the start request's own): counted from the instance's start ({@code startAt} for a
 * delayed start), it ends an instance that is still running when it passes. With {@code then: fail} the item fails, with {@code then: cancel} it is cancelled; either
 * way, as for a cancel, work in flight is not waited for (it may never answer: that is often why the deadline passed)
 * but abandoned, a running child instance is cancelled, a late success is compensated, and the steps that succeeded
 * are compensated. An instance whose item failed or was cancelled already keeps that outcome, but stops waiting for
 * work in flight, so that its compensation runs. A completed instance ignores it. A redrive does not set it again.
 */
final class Deadlines {
    private Deadlines() {}

    /**
     * Sets the instance's deadline, {@code override} (the request's) or the workflow's {@code after} past {@code from}.
     */
    static void schedule(DecisionDraft d, Instant from, Duration override) {
        Duration after = override != null
                ? override
                : d.definition.deadline().map(Deadline::after).orElse(null);
        if (after != null) {
            d.instance.deadlineAt(from.plus(after));
            d.timer(new ScheduleDeadline(d.instance.instanceId(), d.instance.deadlineAt()));
        }
    }

    static void pass(DecisionDraft d, FireDeadline fired) {
        Instance.Builder instance = d.instance;
        if (instance.deadlineAt() == null
                || instance.deadlineAt().isAfter(d.at)
                || instance.status() == ProcessStatus.COMPLETED) {
            return; // the instance ended first (or the firing is not this instance's deadline)
        }
        String why = "the deadline of its parent instance '" + instance.instanceId() + "' passed";
        if (instance.outcome() == null) {
            // A request's own deadline fails the item unless the workflow's says to cancel it.
            boolean fail =
                    d.definition.deadline().map(Deadline::then).orElse(Deadline.Action.FAIL) == Deadline.Action.FAIL;
            Outcome outcome = fail ? Outcome.FAILED : Outcome.CANCELLED;
            Failure reason = new Failure(
                    null,
                    fail ? ErrorTypes.DEADLINE_EXCEEDED : ErrorTypes.CANCELLED,
                    "the instance's deadline passed at " + instance.deadlineAt());
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
