package dev.baton.engine;

import dev.baton.definition.SubWorkflow;
import dev.baton.engine.Inbound.CompensateInstance;
import dev.baton.engine.Inbound.FirePurge;
import dev.baton.engine.Inbound.FireRetry;
import dev.baton.engine.Inbound.FireTimeout;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.Outbound.CancelChild;
import dev.baton.engine.Outbound.CompensateChild;
import dev.baton.engine.Outbound.ParentOutcome;
import dev.baton.engine.Outbound.StartChild;
import dev.baton.engine.StepLifecycle.Cause;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sub-workflows, from both sides. A parent's step with {@code workflow: name} starts a child instance instead of
 * commanding a worker, and takes the child's result as its outcome (succeeded with the child's output, or failed
 * naming the child and its failed step). When the parent stops wanting that outcome (cancel, timeout, or the item
 * failing elsewhere) the child is cancelled, so it compensates its own work. A succeeded sub-workflow step is
 * compensated by asking the completed child to compensate its steps; the child answers like a compensation worker.
 * A parent always hears back, also when the child cannot start or is no longer stored.
 */
final class SubWorkflows {
    private SubWorkflows() {}

    static Optional<String> childInstanceId(String instanceId, String stepId, int attempt) {
        String id = instanceId + ":" + stepId + ":" + attempt;
        return id.length() <= Instance.MAX_ID_LENGTH ? Optional.of(id) : Optional.empty();
    }

    // --- the parent's side ----------------------------------------------------------------------------------------

    /** Starts the child of a step's attempt; false when it cannot, because the id would nest too deep. */
    static boolean startChild(DecisionDraft d, StepExecution step, SubWorkflow workflow, Object input) {
        Instance.Builder instance = d.instance;
        Optional<String> child = childInstanceId(instance.instanceId(), step.stepId(), step.attempt());
        if (child.isEmpty()) {
            Outcomes.fail(
                    d,
                    step,
                    new Failure(
                            step.stepId(),
                            ErrorTypes.NESTING_TOO_DEEP,
                            "the child instance's id '" + instance.instanceId() + ":" + step.stepId() + ":"
                                    + step.attempt() + "' would be longer than " + Instance.MAX_ID_LENGTH
                                    + " characters: sub-workflows are nested too deep"),
                    0);
            return false;
        }
        d.send(new StartChild(
                instance.instanceId(),
                child.get(),
                workflow.name(),
                workflow.version(),
                input,
                instance.businessKey(),
                new ParentRef(instance.instanceId(), step.stepId(), step.commandId())));
        return true;
    }

    /** Cancels the child of a sub-workflow step whose outcome the parent no longer waits for as it was. */
    static void cancelChild(DecisionDraft d, StepExecution step, String reason) {
        if (d.stepDef(step).kind() instanceof SubWorkflow && step.fanOut() != null) {
            ForEachItems.cancelChildren(d, step, reason);
        } else if (d.stepDef(step).kind() instanceof SubWorkflow) {
            childInstanceId(d.instance.instanceId(), step.stepId(), step.attempt())
                    .ifPresent(child -> d.send(new CancelChild(d.instance.instanceId(), child, reason)));
        }
    }

    static void compensateChild(DecisionDraft d, StepExecution step) {
        d.send(new CompensateChild(
                d.instance.instanceId(),
                childInstanceId(d.instance.instanceId(), step.stepId(), step.attempt())
                        .orElseThrow(),
                new ParentRef(d.instance.instanceId(), step.stepId(), step.compensationCommandId())));
    }

    // --- the child's side -----------------------------------------------------------------------------------------

    /** The child completed: its parent's step takes the result as its outcome. */
    static void answerParent(DecisionDraft d, Outcome outcome, Object output) {
        Instance.Builder instance = d.instance;
        boolean succeeded = outcome == Outcome.SUCCEEDED;
        d.send(new ParentOutcome(
                instance.instanceId(),
                instance.parent(),
                succeeded,
                output,
                succeeded ? null : failureForParent(instance, outcome)));
    }

    /** The child's failure as its parent's step reports it: the child's error type, naming the child and its step. */
    private static Failure failureForParent(Instance.Builder instance, Outcome outcome) {
        Failure f = instance.failure();
        String what = outcome == Outcome.CANCELLED
                ? "was cancelled"
                : "failed" + (f != null && f.stepId() != null ? " at step '" + f.stepId() + "'" : "");
        return new Failure(
                instance.parent().stepId(),
                f == null ? ErrorTypes.FAILED : f.type(),
                "sub-workflow " + instance.workflow() + " instance '" + instance.instanceId() + "' " + what
                        + (f == null ? "" : ": " + f.message()));
    }

