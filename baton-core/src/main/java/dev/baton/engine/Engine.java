package dev.baton.engine;

import dev.baton.definition.HttpRetry;
import dev.baton.definition.HttpStep;
import dev.baton.definition.StepDefinition;
import dev.baton.definition.SubWorkflow;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.CancelInstance;
import dev.baton.engine.Inbound.CompensateInstance;
import dev.baton.engine.Inbound.DeliverSignal;
import dev.baton.engine.Inbound.FireRetry;
import dev.baton.engine.Inbound.FireTimeout;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.RetryInstance;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Notification.CompensationCompleted;
import dev.baton.engine.Notification.CompensationFailed;
import dev.baton.engine.Notification.CompensationStarted;
import dev.baton.engine.Notification.IgnoredBecause;
import dev.baton.engine.Notification.IncidentRaised;
import dev.baton.engine.Notification.InstanceCompleted;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.Notification.InstanceStarted;
import dev.baton.engine.Notification.OutcomeIgnored;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.Notification.StepCompleted;
import dev.baton.engine.Notification.StepFailed;
import dev.baton.engine.Notification.StepRetryScheduled;
import dev.baton.engine.Notification.StepSkipped;
import dev.baton.engine.Notification.StepStarted;
import dev.baton.engine.Notification.StepTimedOut;
import dev.baton.engine.Outbound.CancelChild;
import dev.baton.engine.Outbound.CompensateChild;
import dev.baton.engine.Outbound.HttpCall;
import dev.baton.engine.Outbound.ParentOutcome;
import dev.baton.engine.Outbound.StartChild;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.Outbound.WorkflowResult;
import dev.baton.engine.TimerRequest.CancelRetry;
import dev.baton.engine.TimerRequest.CancelTimeout;
import dev.baton.engine.TimerRequest.ScheduleRetry;
import dev.baton.engine.TimerRequest.ScheduleTimeout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The workflow rules: a pure function from (definition, instance state, inbound event) to a {@link Decision}.
 *
 * <p>The rules, in the order a newcomer needs them:
 *
 * <ol>
 *   <li><b>Start.</b> Every step whose {@code after} steps are all done (succeeded or skipped) starts at once, so
 *       parallel branches start together and a join starts exactly once, when its last input is done. A step whose
 *       {@code when} is false is skipped, and a skip counts as done.
 *   <li><b>Outcome.</b> Only the outcome for a step's current command counts. A second outcome for it, one for an
 *       older attempt, or one for a command never sent changes nothing and is reported as {@link OutcomeIgnored}.
 *   <li><b>Failure.</b> A step that fails (or times out) fails the item: {@link InstanceFailing} is published at
 *       once, nothing new starts, steps already running are waited for, and then every succeeded step that has a
 *       compensation is undone. A step is undone only after every step downstream of it has been undone, so steps
 *       that ran in parallel are undone in parallel and a chain is undone in reverse. With {@code onFailure: wait}
 *       the instance raises an incident instead and waits for an operator's retry or cancel.
 *   <li><b>Cancel.</b> Like a failure, but running steps are not waited for: they are abandoned, and if one of them
 *       succeeds later, it is compensated then (as is a success that arrives after its step timed out).
 *   <li><b>Compensation failure.</b> The instance raises an incident; an operator's retry sends the compensation
 *       again. This holds for late work undone after the result too: the process stays completed, but the incident
 *       is raised and a retry is accepted.
 *   <li><b>Signals.</b> A step with {@code signal: name} sends no command: it waits until a signal of that name
 *       is delivered to the instance, and succeeds with the signal's payload as its output (or times out). A
 *       signal no step waits for at that moment changes nothing. When the item fails, waiting steps stop waiting.
 *   <li><b>Sub-workflows.</b> A step with {@code workflow: name} starts a child instance of that workflow instead of
 *       commanding a worker, and takes the child's result as its outcome (succeeded with the child's output, or
 *       failed naming the child and its failed step). When the parent stops wanting that outcome (cancel, timeout, or
 *       the item failing elsewhere) the child is cancelled, so it undoes its own work. A succeeded sub-workflow step is
 *       undone by asking the completed child to undo its steps; the child answers like a compensation worker.
 *   <li><b>HTTP steps.</b> A step with {@code http} is a call Baton makes itself; Baton owns its retries. A failed
 *       call marked retryable, with calls left in the step's policy, is not a failure yet: the step keeps running and
 *       waits out its backoff on a timer ({@link StepRetryScheduled}), then the next call goes out under the next
 *       attempt's command id and the run's one idempotency key. Otherwise the step fails as any step does.
 *   <li><b>End.</b> When nothing is running or left to undo, the process completes and exactly one result is
 *       published with the item's outcome: succeeded, failed or cancelled.
 * </ol>
 */
