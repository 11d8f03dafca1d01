package dev.baton.engine;

import dev.baton.engine.Inbound.CancelInstance;
import dev.baton.engine.Inbound.RetryInstance;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.StepLifecycle.Cause;

/**
 * What an operator can do to an instance. Cancel is like a failure, but running steps are not waited for: they are
 * abandoned, and a success that arrives later is compensated. Retry resolves an incident: a failed step (with
 * {@code onFailure: wait}) runs again under its next attempt, or a failed compensation is sent again.
 */
final class OperatorActions {
    private OperatorActions() {}

    static void cancel(DecisionDraft d, CancelInstance cancel) {
        Instance.Builder instance = d.instance;
        if (instance.status() == ProcessStatus.COMPLETED) {
            d.notify(new RequestIgnored(cancel.instanceId(), "CancelInstance", "the instance has completed", d.at));
            return;
        }
        if (instance.outcome() != null) {
            String already = instance.outcome() == Outcome.CANCELLED ? "been cancelled" : "failed";
            d.notify(new RequestIgnored(
                    cancel.instanceId(),
                    "CancelInstance",
                    "the item has already " + already + "; its compensation is under way",
                    d.at));
            return;
        }
        Failure reason = new Failure(
                null, ErrorTypes.CANCELLED, cancel.reason() == null ? "cancelled by an operator" : cancel.reason());
        instance.outcome(Outcome.CANCELLED).failure(reason);
        d.notify(new InstanceFailing(instance.instanceId(), Outcome.CANCELLED, reason, d.at));
        for (StepExecution step : d.steps()) {
            if (step.state().isActive()) {
                Progress.abandon(d, step);
                SubWorkflows.cancelChild(d, step, "its parent instance '" + instance.instanceId() + "' was cancelled");
            }
        }
        Progress.advance(d);
    }

    static void retry(DecisionDraft d, RetryInstance retry) {
        Instance.Builder instance = d.instance;
        boolean lateCompensationFailed =
                instance.status() == ProcessStatus.COMPLETED && d.any(StepState.COMPENSATION_FAILED);
        if (instance.status() != ProcessStatus.INCIDENT && !lateCompensationFailed) {
            d.notify(new RequestIgnored(
                    retry.instanceId(),
                    "RetryInstance",
                    "nothing to retry: the instance is " + instance.status(),
                    d.at));
            return;
        }
        if (instance.paused()) {
            d.notify(new RequestIgnored(
                    retry.instanceId(), "RetryInstance", "the instance is paused: resume it first", d.at));
            return;
        }
        boolean retried = false;
        for (StepExecution step : d.steps()) {
            if (retry.stepId() != null && !retry.stepId().equals(step.stepId())) {
                continue;
            }
            if (step.state().hasFailed() && instance.outcome() == null) {
                Progress.startStep(d, step, Cause.RETRY_REQUESTED, 0);
                retried = true;
            } else if (step.state() == StepState.COMPENSATION_FAILED) {
                Compensations.start(d, step, Cause.RETRY_REQUESTED);
                retried = true;
            }
        }
        if (!retried) {
            d.notify(new RequestIgnored(
                    retry.instanceId(),
                    "RetryInstance",
                    retry.stepId() == null
                            ? "no failed step or compensation to retry"
                            : "step '" + retry.stepId() + "' has nothing to retry",
                    d.at));
            return;
        }
        Progress.advance(d);
    }
}
