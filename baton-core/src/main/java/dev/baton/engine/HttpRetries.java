package dev.baton.engine;

import dev.baton.definition.HttpRetry;
import dev.baton.definition.HttpStep;
import dev.baton.definition.StepDefinition;
import dev.baton.engine.Inbound.FireRetry;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.StepLifecycle.Cause;
import dev.baton.engine.TimerRequest.CancelRetry;
import dev.baton.engine.TimerRequest.ScheduleRetry;
import java.time.Instant;
import java.util.Optional;

/**
 * The orchestrator's own retries, for HTTP steps, where no worker owns them: a failed call marked retryable, with
 * calls left in the step's policy, is not a failure yet. The step waits out its backoff on a timer
 * ({@link StepState#WAITING_TO_RETRY}), then the next call goes out under the next attempt's command id and the
 * run's one idempotency key.
 */
final class HttpRetries {
    private HttpRetries() {}

    /** Whether a failed call is made again: the step has a retry policy with calls left, and the item still stands. */
    static boolean retries(DecisionDraft d, StepExecution step, ReportOutcome outcome) {
        HttpRetry retry = d.stepDef(step).kind() instanceof HttpStep http ? http.retry() : null;
        return retry != null
                && outcome.retryable()
                && d.instance.outcome() == null
                && callsOf(d, step, outcome) < retry.maxAttempts();
    }

    static void scheduleRetry(DecisionDraft d, StepExecution step, Failure error) {
        int calls = step.workerAttempts() + 1;
        StepExecution waiting =
                d.move(step, Cause.RETRYABLE_FAILURE, b -> b.error(error).workerAttempts(calls));
        Instant retryAt = nextCallAt(d.stepDef(step), waiting).orElseThrow();
        d.timer(new ScheduleRetry(d.instance.instanceId(), step.stepId(), step.commandId(), retryAt));
    }

    static void cancelRetry(DecisionDraft d, StepExecution step) {
        Instant retryAt = nextCallAt(d.stepDef(step), step).orElseThrow();
        d.timer(new CancelRetry(d.instance.instanceId(), step.stepId(), step.commandId(), retryAt));
    }

    /** The backoff is over: the step's next call goes out, unless the step stopped waiting for it. */
    static void callAgain(DecisionDraft d, FireRetry retry) {
        StepExecution step = d.step(retry.stepId());
        if (step == null
                || step.state() != StepState.WAITING_TO_RETRY
                || !retry.commandId().equals(step.commandId())) {
            return; // the step succeeded after all, or was abandoned; its timer was cleared, this is a late firing
        }
        if (d.instance.paused()) {
            return; // the call is held back; Recovery.resume makes it
        }
        Progress.startStep(d, step, Cause.BACKOFF_OVER, step.workerAttempts());
        Progress.advance(d);
    }

    /** When the next call of a step waiting out its backoff goes out: its last call's end plus the backoff. */
    static Optional<Instant> nextCallAt(StepDefinition def, StepExecution step) {
        if (step.state() != StepState.WAITING_TO_RETRY || !(def.kind() instanceof HttpStep http)) {
            return Optional.empty();
        }
        return Optional.of(step.finishedAt().plus(http.retry().backoffAfter(step.workerAttempts())));
    }

    /** The calls an HTTP step has made in this run, this one included; for other steps, the worker's tries. */
    static int callsOf(DecisionDraft d, StepExecution step, ReportOutcome outcome) {
        return d.stepDef(step).kind() instanceof HttpStep ? step.workerAttempts() + 1 : outcome.workerAttempts();
    }
}