public final class Engine {
    private final WorkflowDefinition definition;
    private final Instant at;
    private Instance.Builder instance;
    private final List<Outbound> outbound = new ArrayList<>();
    private final List<Notification> notifications = new ArrayList<>();
    private final List<TimerRequest> timers = new ArrayList<>();

    private Engine(WorkflowDefinition definition, Instance current, Instant at) {
        this.definition = definition;
        this.at = at;
        this.instance = current == null ? null : current.toBuilder();
    }

    /**
     * Decides what {@code event} does to {@code current}.
     *
     * @param definition the definition version the instance runs on (for a start: the one to start it on)
     * @param current the stored state, or {@code null} if there is none yet
     */
    public static Decision decide(WorkflowDefinition definition, Instance current, Inbound event) {
        var engine = new Engine(definition, current, event.at());
        if (current == null && !(event instanceof StartInstance)) {
            engine.notifications.add(
                    new RequestIgnored(event.instanceId(), nameOf(event), "unknown instance", event.at()));
            return engine.decision(null);
        }
        if (event instanceof StartInstance start) {
            engine.start(start, current);
        } else if (event instanceof ReportOutcome outcome) {
            engine.report(outcome);
        } else if (event instanceof FireTimeout timeout) {
            engine.timeOut(timeout);
        } else if (event instanceof FireRetry retry) {
            engine.callAgain(retry);
        } else if (event instanceof CancelInstance cancel) {
            engine.cancel(cancel);
        } else if (event instanceof RetryInstance retry) {
            engine.retry(retry);
        } else if (event instanceof DeliverSignal signal) {
            engine.signal(signal);
        } else if (event instanceof CompensateInstance undo) {
            engine.undoForParent(undo);
        }
        return engine.decision(current);
    }

    /** The id of a step's command for an attempt; deterministic, so a replayed decision sends the same id. */
    public static String commandId(String instanceId, String stepId, int attempt) {
        return instanceId + "/" + stepId + "/" + attempt;
    }

    /**
     * The id of the child instance that an attempt of a sub-workflow step starts; deterministic like a command id.
     * Empty when it would be longer than an instance id may be ({@link Instance#MAX_ID_LENGTH}): nesting that deep
     * fails the step rather than grow ids without end.
     */
    public static Optional<String> childInstanceId(String instanceId, String stepId, int attempt) {
        String id = instanceId + ":" + stepId + ":" + attempt;
        return id.length() <= Instance.MAX_ID_LENGTH ? Optional.of(id) : Optional.empty();
    }

