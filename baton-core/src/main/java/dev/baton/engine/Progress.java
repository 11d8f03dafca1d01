package dev.baton.engine;

import dev.baton.definition.EmitStep;
import dev.baton.definition.EventWait;
import dev.baton.definition.FailurePolicy;
import dev.baton.definition.HttpStep;
import dev.baton.definition.SignalWait;
import dev.baton.definition.Sleep;
import dev.baton.definition.StepDefinition;
import dev.baton.definition.StepKind;
import dev.baton.definition.SubWorkflow;
import dev.baton.definition.WorkerTopic;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Notification.IncidentRaised;
import dev.baton.engine.Notification.InstanceCompleted;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.Notification.InstanceStarted;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.Outbound.HttpCall;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.Outbound.WorkflowResult;
import dev.baton.engine.StepLifecycle.Cause;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an instance moves forward: it starts, steps start when they are ready, the item fails when a step does, and
 * the process completes with exactly one result when nothing is left to run or compensate.
 */
final class Progress {
    private Progress() {}

    static void start(DecisionDraft d, StartInstance start, Instance current) {
        if (current != null) {
            d.notify(new RequestIgnored(
                    start.instanceId(), "StartInstance", "an instance with this id exists already", d.at));
            if (start.parent() != null && !start.parent().equals(current.parent())) {
                SubWorkflows.answerIdTaken(d, start);
            }
            return;
        }
        if (d.definition == null) {
            SubWorkflows.unknownWorkflow(d, start);
            return;
        }
        d.instance = Instance.builder(start.instanceId(), d.definition.name(), d.definition.version())
                .input(start.input())
                .businessKey(start.businessKey())
                .parent(start.parent())
                .startedAt(d.at);
        for (StepDefinition step : d.definition.steps()) {
            d.instance.step(StepExecution.pending(step.id()));
        }
        boolean delayed = start.startAt() != null && start.startAt().isAfter(d.at);
        Deadlines.schedule(d, delayed ? start.startAt() : d.at, start.deadline());
        if (delayed) {
            DelayedStarts.delay(d, start.startAt());
            return;
        }
        d.notify(new InstanceStarted(start.instanceId(), d.definition.name(), d.definition.version(), d.at));
        advance(d);
    }