    /** A parent compensates its succeeded sub-workflow step: this completed instance compensates its steps. */
    static void compensateForParent(DecisionDraft d, CompensateInstance request) {
        Instance.Builder instance = d.instance;
        ParentRef parent = instance.parent();
        if (parent == null
                || !parent.instanceId().equals(request.requester().instanceId())
                || !parent.stepId().equals(request.requester().stepId())) {
            d.notify(new RequestIgnored(
                    instance.instanceId(),
                    "CompensateInstance",
                    "only the parent step that started an instance can ask it to compensate its work",
                    d.at));
            return;
        }
        if (instance.status() != ProcessStatus.COMPLETED) {
            d.notify(new RequestIgnored(
                    instance.instanceId(),
                    "CompensateInstance",
                    "the instance has not completed: there is no finished work to compensate yet",
                    d.at));
            return;
        }
        instance.parentCompensationCommandId(request.requester().commandId());
        for (StepExecution step : d.steps()) {
            if (step.state() == StepState.COMPENSATION_FAILED) {
                // The parent's retry of its own failed compensate command lands here.
                Compensations.start(d, step, Cause.RETRY_REQUESTED);
            }
        }
        Progress.advance(d);
    }

    /** Compensates what is ready; once nothing is left in flight, answers the parent's compensate command. */
    static void settleCompensationForParent(DecisionDraft d) {
        Compensations.startReady(d);
        if (d.any(StepState.COMPENSATING)) {
            return;
        }
        Instance.Builder instance = d.instance;
        ParentRef answer = instance.parent().forCommand(instance.parentCompensationCommandId());
        StepExecution failed = instance.steps().stream()
                .filter(s -> s.state() == StepState.COMPENSATION_FAILED)
                .findFirst()
                .orElse(null);
        Failure error = failed == null
                ? null
                : new Failure(
                        answer.stepId(),
                        ErrorTypes.COMPENSATION_FAILED,
                        "sub-workflow " + instance.workflow() + " instance '" + instance.instanceId()
                                + "' could not compensate its step '" + failed.stepId() + "'"
                                + (failed.compensationError() == null
                                        ? ""
                                        : ": " + failed.compensationError().message()));
        d.send(new ParentOutcome(
                instance.instanceId(),
                answer,
                failed == null,
                failed == null ? Map.of("compensated", List.copyOf(instance.compensatedSoFar())) : null,
                error));
        instance.parentCompensationCommandId(null);
    }

    // --- answers when there is no child to ask --------------------------------------------------------------------

    /** A parent's start under an id another instance has: the parent waits for an outcome that will never come. */
    static void answerIdTaken(DecisionDraft d, StartInstance start) {
        failParentStep(
                d,
                start.instanceId(),
                start.parent(),
                ErrorTypes.INSTANCE_ID_TAKEN,
                "cannot start the sub-workflow: an instance '" + start.instanceId() + "' exists already");
    }

    /**
     * A start of a workflow that is not deployed. A parent waiting for this child fails its step instead of waiting
     * for a start that cannot happen; a plain request is rejected.
     */
    static void unknownWorkflow(DecisionDraft d, StartInstance start) {
        String reason = "unknown workflow '" + start.workflow() + "'"
                + (start.version() == null ? "" : " version " + start.version()) + ": deploy it first";
        if (start.parent() == null) {
            d.reject(reason);
            return;
        }
        failParentStep(
                d,
                start.instanceId(),
                start.parent(),
                ErrorTypes.UNKNOWN_WORKFLOW,
                "cannot start sub-workflow instance '" + start.instanceId() + "': " + reason);
    }

    /**
     * An event for an instance that is not stored. A parent compensating a child whose retention ran out must hear
     * that the child's work cannot be compensated; a timer of a forgotten instance is simply late; anything else is
     * rejected.
     */
    static void noSuchInstance(DecisionDraft d, Inbound event) {
        if (event instanceof CompensateInstance request) {
            failParentStep(
                    d,
                    request.instanceId(),
                    request.requester(),
                    ErrorTypes.COMPENSATION_FAILED,
                    "sub-workflow instance '" + request.instanceId() + "' is no longer stored (its retention ran "
                            + "out), so its work cannot be compensated");
        } else if (!(event instanceof FireTimeout
                || event instanceof FireRetry
                || event instanceof FirePurge
                || event instanceof Inbound.FireWake
                || event instanceof Inbound.FireStart
                || event instanceof Inbound.FireDeadline)) {
            d.reject("unknown instance '" + event.instanceId() + "'");
        }
    }

    /** The parent's command fails with this error: what a child that cannot answer it says instead. */
    private static void failParentStep(DecisionDraft d, String childId, ParentRef parent, String type, String message) {
        d.send(new ParentOutcome(childId, parent, false, null, new Failure(parent.stepId(), type, message)));
    }
}
