package dev.baton.engine;

import dev.baton.definition.StepDefinition;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Notification.CompensationCompleted;
import dev.baton.engine.Notification.CompensationFailed;
import dev.baton.engine.Notification.CompensationStarted;
import dev.baton.engine.Notification.StepAbandoned;
import dev.baton.engine.Notification.StepCompleted;
import dev.baton.engine.Notification.StepFailed;
import dev.baton.engine.Notification.StepRedriven;
import dev.baton.engine.Notification.StepRetryScheduled;
import dev.baton.engine.Notification.StepSkipped;
import dev.baton.engine.Notification.StepStarted;
import dev.baton.engine.Notification.StepTimedOut;
import dev.baton.engine.StepLifecycle.Cause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One decision while the rules make it: the instance's state so far and what is to be published. Each rule file
 * (outcomes, compensation, sub-workflows, HTTP retries, ...) works on a draft; {@link Engine} turns it into the
 * {@link Decision}.
 */
final class DecisionDraft {
    /** The definition the rules apply; a migration replaces it with the version the instance moves to. */
    WorkflowDefinition definition;

    final Instant at;
    final RuntimeFacts facts;
    Instance.Builder instance;
    private final List<Outbound> outbound = new ArrayList<>();
    private final List<Notification> notifications = new ArrayList<>();
    private final List<TimerRequest> timers = new ArrayList<>();
    private final List<ItemResult> items = new ArrayList<>();
    private String rejection;
    private boolean forget;

    DecisionDraft(WorkflowDefinition definition, Instance current, Instant at, RuntimeFacts facts) {
        this.definition = definition;
        this.at = at;
        this.facts = facts;
        this.instance = current == null ? null : current.toBuilder();
    }

    /**
     * Changes a step's state: the only way the engine does. Looks the move up in {@link StepLifecycle}, applies the
     * rule's own changes (output, error, command, ...), stamps the times the new state implies and publishes the
     * notification that tells of it.
     *
     * @throws IllegalStateException when the lifecycle has no such move: a bug in a rule, never a user's doing
     */
    StepExecution move(StepExecution step, Cause cause, UnaryOperator<StepExecution.Builder> changes) {
        StepState to = StepLifecycle.next(step.state(), cause)
                .orElseThrow(() -> new IllegalStateException("step '" + step.stepId() + "' of instance '"
                        + instance.instanceId() + "' cannot move from " + step.state() + " on " + cause));
        // Any move ends a wait for a time (a sleep, a repeating step's delay); a rule that starts one sets it after.
        if (step.state() == StepState.RUNNING && to != StepState.RUNNING) {
            Events.leftRunning(this, step, cause);
        }
        StepExecution.Builder b = changes.apply(step.toBuilder().dueAt(null)).state(to);
        switch (to) {
            case PENDING -> b.startedAt(null).finishedAt(null);
            case RUNNING -> b.startedAt(at).finishedAt(null);
            case COMPENSATING -> b.compensationStartedAt(at).compensationFinishedAt(null);
            case COMPENSATED, COMPENSATION_FAILED -> b.compensationFinishedAt(at);
            default -> b.finishedAt(at);
        }
        StepExecution moved = b.build();
        instance.step(moved);
        notify(notificationOf(moved));
        return moved;
    }

    private Notification notificationOf(StepExecution s) {
        String id = instance.instanceId();
        return switch (s.state()) {
            case PENDING -> new StepRedriven(id, s.stepId(), at);
            case RUNNING -> new StepStarted(id, s.stepId(), s.commandId(), s.attempt(), at);
            case WAITING_TO_RETRY ->
                new StepRetryScheduled(
                        id,
                        s.stepId(),
                        s.commandId(),
                        s.error(),
                        s.workerAttempts(),
                        HttpRetries.nextCallAt(stepDef(s), s).orElseThrow(),
                        at);
            case SUCCEEDED -> new StepCompleted(id, s.stepId(), s.commandId(), at);
            case SKIPPED -> new StepSkipped(id, s.stepId(), at);
            case FAILED -> new StepFailed(id, s.stepId(), s.commandId(), s.error(), at);
            case TIMED_OUT -> new StepTimedOut(id, s.stepId(), s.commandId(), at);
            case ABANDONED -> new StepAbandoned(id, s.stepId(), s.commandId(), at);
            case COMPENSATING -> new CompensationStarted(id, s.stepId(), s.compensationCommandId(), at);
            case COMPENSATED -> new CompensationCompleted(id, s.stepId(), s.compensationCommandId(), at);
            case COMPENSATION_FAILED ->
                new CompensationFailed(id, s.stepId(), s.compensationCommandId(), s.compensationError(), at);
        };
    }

    void send(Outbound o) {
        outbound.add(o);
    }

    void notify(Notification n) {
        notifications.add(n);
    }

    void timer(TimerRequest t) {
        timers.add(t);
    }

    /** A forEach item finished: its result is stored apart from the instance. */
    void itemFinished(ItemResult result) {
        items.removeIf(r -> r.stepId().equals(result.stepId()) && r.index() == result.index());
        items.add(result);
    }

    /** An item's result: written in this decision, or stored before. */
    ItemResult itemResult(String stepId, int index) {
        for (ItemResult r : items) {
            if (r.stepId().equals(stepId) && r.index() == index) {
                return r;
            }
        }
        return facts.items().find(instance.instanceId(), stepId, index);
    }

    void migratedTo(WorkflowDefinition target) {
        definition = target;
    }

    /** The event cannot apply at all; the runtime dead-letters it with this reason. */
    void reject(String reason) {
        rejection = reason;
    }

    /** The instance's stored state is to be deleted. */
    void forget() {
        forget = true;
    }

    StepExecution step(String stepId) {
        return instance.step(stepId);
    }

    StepDefinition stepDef(StepExecution step) {
        return definition
                .step(step.stepId())
                .orElseThrow(() -> new IllegalStateException("step '" + step.stepId() + "' is not in " + definition));
    }

    boolean any(StepState state) {
        for (StepExecution s : instance.steps()) {
            if (s.state() == state) {
                return true;
            }
        }
        return false;
    }

    /** The steps as they are now; a copy, so a rule may move steps while it walks them. */
    List<StepExecution> steps() {
        return List.copyOf(instance.steps());
    }

    Decision decision(Instance before) {
        if (instance == null || forget) {
            return new Decision(null, outbound, notifications, timers, rejection, forget, items);
        }
        Instance after = instance.updatedAt(at).build();
        if (before != null && after.equalsIgnoringUpdatedAt(before)) {
            // An ignored event leaves no trace in state.
            return new Decision(before, outbound, notifications, timers, rejection, false, items);
        }
        return new Decision(after, outbound, notifications, timers, rejection, false, items);
    }
}