    /**
     * Moves the instance as far as the rules allow: starts ready steps, or compensates, then completes it or
     * records that it waits (for workers, or for an operator). Not while it is paused.
     */
    static void advance(DecisionDraft d) {
        Instance.Builder instance = d.instance;
        if (instance.paused()) {
            return; // a paused instance sends nothing; Recovery.resume advances it
        }
        if (instance.status() == ProcessStatus.COMPLETED) {
            if (instance.parentCompensationCommandId() != null) {
                SubWorkflows.settleCompensationForParent(d);
            }
            return;
        }
        ProcessStatus next;
        if (instance.outcome() == null) {
            if (instance.startsAt() != null) {
                return; // a delayed start: DelayedStarts.start advances it when its time comes
            }
            startReadySteps(d);
            if (instance.outcome() != null) {
                advance(d); // a step failed as it started (a sub-workflow nested too deep): the item is failing now
                return;
            }
            boolean allDone = true;
            boolean anyFailed = false;
            for (StepExecution s : instance.steps()) {
                allDone &= s.state().letsSuccessorsStart();
                anyFailed |= s.state().hasFailed();
            }
            if (allDone) {
                complete(d, Outcome.SUCCEEDED);
                return;
            }
            next = anyFailed ? ProcessStatus.INCIDENT : ProcessStatus.RUNNING;
        } else {
            // A failed item waits for work in flight before compensating; a cancelled one abandoned it already.
            // Items of a forEach step in flight are waited for either way: their work is compensated once it is in.
            boolean waitForRunning = (instance.outcome() == Outcome.FAILED
                            && instance.steps().stream().anyMatch(s -> s.state().isActive()))
                    || instance.steps().stream()
                            .anyMatch(s -> s.fanOut() != null && s.fanOut().running() > 0);
            if (!waitForRunning) {
                Compensations.startReady(d);
            }
            if (waitForRunning || d.any(StepState.COMPENSATING)) {
                next = ProcessStatus.COMPENSATING;
            } else if (d.any(StepState.COMPENSATION_FAILED)) {
                next = ProcessStatus.INCIDENT;
            } else {
                complete(d, instance.outcome());
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
            d.notify(new IncidentRaised(instance.instanceId(), atFault.stepId(), reason, d.at));
        }
        instance.status(next);
    }

    private static void startReadySteps(DecisionDraft d) {
        boolean changed = true;
        while (changed) { // a skip can make further steps ready in the same decision
            changed = false;
            for (StepDefinition def : d.definition.steps()) {
                if (d.instance.outcome() != null) {
                    return; // a step failed as it started (a sub-workflow nested too deep): nothing more starts
                }
                StepExecution step = d.step(def.id());
                if (step.state() != StepState.PENDING || !predecessorsDone(d, def)) {
                    continue;
                }
                if (def.when().isPresent()
                        && !def.when().get().test(d.instance.build().data())) {
                    d.move(step, Cause.CONDITION_FALSE, b -> b);
                } else {
                    startStep(d, step, Cause.READY, 0);
                }
                changed = true;
            }
        }
    }

    private static boolean predecessorsDone(DecisionDraft d, StepDefinition def) {
        for (String p : def.after()) {
            if (!d.step(p).state().letsSuccessorsStart()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Starts the step's next attempt: a command to its worker, an HTTP call, a child instance, or (for a signal)
     * nothing but waiting; then its timeout, if it has one.
     *
     * @param callsSoFar failed calls of this run of an HTTP step (0 for a fresh run; the retry policy counts them)
     */
    static void startStep(DecisionDraft d, StepExecution step, Cause cause, int callsSoFar) {
        StepDefinition def = d.stepDef(step);
        Instance.Builder instance = d.instance;
        int attempt = step.attempt() + 1;
        int round = Repeats.roundAfter(d, step, cause);
        String commandId = Engine.commandId(instance.instanceId(), step.stepId(), attempt);
        Map<String, Object> data = def.input().isPresent()
                        || def.kind() instanceof HttpStep
                        || def.kind() instanceof EventWait
                        || def.kind() instanceof EmitStep
                ? instance.build().data()
                : null;
        // An operator's rerun with a new input wins over the mapping, for that one attempt. An event step's input is
        // what it waits for.
        Object mapped = def.kind() instanceof EventWait event
                ? Events.waitingFor(event, data)
                : step.inputOverride() != null
                        ? step.inputOverride()
                        : def.input().map(m -> m.apply(data)).orElse(null);
        StepExecution started = d.move(
                step,
                cause,
                b -> b.attempt(attempt)
                        .commandId(commandId)
                        .input(mapped)
                        .inputOverride(null)
                        .output(null)
                        .error(null)
                        .workerAttempts(callsSoFar)
                        .round(round)
                        .fanOut(null));
        if (def.forEach().isPresent()) {
            ForEachItems.start(d, started, def);
            return;
        }
        Object input = mapped != null ? mapped : instance.input();
        boolean awaitsOutcome = def.kind().accept(new StepKind.Visitor<Boolean>() {
            @Override
            public Boolean worker(WorkerTopic kind) {
                d.send(new StepCommand(
                        kind.topic(),
                        instance.instanceId(),
                        instance.workflow(),
                        step.stepId(),
                        commandId,
                        CommandKind.EXECUTE,
                        attempt,
                        input));
                return true;
            }

            @Override
            public Boolean http(HttpStep kind) {
                // Every call of one run shares the run's first command id as its key, so the endpoint can deduplicate.
                String idempotencyKey = Engine.commandId(instance.instanceId(), step.stepId(), attempt - callsSoFar);
                d.send(new HttpCall(
                        instance.instanceId(),
                        instance.workflow(),
                        step.stepId(),
                        commandId,
                        attempt,
                        idempotencyKey,
                        kind,
                        kind.url().render(data),
                        input));
                return true;
            }

            @Override
            public Boolean signal(SignalWait kind) {
                // nothing to send: the step waits for the signal, unless it arrived early and was kept
                return !Signals.takeBuffered(d, started, kind);
            }

            @Override
            public Boolean event(EventWait kind) {
                return Events.subscribe(d, started, kind);
            }

            @Override
            public Boolean subWorkflow(SubWorkflow kind) {
                return SubWorkflows.startChild(d, started, kind, input);
            }

            @Override
            public Boolean sleep(Sleep kind) {
                Sleeps.start(d, started, kind);
                return false; // nothing awaited: the wake timer ends it
            }

            public Boolean emit(EmitStep kind) {
                Emits.publish(d, started, kind, data);
                return false; // done as it starts: nothing to wait for
            }
        });
        if (awaitsOutcome) {
            Timeouts.schedule(d, def, started);
        }
    }

    /** A step's failure decides the item's outcome, unless it was decided already or the step waits for an operator. */
    static void itemFails(DecisionDraft d, StepExecution step, Failure error) {
        Instance.Builder instance = d.instance;
        if (instance.outcome() != null || d.stepDef(step).onFailure() == FailurePolicy.WAIT) {
            return; // with onFailure: wait, advance() raises the incident
        }
        instance.outcome(Outcome.FAILED).failure(error);
        d.notify(new InstanceFailing(instance.instanceId(), Outcome.FAILED, error, d.at));
        // In-flight work is waited for, but a step waiting for a signal, or for an HTTP retry's backoff, has nothing
        // in flight: it stops waiting. A running sub-workflow is cancelled rather than run to its end only to be
        // compensated; the parent still waits for its outcome, which tells when the child's compensation is done.
        for (StepExecution other : d.steps()) {
            boolean waitsForNothingInFlight = other.state() == StepState.WAITING_TO_RETRY
                    || (other.state() == StepState.RUNNING
                            && (d.stepDef(other).kind() instanceof SignalWait
                                    || d.stepDef(other).kind() instanceof EventWait))
                    || Sleeps.waitsForTime(other);
            if (other.state() == StepState.RUNNING && other.fanOut() != null) {
                // No more items start; those in flight are still waited for (the step's fan-out counts them).
                abandon(d, other);
                SubWorkflows.cancelChild(
                        d,
                        other,
                        "its parent instance '" + instance.instanceId() + "' failed at step '" + step.stepId() + "'");
            } else if (waitsForNothingInFlight) {
                abandon(d, other);
            } else if (other.state() == StepState.RUNNING) {
                SubWorkflows.cancelChild(
                        d,
                        other,
                        "its parent instance '" + instance.instanceId() + "' failed at step '" + step.stepId() + "'");
            }
        }
    }

    /** A step the instance no longer waits for: its timer is cleared and it shows as abandoned. */
    static void abandon(DecisionDraft d, StepExecution step) {
        if (step.state() == StepState.WAITING_TO_RETRY) {
            HttpRetries.cancelRetry(d, step);
        } else if (Sleeps.waitsForTime(step)) {
            Sleeps.cancelWake(d, step);
        } else {
            Timeouts.cancel(d, step);
        }
        d.move(step, Cause.STOPPED_WAITING, b -> b);
    }

    private static void complete(DecisionDraft d, Outcome outcome) {
        Instance.Builder instance = d.instance;
        instance.status(ProcessStatus.COMPLETED).outcome(outcome).completedAt(d.at);
        DelayedStarts.clearOnCompletion(d);
        Deadlines.clearOnCompletion(d);
        Object output = null;
        if (outcome == Outcome.SUCCEEDED) {
            var outputs = new LinkedHashMap<String, Object>();
            instance.steps().stream()
                    .filter(s -> s.state() == StepState.SUCCEEDED)
                    .forEach(s -> outputs.put(s.stepId(), s.output()));
            output = outputs;
        }
        d.send(new WorkflowResult(
                d.definition.resultTopic(),
                instance.instanceId(),
                instance.workflow(),
                instance.version(),
                outcome,
                output,
                outcome == Outcome.SUCCEEDED ? null : instance.failure(),
                List.copyOf(instance.compensatedSoFar())));
        d.notify(new InstanceCompleted(instance.instanceId(), outcome, d.at));
        if (instance.parent() != null) {
            SubWorkflows.answerParent(d, outcome, output);
        }
        Retention.scheduleOnCompletion(d);
    }
}
