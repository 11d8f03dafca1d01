package dev.baton.engine;

import dev.baton.definition.StepDefinition;
import dev.baton.definition.StepKind;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.MigrateInstance;
import dev.baton.engine.Notification.InstanceMigrated;
import dev.baton.engine.Notification.OperatorActed;
import dev.baton.engine.Notification.OperatorAction;
import dev.baton.engine.Notification.RequestIgnored;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Moving a running instance to another version of its workflow. Each step of the old version maps to a step of the
 * new one: by the operator's mapping (old id to new id), or else to the step of the same id. What a step has done
 * comes along (its state, output, command ids); steps of the new version that nothing maps to start out pending;
 * steps of the old version that never started may be left behind.
 *
 * <p>A migration is refused, and changes nothing, where the state cannot be mapped: a step that started has no
 * counterpart; a step with work in flight (running, waiting to call again, compensating) would change its id (its
 * outcome names the old one) or its kind (its outcome comes from where the old kind sent it); two steps map to one;
 * the mapping names a step that does not exist.
 */
public final class Migration {
    private Migration() {}

    /** Why {@code instance} cannot move to {@code target} with {@code mapping}; empty when it can. */
    public static Optional<String> refusal(
            Instance instance, WorkflowDefinition current, WorkflowDefinition target, Map<String, String> mapping) {
        if (instance.isCompleted()) {
            return Optional.of("the instance has completed: only running instances are migrated");
        }
        if (target == null) {
            return Optional.of("that version of workflow '" + instance.workflow() + "' is not deployed");
        }
        if (!target.name().equals(instance.workflow())) {
            return Optional.of("version " + target.version() + " belongs to workflow '" + target.name() + "', not to '"
                    + instance.workflow() + "'");
        }
        if (target.version() == instance.version()) {
            return Optional.of("the instance runs on version " + target.version() + " already");
        }
        for (var e : mapping.entrySet()) {
            if (current.step(e.getKey()).isEmpty()) {
                return Optional.of("the mapping names step '" + e.getKey() + "', which version " + current.version()
                        + " does not have");
            }
            if (target.step(e.getValue()).isEmpty()) {
                return Optional.of("the mapping names step '" + e.getValue() + "', which version " + target.version()
                        + " does not have");
            }
        }
        var mappedFrom = new HashMap<String, String>();
        for (StepExecution step : instance.steps().values()) {
            String to = counterpart(step.stepId(), target, mapping);
            boolean started = step.state() != StepState.PENDING && step.state() != StepState.SKIPPED;
            if (to == null) {
                if (started) {
                    return Optional.of("step '" + step.stepId() + "' is " + step.state() + " and version "
                            + target.version() + " has no step for it: map it to one (old=new)");
                }
                continue;
            }
            String other = mappedFrom.putIfAbsent(to, step.stepId());
            if (other != null) {
                return Optional.of("steps '" + other + "' and '" + step.stepId() + "' both map to '" + to + "'");
            }
            boolean inFlight = step.state().isActive() || step.state() == StepState.COMPENSATING;
            if (inFlight && !to.equals(step.stepId())) {
                return Optional.of("step '" + step.stepId() + "' has work in flight (" + step.state()
                        + "), whose outcome names it: it keeps its id until that work is done");
            }
            StepKind was = current.step(step.stepId()).orElseThrow().kind();
            StepKind becomes = target.step(to).orElseThrow().kind();
            if (inFlight && !was.getClass().equals(becomes.getClass())) {
                return Optional.of("step '" + step.stepId() + "' has work in flight as a " + was.field()
                        + " step; version " + target.version() + " makes it a " + becomes.field() + " step");
            }
            if (step.dueAt() != null
                    && current.step(step.stepId()).orElseThrow().repeat().isPresent()
                    && target.step(to).orElseThrow().repeat().isEmpty()) {
                return Optional.of("step '" + step.stepId() + "' waits for its next round; version " + target.version()
                        + " does not repeat it");
            }
        }
        return Optional.empty();
    }

    static void migrate(DecisionDraft d, Instance current, MigrateInstance migrate) {
        Optional<String> refused = refusal(current, d.definition, migrate.target(), migrate.mapping());
        if (refused.isPresent()) {
            d.notify(new RequestIgnored(current.instanceId(), "MigrateInstance", refused.get(), d.at));
            return;
        }
        WorkflowDefinition target = migrate.target();
        Instance.Builder moved = Instance.builder(current.instanceId(), target.name(), target.version())
                .businessKey(current.businessKey())
                .input(current.input())
                .status(current.status())
                .outcome(current.outcome())
                .failure(current.failure())
                .compensated(current.compensated().stream()
                        .map(id -> Optional.ofNullable(counterpart(id, target, migrate.mapping()))
                                .orElse(id))
                        .toList())
                .completions(current.completions())
                .startedAt(current.startedAt())
                .completedAt(current.completedAt())
                .parent(current.parent())
                .parentCompensationCommandId(current.parentCompensationCommandId())
                .paused(current.paused())
                .redrives(current.redrives());
        Map<String, StepExecution> byNewId = new LinkedHashMap<>();
        for (StepExecution step : current.steps().values()) {
            String to = counterpart(step.stepId(), target, migrate.mapping());
            if (to != null) {
                byNewId.put(to, to.equals(step.stepId()) ? step : step.withStepId(to));
            }
        }
        for (StepDefinition def : target.steps()) {
            moved.step(byNewId.getOrDefault(def.id(), StepExecution.pending(def.id())));
        }
        d.instance = moved;
        d.notify(new OperatorActed(
                current.instanceId(), OperatorAction.MIGRATE, null, migrate.actor(), migrate.reason(), d.at));
        d.notify(new InstanceMigrated(current.instanceId(), current.version(), target.version(), d.at));
        d.migratedTo(target);
        Progress.advance(d);
    }

    private static String counterpart(String oldId, WorkflowDefinition target, Map<String, String> mapping) {
        String to = mapping.getOrDefault(oldId, oldId);
        return target.step(to).isPresent() ? to : null;
    }
}
