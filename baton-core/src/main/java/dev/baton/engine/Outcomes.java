package dev.baton.engine;

import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Notification.IgnoredBecause;
import dev.baton.engine.Notification.OutcomeIgnored;
import dev.baton.engine.StepLifecycle.Cause;

/**
 * What an absolute outcome does. Only the outcome for a step's current command counts: a second one, one for an
 * older attempt, or one for a command never sent changes nothing and is reported as {@link OutcomeIgnored}. The
 * command id tells an execute outcome from a compensate outcome.
 */
final class Outcomes {
    private Outcomes() {}

    static void report(DecisionDraft d, ReportOutcome outcome) {
        StepExecution step = d.step(outcome.stepId());
        if (step == null) {
            ignore(d, outcome, IgnoredBecause.UNKNOWN_STEP);
            return;
        }
        if (step.fanOut() != null) {
            ForEachItems.report(d, step, outcome);
            Progress.advance(d);
            return;
        }
        String commandId = outcome.commandId();
        if (commandId != null && commandId.equals(step.commandId())) {
            switch (step.state()) {
                case RUNNING -> {
                    if (Sleeps.waitsForTime(step)) {
                        // A repeating step waiting out its delay took this round's outcome already.
                        ignore(d, outcome, IgnoredBecause.DUPLICATE);
                    } else {
                        running(d, step, outcome);
                    }
                }
                case WAITING_TO_RETRY -> {
                    // The call was answered twice (the executor called again after a crash). A failure is already
                    // taken; a success means the work is done after all.
                    if (outcome.succeeded()) {
                        HttpRetries.cancelRetry(d, step);
                        Repeats.succeeded(d, step, outcome.output(), HttpRetries.callsOf(d, step, outcome));
                    } else {
                        ignore(d, outcome, IgnoredBecause.DUPLICATE);
                    }
                }
                case TIMED_OUT, ABANDONED -> late(d, step, outcome);
                default -> ignore(d, outcome, IgnoredBecause.DUPLICATE);
            }
        } else if (commandId != null && commandId.equals(step.compensationCommandId())) {
            if (step.state() == StepState.COMPENSATING) {
                Compensations.outcome(d, step, outcome);
            } else {
                ignore(d, outcome, IgnoredBecause.DUPLICATE);
            }
        } else if (commandId != null && commandId.startsWith(outcome.instanceId() + "/" + outcome.stepId() + "/")) {
            ignore(d, outcome, IgnoredBecause.STALE);
        } else {
            ignore(d, outcome, IgnoredBecause.UNKNOWN_COMMAND);
        }
        Progress.advance(d);
    }

    private static void running(DecisionDraft d, StepExecution step, ReportOutcome outcome) {
        Timeouts.cancel(d, step);
        if (outcome.succeeded()) {
            Repeats.succeeded(d, step, outcome.output(), HttpRetries.callsOf(d, step, outcome));
        } else if (HttpRetries.retries(d, step, outcome)) {
            HttpRetries.scheduleRetry(d, step, errorOf(step, outcome));
        } else {
            fail(d, step, errorOf(step, outcome), HttpRetries.callsOf(d, step, outcome));
        }
    }

    /** An outcome for a step the instance stopped waiting for: its work happened, so a success is compensated. */
    private static void late(DecisionDraft d, StepExecution step, ReportOutcome outcome) {
        if (!outcome.succeeded()) {
            // The item's outcome was decided when the step timed out or was abandoned; this only records the failure.
            Failure error = errorOf(step, outcome);
            d.move(step, Cause.FAILED, b -> b.error(error).workerAttempts(outcome.workerAttempts()));
            return;
        }
        StepExecution succeeded =
                succeed(d, step, Cause.SUCCEEDED, outcome.output(), HttpRetries.callsOf(d, step, outcome));
        if (d.instance.status() == ProcessStatus.COMPLETED && d.stepDef(step).compensable()) {
            // The result is out and stays as it is; the late work is still compensated.
            Compensations.start(d, succeeded, Cause.COMPENSATION_DUE);
        }
    }

    static StepExecution succeed(DecisionDraft d, StepExecution step, Cause cause, Object output, int workerAttempts) {
        int order = d.instance.completions() + 1;
        d.instance.completions(order);
        return d.move(
                step,
                cause,
                b -> b.output(output).error(null).workerAttempts(workerAttempts).completionOrder(order));
    }

    static void fail(DecisionDraft d, StepExecution step, Failure error, int workerAttempts) {
        StepExecution failed = d.move(step, Cause.FAILED, b -> b.error(error).workerAttempts(workerAttempts));
        Progress.itemFails(d, failed, error);
    }

    /** The outcome's error, naming the step when the worker did not. */
    static Failure errorOf(StepExecution step, ReportOutcome outcome) {
        Failure error = outcome.error();
        if (error == null) {
            return new Failure(step.stepId(), ErrorTypes.FAILED, "the worker reported a failure without an error");
        }
        return error.stepId() != null ? error : new Failure(step.stepId(), error.type(), error.message());
    }

    private static void ignore(DecisionDraft d, ReportOutcome outcome, IgnoredBecause reason) {
        d.notify(new OutcomeIgnored(outcome.instanceId(), outcome.stepId(), outcome.commandId(), reason, d.at));
    }
}