    /**
     * When an HTTP step that waits out a retry's backoff makes its next call: its last call's end plus the backoff
     * after that many failed calls. Empty for a step that does not wait to call again.
     */
    public static Optional<Instant> nextCallAt(StepDefinition def, StepExecution step) {
        if (!step.awaitsRetry() || def.http().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(step.finishedAt().plus(def.http().get().retry().backoffAfter(step.workerAttempts())));
    }

    static String compensationCommandId(String executeCommandId, int compensationAttempt) {
        return executeCommandId + "/compensate/" + compensationAttempt;
    }

    private Decision decision(Instance before) {
        if (instance == null) {
            return new Decision(null, outbound, notifications, timers);
        }
        Instance after = instance.updatedAt(at).build();
        if (before != null && after.equalsIgnoringUpdatedAt(before)) {
            return new Decision(before, outbound, notifications, timers); // an ignored event leaves no trace in state
        }
        return new Decision(after, outbound, notifications, timers);
    }

    // --- inbound events ---------------------------------------------------------------------------------------

    private void start(StartInstance start, Instance current) {
        if (current != null) {
            notifications.add(new RequestIgnored(
                    start.instanceId(), "StartInstance", "an instance with this id exists already", at));
            if (start.parent() != null && !start.parent().equals(current.parent())) {
                // A parent waits for this id's outcome, which another instance's will never be: it must learn at once.
                outbound.add(new ParentOutcome(
                        start.instanceId(),
                        start.parent(),
                        false,
                        null,
                        new Failure(
                                start.parent().stepId(),
                                "InstanceIdTaken",
                                "cannot start the sub-workflow: an instance '" + start.instanceId()
                                        + "' exists already")));
            }
            return;
        }
        instance = Instance.builder(start.instanceId(), definition.name(), definition.version())
                .input(start.input())
                .businessKey(start.businessKey())
                .parent(start.parent())
                .startedAt(at);
        for (StepDefinition step : definition.steps()) {
            instance.step(StepExecution.pending(step.id()));
        }
        notifications.add(new InstanceStarted(start.instanceId(), definition.name(), definition.version(), at));
        advance();
    }

    private void report(ReportOutcome outcome) {
        StepExecution step = instance.step(outcome.stepId());
        if (step == null) {
            ignore(outcome, IgnoredBecause.UNKNOWN_STEP);
            return;
        }
        String commandId = outcome.commandId();
        if (commandId != null && commandId.equals(step.commandId())) {
            switch (step.state()) {
                case RUNNING -> {
                    if (step.awaitsRetry()) {
                        // The call was answered twice (the executor called again after a crash). A failure is already
                        // taken; a success means the work is done after all.
                        if (outcome.succeeded()) {
                            cancelRetry(step);
                            succeed(step, outcome);
                        } else {
                            ignore(outcome, IgnoredBecause.DUPLICATE);
                        }
                        break;
                    }
                    cancelTimer(step);
                    Failure error = outcome.error() == null ? defaultError(step) : withStep(outcome.error(), step);
                    if (outcome.succeeded()) {
                        succeed(step, outcome);
                    } else if (retries(step, outcome)) {
                        scheduleRetry(step, error);
                    } else {
                        fail(step, error, callsOf(step, outcome));
                    }
                }
                case TIMED_OUT, ABANDONED -> lateOutcome(step, outcome);
                default -> ignore(outcome, IgnoredBecause.DUPLICATE);
            }
        } else if (commandId != null && commandId.equals(step.compensationCommandId())) {
            if (step.state() == StepState.COMPENSATING) {
                compensationOutcome(step, outcome);
            } else {
                ignore(outcome, IgnoredBecause.DUPLICATE);
            }
        } else if (commandId != null && commandId.startsWith(outcome.instanceId() + "/" + outcome.stepId() + "/")) {
            ignore(outcome, IgnoredBecause.STALE);
        } else {
            ignore(outcome, IgnoredBecause.UNKNOWN_COMMAND);
        }
        advance();
    }

    private void timeOut(FireTimeout timeout) {
        StepExecution step = instance.step(timeout.stepId());
        if (step == null
                || step.state() != StepState.RUNNING
                || !timeout.commandId().equals(step.commandId())) {
            return; // the step finished before its timer fired; nothing to report
        }
        String after = stepDef(step).timeout().map(Object::toString).orElse("its timeout");
        Failure error = new Failure(step.stepId(), "Timeout", "no outcome within " + after);
        put(step.toBuilder().state(StepState.TIMED_OUT).error(error).finishedAt(at));
        notifications.add(new StepTimedOut(instance.instanceId(), step.stepId(), step.commandId(), at));
        cancelChild(
                step, "its parent step '" + step.stepId() + "' of instance '" + instance.instanceId() + "' timed out");
        itemFails(step, error);
        advance();
    }

    /** The backoff is over: the step's next call goes out, unless the step stopped waiting for it. */
    private void callAgain(FireRetry retry) {
        StepExecution step = instance.step(retry.stepId());
        if (step == null || !step.awaitsRetry() || !retry.commandId().equals(step.commandId())) {
            return; // the step succeeded after all, or was abandoned; its timer was cleared, this is a late firing
        }
        startStep(step, step.workerAttempts());
        advance();
    }

    private void cancel(CancelInstance cancel) {
        if (instance.status() == ProcessStatus.COMPLETED) {
            notifications.add(
                    new RequestIgnored(cancel.instanceId(), "CancelInstance", "the instance has completed", at));
            return;
        }
        if (instance.outcome() != null) {
            notifications.add(new RequestIgnored(
                    cancel.instanceId(),
                    "CancelInstance",
                    "the item has already " + (instance.outcome() == Outcome.CANCELLED ? "been cancelled" : "failed")
                            + "; its compensation is under way",
                    at));
            return;
        }
        Failure reason =
                new Failure(null, "Cancelled", cancel.reason() == null ? "cancelled by an operator" : cancel.reason());
        instance.outcome(Outcome.CANCELLED).failure(reason);
        notifications.add(new InstanceFailing(instance.instanceId(), Outcome.CANCELLED, reason, at));
        for (StepExecution step : List.copyOf(instance.steps())) {
            if (step.state() == StepState.RUNNING) {
                stopWaiting(step);
                cancelChild(step, "its parent instance '" + instance.instanceId() + "' was cancelled");
            }
        }
        advance();
    }

    private void retry(RetryInstance retry) {
        boolean lateUndoFailed = instance.status() == ProcessStatus.COMPLETED && any(StepState.COMPENSATION_FAILED);
        if (instance.status() != ProcessStatus.INCIDENT && !lateUndoFailed) {
            notifications.add(new RequestIgnored(
                    retry.instanceId(), "RetryInstance", "nothing to retry: the instance is " + instance.status(), at));
            return;
        }
        boolean retried = false;
        for (StepExecution step : List.copyOf(instance.steps())) {
            if (retry.stepId() != null && !retry.stepId().equals(step.stepId())) {
                continue;
            }
            if (step.state().hasFailed() && instance.outcome() == null) {
                startStep(step);
                retried = true;
            } else if (step.state() == StepState.COMPENSATION_FAILED) {
                startCompensation(step);
                retried = true;
            }
        }
        if (!retried) {
            notifications.add(new RequestIgnored(
                    retry.instanceId(),
                    "RetryInstance",
                    retry.stepId() == null
                            ? "no failed step or compensation to retry"
                            : "step '" + retry.stepId() + "' has nothing to retry",
                    at));
            return;
        }
        advance();
    }

    private void signal(DeliverSignal signal) {
        boolean delivered = false;
        for (StepExecution step : List.copyOf(instance.steps())) {
            StepDefinition def = stepDef(step);
            if (step.state() == StepState.RUNNING
                    && def.signal().filter(signal.name()::equals).isPresent()) {
                cancelTimer(step);
                succeed(
                        step,
                        new ReportOutcome(
                                instance.instanceId(),
                                step.stepId(),
                                step.commandId(),
                                true,
                                signal.payload(),
                                null,
                                0,
                                at));
                delivered = true;
            }
        }
        if (!delivered) {
            notifications.add(new RequestIgnored(
                    signal.instanceId(), "DeliverSignal", "no step waits for signal '" + signal.name() + "' now", at));
            return;
        }
        advance();
    }

    // --- transitions --------------------------------------------------------------------------------------------

    private void succeed(StepExecution step, ReportOutcome outcome) {
        int order = instance.completions() + 1;
        instance.completions(order);
        put(step.toBuilder()
                .state(StepState.SUCCEEDED)
                .output(outcome.output())
                .error(null)
                .workerAttempts(callsOf(step, outcome))
                .finishedAt(at)
                .completionOrder(order));
        notifications.add(new StepCompleted(instance.instanceId(), step.stepId(), step.commandId(), at));
    }

    private void fail(StepExecution step, Failure error, int workerAttempts) {
        put(step.toBuilder()
                .state(StepState.FAILED)
                .error(error)
                .workerAttempts(workerAttempts)
                .finishedAt(at));
        notifications.add(new StepFailed(instance.instanceId(), step.stepId(), step.commandId(), error, at));
        itemFails(step, error);
    }

    /** A step's failure decides the item's outcome, unless it was decided already or the step waits for an operator. */
    private void itemFails(StepExecution step, Failure error) {
        if (instance.outcome() != null) {
            return;
        }
        if (stepDef(step).onFailure() == dev.baton.definition.FailurePolicy.WAIT) {
            return; // advance() raises the incident
        }
        instance.outcome(Outcome.FAILED).failure(error);
        notifications.add(new InstanceFailing(instance.instanceId(), Outcome.FAILED, error, at));
        // In-flight work is waited for, but a step waiting for a signal has done no work: it stops waiting.
        // A running sub-workflow is cancelled rather than run to its end only to be undone; the parent still waits
        // for its outcome, which tells when the child's own undo is done.
        // So does an HTTP step between two calls: nothing of it is in flight.
        for (StepExecution other : List.copyOf(instance.steps())) {
            if (other.state() == StepState.RUNNING && (stepDef(other).signal().isPresent() || other.awaitsRetry())) {
                stopWaiting(other);
            } else if (other.state() == StepState.RUNNING) {
                cancelChild(
                        other,
                        "its parent instance '" + instance.instanceId() + "' failed at step '" + step.stepId() + "'");
            }
        }
    }

    /** An outcome for a step the instance stopped waiting for: its work happened, so a success must be undone. */
    private void lateOutcome(StepExecution step, ReportOutcome outcome) {
        if (!outcome.succeeded()) {
            Failure error = outcome.error() == null ? defaultError(step) : withStep(outcome.error(), step);
            put(step.toBuilder().state(StepState.FAILED).error(error).workerAttempts(outcome.workerAttempts()));
            notifications.add(new StepFailed(instance.instanceId(), step.stepId(), step.commandId(), error, at));
            return;
        }
        succeed(step, outcome);
        if (instance.status() == ProcessStatus.COMPLETED && stepDef(step).undoable()) {
            // The result is out and stays as it is; the late work is still undone.
            startCompensation(instance.step(step.stepId()));
        }
    }

    private void compensationOutcome(StepExecution step, ReportOutcome outcome) {
        if (outcome.succeeded()) {
            put(step.toBuilder()
                    .state(StepState.COMPENSATED)
                    .compensationFinishedAt(at)
                    .compensationError(null));
            var done = new ArrayList<>(instance.compensatedSoFar());
            done.add(step.stepId());
            instance.compensated(done);
            notifications.add(new CompensationCompleted(instance.instanceId(), step.stepId(), outcome.commandId(), at));
        } else {
            Failure error = outcome.error() == null ? defaultError(step) : withStep(outcome.error(), step);
            put(step.toBuilder()
                    .state(StepState.COMPENSATION_FAILED)
                    .compensationFinishedAt(at)
                    .compensationError(error));
            notifications.add(
                    new CompensationFailed(instance.instanceId(), step.stepId(), outcome.commandId(), error, at));
            if (instance.status() == ProcessStatus.COMPLETED && instance.undoCommandId() == null) {
                // Late work undone after the result: the process stays completed, but an operator must still retry.
                notifications.add(new IncidentRaised(
                        instance.instanceId(),
                        step.stepId(),
                        "compensation of '" + step.stepId() + "' (late work, after the result) failed; retry it",
                        at));
            }
        }
    }

    /**
     * Moves the instance as far as the rules allow: starts ready steps, or compensates, then completes it or
     * records that it waits (for workers, or for an operator).
     */
    private void advance() {
        if (instance.status() == ProcessStatus.COMPLETED) {
            if (instance.undoCommandId() != null) {
                settleUndoForParent();
            }
            return;
        }
        ProcessStatus next;
        if (instance.outcome() == null) {
            startReadySteps();
            if (instance.outcome() != null) {
                advance(); // a step failed as it started: the item is failing now
                return;
            }
            boolean allDone = true;
            boolean anyFailed = false;
            for (StepExecution s : instance.steps()) {
                allDone &= s.state().letsSuccessorsStart();
                anyFailed |= s.state().hasFailed();
            }
            if (allDone) {
                complete(Outcome.SUCCEEDED);
                return;
            }
            next = anyFailed ? ProcessStatus.INCIDENT : ProcessStatus.RUNNING;
        } else {
            boolean waitForRunning = instance.outcome() == Outcome.FAILED && any(StepState.RUNNING);
            if (!waitForRunning) {
                startReadyCompensations();
            }
            if (waitForRunning || any(StepState.COMPENSATING)) {
                next = ProcessStatus.COMPENSATING;
            } else if (any(StepState.COMPENSATION_FAILED)) {
                next = ProcessStatus.INCIDENT;
            } else {
                complete(instance.outcome());
                return;
            }
        }
        if (next == ProcessStatus.INCIDENT && instance.status() != ProcessStatus.INCIDENT) {
            StepExecution atFault = instance.steps().stream()
                    .filter(s -> s.state().hasFailed() || s.state() == StepState.COMPENSATION_FAILED)
                    .findFirst()
                    .orElseThrow();
            String reason = atFault.state() == StepState.COMPENSATION_FAILED
                    ? "compensation of '" + atFault.stepId() + "' failed; retry it"
                    : "step '" + atFault.stepId()
                            + "' failed and waits for an operator (onFailure: wait); retry it or cancel";
            notifications.add(new IncidentRaised(instance.instanceId(), atFault.stepId(), reason, at));
        }
        instance.status(next);
    }

    private void startReadySteps() {
        boolean changed = true;
        while (changed) { // a skip can make further steps ready in the same decision
            changed = false;
            for (StepDefinition def : definition.steps()) {
                if (instance.outcome() != null) {
                    return; // a step failed as it started (a sub-workflow nested too deep): nothing more starts
                }
                StepExecution step = instance.step(def.id());
                if (step.state() != StepState.PENDING || !predecessorsDone(def)) {
                    continue;
                }
                if (def.when().isPresent()
                        && !def.when().get().test(instance.build().data())) {
                    put(step.toBuilder().state(StepState.SKIPPED).finishedAt(at));
                    notifications.add(new StepSkipped(instance.instanceId(), def.id(), at));
                } else {
                    startStep(step);
                }
                changed = true;
            }
        }
    }

    private boolean predecessorsDone(StepDefinition def) {
        for (String p : def.after()) {
            if (!instance.step(p).state().letsSuccessorsStart()) {
                return false;
            }
        }
        return true;
    }

    private void startStep(StepExecution step) {
        startStep(step, 0);
    }

    /**
     * Starts the step's next attempt.
     *
     * @param callsSoFar failed calls of this run of an HTTP step (0 for a fresh run; the retry policy counts them)
     */
    private void startStep(StepExecution step, int callsSoFar) {
        StepDefinition def = stepDef(step);
        int attempt = step.attempt() + 1;
        String commandId = commandId(instance.instanceId(), step.stepId(), attempt);
        Map<String, Object> data = def.input().isPresent() || def.http().isPresent()
                ? instance.build().data()
                : null;
        Object mapped = def.input().map(m -> m.apply(data)).orElse(null);
        put(step.toBuilder()
                .state(StepState.RUNNING)
                .attempt(attempt)
                .commandId(commandId)
                .input(mapped)
                .output(null)
                .error(null)
                .workerAttempts(callsSoFar)
                .startedAt(at)
                .finishedAt(null));
        Object input = mapped != null ? mapped : instance.input();
        notifications.add(new StepStarted(instance.instanceId(), step.stepId(), commandId, attempt, at));
        if (def.workflow().isPresent()) {
            SubWorkflow w = def.workflow().get();
            Optional<String> child = childInstanceId(instance.instanceId(), step.stepId(), attempt);
            if (child.isEmpty()) {
                fail(
                        instance.step(step.stepId()),
                        new Failure(
                                step.stepId(),
                                "NestingTooDeep",
                                "the child instance's id '"
                                        + instance.instanceId() + ":" + step.stepId() + ":" + attempt
                                        + "' would be longer than "
                                        + Instance.MAX_ID_LENGTH + " characters: sub-workflows are nested too deep"),
                        0);
                return;
            }
            outbound.add(new StartChild(
                    instance.instanceId(),
                    child.get(),
                    w.name(),
                    w.version(),
                    input,
                    instance.businessKey(),
                    new ParentRef(instance.instanceId(), step.stepId(), commandId)));
        } else if (def.http().isPresent()) {
            String idempotencyKey = commandId(instance.instanceId(), step.stepId(), attempt - callsSoFar);
            outbound.add(new HttpCall(
                    instance.instanceId(),
                    instance.workflow(),
                    step.stepId(),
                    commandId,
                    attempt,
                    idempotencyKey,
                    def.http().get(),
                    def.http().get().url().render(data),
                    input));
        } else if (def.signal().isEmpty()) {
            outbound.add(new StepCommand(
                    def.topic(),
                    instance.instanceId(),
                    instance.workflow(),
                    step.stepId(),
                    commandId,
                    CommandKind.EXECUTE,
                    attempt,
                    input));
        }
        def.timeout()
                .ifPresent(t ->
                        timers.add(new ScheduleTimeout(instance.instanceId(), step.stepId(), commandId, at.plus(t))));
    }

    /** Starts the compensation of every succeeded step whose downstream steps have all been undone (or need no undo). */
    private void startReadyCompensations() {
        for (StepDefinition def : definition.steps()) {
            StepExecution step = instance.step(def.id());
            if (step.state() != StepState.SUCCEEDED) {
                continue;
            }
            if (!def.undoable()) {
                continue;
            }
            boolean downstreamUndone = definition.descendants(def.id()).stream()
                    .map(instance::step)
                    .noneMatch(d -> awaitsUndo(d));
            if (downstreamUndone) {
                startCompensation(step);
            }
        }
    }

    private boolean awaitsUndo(StepExecution step) {
        return switch (step.state()) {
            case SUCCEEDED -> stepDef(step).undoable();
            case COMPENSATING, COMPENSATION_FAILED -> true;
            default -> false;
        };
    }

    private void startCompensation(StepExecution step) {
        StepDefinition def = stepDef(step);
        int attempt = step.compensationAttempt() + 1;
        String commandId = compensationCommandId(step.commandId(), attempt);
        put(step.toBuilder()
                .state(StepState.COMPENSATING)
                .compensationAttempt(attempt)
                .compensationCommandId(commandId)
                .compensationStartedAt(at)
                .compensationFinishedAt(null)
                .compensationError(null));
        notifications.add(new CompensationStarted(instance.instanceId(), step.stepId(), commandId, at));
        if (def.workflow().isPresent()) {
            outbound.add(new CompensateChild(
                    instance.instanceId(),
                    childInstanceId(instance.instanceId(), step.stepId(), step.attempt())
                            .orElseThrow(),
                    new ParentRef(instance.instanceId(), step.stepId(), commandId)));
            return;
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("input", step.input() != null ? step.input() : instance.input());
        input.put("output", step.output());
        outbound.add(new StepCommand(
                def.compensate().orElseThrow().topic(),
                instance.instanceId(),
                instance.workflow(),
                step.stepId(),
                commandId,
                CommandKind.COMPENSATE,
                step.attempt(),
                input));
    }

    private void complete(Outcome outcome) {
        instance.status(ProcessStatus.COMPLETED).outcome(outcome).completedAt(at);
        Object output = null;
        if (outcome == Outcome.SUCCEEDED) {
            var outputs = new LinkedHashMap<String, Object>();
            instance.steps().stream()
                    .filter(s -> s.state() == StepState.SUCCEEDED)
                    .forEach(s -> outputs.put(s.stepId(), s.output()));
            output = outputs;
        }
        outbound.add(new WorkflowResult(
                definition.resultTopic(),
                instance.instanceId(),
                instance.workflow(),
                instance.version(),
                outcome,
                output,
                outcome == Outcome.SUCCEEDED ? null : instance.failure(),
                List.copyOf(instance.compensatedSoFar())));
        notifications.add(new InstanceCompleted(instance.instanceId(), outcome, at));
        if (instance.parent() != null) {
            outbound.add(new ParentOutcome(
                    instance.instanceId(),
                    instance.parent(),
                    outcome == Outcome.SUCCEEDED,
                    output,
                    outcome == Outcome.SUCCEEDED ? null : failureForParent(outcome)));
        }
    }

    /** The child's failure as its parent's step reports it: the child's error type, naming the child and its step. */
    private Failure failureForParent(Outcome outcome) {
        Failure f = instance.failure();
        String what = outcome == Outcome.CANCELLED
                ? "was cancelled"
                : "failed" + (f != null && f.stepId() != null ? " at step '" + f.stepId() + "'" : "");
        return new Failure(
                instance.parent().stepId(),
                f == null ? "Failed" : f.type(),
                "sub-workflow " + instance.workflow() + " instance '" + instance.instanceId() + "' " + what
                        + (f == null ? "" : ": " + f.message()));
    }

    // --- undo on a parent's request -------------------------------------------------------------------------------

    /** A parent undoes its succeeded sub-workflow step: this completed instance undoes its steps and answers. */
    private void undoForParent(CompensateInstance request) {
        ParentRef parent = instance.parent();
        if (parent == null
                || !parent.instanceId().equals(request.requester().instanceId())
                || !parent.stepId().equals(request.requester().stepId())) {
            notifications.add(new RequestIgnored(
                    instance.instanceId(),
                    "CompensateInstance",
                    "only the parent step that started an instance can ask it to undo its work",
                    at));
            return;
        }
        if (instance.status() != ProcessStatus.COMPLETED) {
            notifications.add(new RequestIgnored(
                    instance.instanceId(),
                    "CompensateInstance",
                    "the instance has not completed: there is no finished work to undo yet",
                    at));
            return;
        }
        instance.undoCommandId(request.requester().commandId());
        for (StepExecution step : List.copyOf(instance.steps())) {
            if (step.state() == StepState.COMPENSATION_FAILED) {
                startCompensation(step); // the parent's retry of its own failed compensation lands here
            }
        }
        advance();
    }

    /** Undoes what is ready; once nothing is left in flight, answers the parent's compensate command. */
    private void settleUndoForParent() {
        startReadyCompensations();
        if (any(StepState.COMPENSATING)) {
            return;
        }
        ParentRef answer = instance.parent().forCommand(instance.undoCommandId());
        StepExecution failed = instance.steps().stream()
                .filter(s -> s.state() == StepState.COMPENSATION_FAILED)
                .findFirst()
                .orElse(null);
        Failure error = failed == null
                ? null
                : new Failure(
                        answer.stepId(),
                        "CompensationFailed",
                        "sub-workflow "
                                + instance.workflow() + " instance '" + instance.instanceId()
                                + "' could not undo its step '" + failed.stepId()
                                + "'"
                                + (failed.compensationError() == null
                                        ? ""
                                        : ": " + failed.compensationError().message()));
        outbound.add(new ParentOutcome(
                instance.instanceId(),
                answer,
                failed == null,
                failed == null ? Map.of("compensated", List.copyOf(instance.compensatedSoFar())) : null,
                error));
        instance.undoCommandId(null);
    }

    // --- small pieces -------------------------------------------------------------------------------------------

    /** Cancels the child instance of a sub-workflow step whose outcome the parent no longer waits for as it was. */
    private void cancelChild(StepExecution step, String reason) {
        if (stepDef(step).workflow().isPresent()) {
            childInstanceId(instance.instanceId(), step.stepId(), step.attempt())
                    .ifPresent(child -> outbound.add(new CancelChild(instance.instanceId(), child, reason)));
        }
    }

    // --- retries of HTTP steps ------------------------------------------------------------------------------------

    /** Whether a failed call is tried again: the step has a retry policy with calls left, and the item still stands. */
    private boolean retries(StepExecution step, ReportOutcome outcome) {
        HttpRetry retry = stepDef(step).http().map(HttpStep::retry).orElse(null);
        return retry != null
                && outcome.retryable()
                && instance.outcome() == null
                && callsOf(step, outcome) < retry.maxAttempts();
    }

    private void scheduleRetry(StepExecution step, Failure error) {
        int calls = step.workerAttempts() + 1;
        StepExecution waiting = step.toBuilder()
                .error(error)
                .workerAttempts(calls)
                .finishedAt(at)
                .build();
        instance.step(waiting);
        Instant retryAt = nextCallAt(stepDef(step), waiting).orElseThrow();
        timers.add(new ScheduleRetry(instance.instanceId(), step.stepId(), step.commandId(), retryAt));
        notifications.add(new StepRetryScheduled(
                instance.instanceId(), step.stepId(), step.commandId(), error, calls, retryAt, at));
    }

    private void cancelRetry(StepExecution step) {
        Instant retryAt = nextCallAt(stepDef(step), step).orElseThrow();
        timers.add(new CancelRetry(instance.instanceId(), step.stepId(), step.commandId(), retryAt));
    }

    /**
     * The calls an HTTP step has made in this run, this one included; for other steps, the tries the worker reported.
     */
    private int callsOf(StepExecution step, ReportOutcome outcome) {
        return stepDef(step).http().isPresent() ? step.workerAttempts() + 1 : outcome.workerAttempts();
    }

    /** A running step the instance no longer waits for: its timers are cleared and it shows as abandoned. */
    private void stopWaiting(StepExecution step) {
        if (step.awaitsRetry()) {
            cancelRetry(step);
        } else {
            cancelTimer(step);
        }
        put(step.toBuilder().state(StepState.ABANDONED).finishedAt(at));
    }

    private void cancelTimer(StepExecution step) {
        stepDef(step)
                .timeout()
                .ifPresent(t -> timers.add(new CancelTimeout(
                        instance.instanceId(),
                        step.stepId(),
                        step.commandId(),
                        step.startedAt().plus(t))));
    }

    private void ignore(ReportOutcome outcome, IgnoredBecause reason) {
        notifications.add(new OutcomeIgnored(outcome.instanceId(), outcome.stepId(), outcome.commandId(), reason, at));
    }

    private boolean any(StepState state) {
        for (StepExecution s : instance.steps()) {
            if (s.state() == state) {
                return true;
            }
        }
        return false;
    }

    private void put(StepExecution.Builder step) {
        instance.step(step.build());
    }

    private StepDefinition stepDef(StepExecution step) {
        return definition
                .step(step.stepId())
                .orElseThrow(() -> new IllegalStateException("step '" + step.stepId() + "' is not in " + definition));
    }

    private static Failure withStep(Failure error, StepExecution step) {
        return error.stepId() != null ? error : new Failure(step.stepId(), error.type(), error.message());
    }

    private static Failure defaultError(StepExecution step) {
        return new Failure(step.stepId(), "Failed", "the worker reported a failure without an error");
    }

    private static String nameOf(Inbound event) {
        return event.getClass().getSimpleName();
    }
}
