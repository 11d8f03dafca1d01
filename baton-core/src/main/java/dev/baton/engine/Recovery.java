package dev.baton.engine;

import dev.baton.engine.Inbound.CompleteStep;
import dev.baton.engine.Inbound.PauseInstance;
import dev.baton.engine.Inbound.RedriveInstance;
import dev.baton.engine.Inbound.RerunStep;
import dev.baton.engine.Inbound.ResumeInstance;
import dev.baton.engine.Inbound.SkipStep;
import dev.baton.engine.Notification.OperatorActed;
import dev.baton.engine.Notification.OperatorAction;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.StepLifecycle.Cause;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an operator does when an instance cannot go on by itself: pause it while a system it talks to is down and
 * resume it later, run a failed or cancelled one again (redrive), or settle a step by hand (complete it with an
 * output, or skip it). Every action names who took it and why, and is told as {@link OperatorActed}.
 *
 * <p>While paused, an instance records what arrives (outcomes, signals, fired timers) as usual but sends nothing: no
 * command, HTTP call, child start, compensation or result. A timeout that fires while paused still fails its step;
 * the compensation it starts waits for the resume. An HTTP step whose backoff ends while paused makes its next call
 * when the instance is resumed. An operator's retry is refused while paused; a cancel is taken, and its
 * compensation also waits for the resume.
 */
final class Recovery {
    private Recovery() {}

    static void pause(DecisionDraft d, PauseInstance pause) {
        Instance.Builder instance = d.instance;
        if (instance.status() == ProcessStatus.COMPLETED) {
            ignore(d, "PauseInstance", "the instance has completed");
            return;
        }
        if (instance.paused()) {
            ignore(d, "PauseInstance", "the instance is paused already");
            return;
        }
        instance.paused(true);
        acted(d, OperatorAction.PAUSE, null, pause.actor(), pause.reason());
    }

    static void resume(DecisionDraft d, ResumeInstance resume) {
        Instance.Builder instance = d.instance;
        if (!instance.paused()) {
            ignore(d, "ResumeInstance", "the instance is not paused");
            return;
        }
        instance.paused(false);
        acted(d, OperatorAction.RESUME, null, resume.actor(), resume.reason());
        for (StepExecution step : d.steps()) {
            Optional<Instant> due = HttpRetries.nextCallAt(d.stepDef(step), step);
            if (due.isPresent() && !due.get().isAfter(d.at)) {
                // Its backoff ended while the instance was paused: the call it held back goes out now.
                Progress.startStep(d, step, Cause.BACKOFF_OVER, step.workerAttempts());
            }
            if (Sleeps.waitsForTime(step)
                    && d.stepDef(step).repeat().isPresent()
                    && !step.dueAt().isAfter(d.at)) {
                // Its delay between rounds ended while the instance was paused: the round it held back goes out now.
                Repeats.nextRound(d, step);
            }
        }
        Progress.advance(d);
    }

    static void redrive(DecisionDraft d, RedriveInstance redrive) {
        Instance.Builder instance = d.instance;
        if (instance.status() != ProcessStatus.COMPLETED || instance.outcome() == Outcome.SUCCEEDED) {
            ignore(d, "RedriveInstance", "only a completed instance whose item failed or was cancelled is redriven");
            return;
        }
        String refusal = anotherRunRefusal(d);
        if (refusal != null) {
            ignore(d, "RedriveInstance", refusal);
            return;
        }
        acted(d, OperatorAction.REDRIVE, null, redrive.actor(), redrive.reason());
        for (StepExecution step : d.steps()) {
            if (StepLifecycle.next(step.state(), Cause.REDRIVEN).isPresent()) {
                // The attempt number stays, so the next start sends a command id never used before.
                d.move(step, Cause.REDRIVEN, Recovery::resetForAnotherRun);
            }
        }
        instance.status(ProcessStatus.RUNNING)
                .outcome(null)
                .failure(null)
                .completedAt(null)
                .compensated(List.of())
                .redrives(instance.redrives() + 1);
        Progress.advance(d);
    }

    /**
     * Runs a step again, and every step after it, on a completed instance or one in an incident: the steps upstream
     * of it must all stand (succeeded or skipped), since it runs on their outputs. The work of the steps rerun is not
     * compensated first: that is the operator's call. A completed instance starts a new run, with a result of its own.
     */
    static void rerun(DecisionDraft d, RerunStep rerun) {
        Instance.Builder instance = d.instance;
        StepExecution step = rerun.stepId() == null ? null : d.step(rerun.stepId());
        String refusal = null;
        if (step == null) {
            refusal = "the workflow has no step '" + rerun.stepId() + "'";
        } else if (instance.status() != ProcessStatus.COMPLETED && instance.status() != ProcessStatus.INCIDENT) {
            refusal = "only a completed instance, or one in an incident, reruns a step";
        } else if (instance.paused()) {
            refusal = "the instance is paused: resume it first";
        } else {
            refusal = anotherRunRefusal(d);
            if (refusal == null) {
                refusal = upstreamRefusal(d, step);
            }
        }
        if (refusal != null) {
            ignore(d, "RerunStep", refusal);
            return;
        }
        acted(d, OperatorAction.RERUN_STEP, step.stepId(), rerun.actor(), rerun.reason());
        var again = new java.util.HashSet<>(d.definition.descendants(step.stepId()));
        again.add(step.stepId());
        for (StepExecution s : d.steps()) {
            if (again.contains(s.stepId())
                    && StepLifecycle.next(s.state(), Cause.RERUN_REQUESTED).isPresent()) {
                Object override = s.stepId().equals(step.stepId()) ? rerun.input() : null;
                d.move(s, Cause.RERUN_REQUESTED, b -> resetForAnotherRun(b).inputOverride(override));
            }
        }
        if (instance.status() == ProcessStatus.COMPLETED) {
            instance.redrives(instance.redrives() + 1);
        }
        instance.status(ProcessStatus.RUNNING)
                .outcome(null)
                .failure(null)
                .completedAt(null)
                .compensated(instance.compensatedSoFar().stream()
                        .filter(id -> !again.contains(id))
                        .toList());
        Progress.advance(d);
    }

    /**
     * Why the instance may not run (part of) its workflow again, as a redrive or a rerun would: a child runs again only
     * through its parent, and an open compensation must settle first. {@code null} when it may.
     */
    private static String anotherRunRefusal(DecisionDraft d) {
        if (d.instance.parent() != null) {
            return "a sub-workflow's instance is run again through its parent's step";
        }
        if (d.any(StepState.COMPENSATING) || d.any(StepState.COMPENSATION_FAILED)) {
            return "a compensation of late work is still open; let it finish (or retry it)";
        }
        return null;
    }

    /** A rerun runs on the outputs of the steps before it: each must stand. {@code null} when they all do. */
    private static String upstreamRefusal(DecisionDraft d, StepExecution step) {
        for (String up : d.definition.ancestors(step.stepId())) {
            if (!d.step(up).state().letsSuccessorsStart()) {
                return "step '" + up + "' before it is " + d.step(up).state()
                        + ": rerun from there, or redrive the instance";
            }
        }
        return null;
    }

    /** What a step that runs again forgets of its last run; the attempt number stays, so command ids are new. */
    private static StepExecution.Builder resetForAnotherRun(StepExecution.Builder b) {
        return b.output(null)
                .error(null)
                .workerAttempts(0)
                .completionOrder(0)
                .compensationAttempt(0)
                .compensationCommandId(null)
                .compensationStartedAt(null)
                .compensationFinishedAt(null)
                .compensationError(null);
    }

    static void complete(DecisionDraft d, CompleteStep complete) {
        StepExecution step = settleable(d, "CompleteStep", complete.stepId(), Cause.COMPLETED_BY_HAND);
        if (step == null) {
            return;
        }
        acted(d, OperatorAction.COMPLETE_STEP, step.stepId(), complete.actor(), complete.reason());
        stopWork(d, step, "step '" + step.stepId() + "' of its parent was completed by hand");
        Outcomes.succeed(d, step, Cause.COMPLETED_BY_HAND, complete.output(), step.workerAttempts());
        Progress.advance(d);
    }

    static void skip(DecisionDraft d, SkipStep skip) {
        StepExecution step = settleable(d, "SkipStep", skip.stepId(), Cause.SKIPPED_BY_HAND);
        if (step == null) {
            return;
        }
        acted(d, OperatorAction.SKIP_STEP, step.stepId(), skip.actor(), skip.reason());
        stopWork(d, step, "step '" + step.stepId() + "' of its parent was skipped by hand");
        d.move(step, Cause.SKIPPED_BY_HAND, b -> b.error(null));
        Progress.advance(d);
    }

    /** The step, when an operator may settle it now; otherwise the refusal is told and the answer is null. */
    private static StepExecution settleable(DecisionDraft d, String request, String stepId, Cause cause) {
        StepExecution step = stepId == null ? null : d.step(stepId);
        if (step == null) {
            ignore(d, request, "the workflow has no step '" + stepId + "'");
            return null;
        }
        if (d.instance.outcome() != null) {
            ignore(d, request, "the item has already failed or was cancelled: redrive the instance instead");
            return null;
        }
        if (StepLifecycle.next(step.state(), cause).isEmpty()) {
            ignore(d, request, "step '" + stepId + "' is " + step.state() + ": there is nothing to settle");
            return null;
        }
        return step;
    }

    /** Whatever still works for the step stops: its timers are cleared, a running child instance is cancelled. */
    private static void stopWork(DecisionDraft d, StepExecution step, String reason) {
        if (step.state() == StepState.WAITING_TO_RETRY) {
            HttpRetries.cancelRetry(d, step);
        } else if (Sleeps.waitsForTime(step)) {
            Sleeps.cancelWake(d, step);
        } else if (step.state() == StepState.RUNNING) {
            Timeouts.cancel(d, step);
            SubWorkflows.cancelChild(d, step, reason);
        }
    }

    private static void acted(DecisionDraft d, OperatorAction action, String stepId, String actor, String reason) {
        d.notify(new OperatorActed(d.instance.instanceId(), action, stepId, actor, reason, d.at));
    }

    private static void ignore(DecisionDraft d, String request, String reason) {
        d.notify(new RequestIgnored(d.instance.instanceId(), request, reason, d.at));
    }
}
