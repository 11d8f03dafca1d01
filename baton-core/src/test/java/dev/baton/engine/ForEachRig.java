package dev.baton.engine;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Outbound.StepCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine as the runtime drives a forEach step: one instance, plus the item results each decision writes, kept
 * apart from the instance the way the runtime's store keeps them, and read back through {@link RuntimeFacts}.
 */
final class ForEachRig {
    private final WorkflowDefinition definition;
    private final Map<String, ItemResult> items = new HashMap<>();
    private final List<Decision> decisions = new ArrayList<>();
    private final List<StepCommand> commands = new ArrayList<>();
    private final RuntimeFacts facts;
    private Instance instance;
    private final String id = "order-7";
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    ForEachRig(WorkflowDefinition definition) {
        this.definition = definition;
        this.facts = RuntimeFacts.NONE.withItems((i, s, n) -> items.get(s + "#" + n));
    }

    ForEachRig start(Object request) {
        return feed(new StartInstance(id, request, null, now));
    }

    ForEachRig feed(Inbound event) {
        now = now.plusSeconds(1);
        Decision d = Engine.decide(definition, instance, event, facts);
        if (d.isRejected()) {
            throw new IllegalStateException(d.rejection());
        }
        d.items().forEach(r -> items.put(r.stepId() + "#" + r.index(), r));
        if (d.instance() != null) {
            instance = d.instance();
        }
        decisions.add(d);
        d.outbound().stream()
                .filter(StepCommand.class::isInstance)
                .map(StepCommand.class::cast)
                .forEach(commands::add);
        return this;
    }

    String itemCommand(String step, int index) {
        return Engine.itemCommandId(id, step, index, instance.step(step).attempt());
    }

    ForEachRig itemSucceeded(String step, int index, Object output) {
        return feed(ReportOutcome.success(id, step, itemCommand(step, index), output, now));
    }

    ForEachRig itemFailed(String step, int index) {
        return feed(ReportOutcome.failure(
                id,
                step,
                itemCommand(step, index),
                new Failure(step, "OutOfStock", "line " + index + " is out of stock"),
                now));
    }

    ForEachRig itemCompensated(String step, int index) {
        return feed(ReportOutcome.success(id, step, compensationCommand(step, index), null, now));
    }

    ForEachRig itemCompensationFailed(String step, int index) {
        return feed(ReportOutcome.failure(
                id, step, compensationCommand(step, index), new Failure(step, "UndoFailed", "cannot undo"), now));
    }

    String compensationCommand(String step, int index) {
        return itemCommand(step, index) + "/compensate/" + instance.step(step).compensationAttempt();
    }

    /** Answers a plain step's current command. */
    ForEachRig stepSucceeded(String step) {
        return feed(ReportOutcome.success(id, step, instance.step(step).commandId(), Map.of("by", step), now));
    }

    ForEachRig stepFailed(String step) {
        return feed(ReportOutcome.failure(
                id, step, instance.step(step).commandId(), new Failure(step, "Declined", "declined"), now));
    }

    ForEachRig stepCompensated(String step) {
        return feed(ReportOutcome.success(id, step, instance.step(step).compensationCommandId(), null, now));
    }

    Instance instance() {
        return instance;
    }

    FanOut fanOut(String step) {
        return instance.step(step).fanOut();
    }

    List<Decision> decisions() {
        return decisions;
    }

    /** Every command sent so far, execute and compensate. */
    List<StepCommand> commands() {
        return commands;
    }

    List<StepCommand> commands(String step, CommandKind kind) {
        return commands.stream()
                .filter(c -> c.stepId().equals(step) && c.kind() == kind)
                .toList();
    }

    Map<String, ItemResult> items() {
        return items;
    }

    List<Outbound.WorkflowResult> results() {
        return decisions.stream()
                .flatMap(d -> d.outbound().stream())
                .filter(Outbound.WorkflowResult.class::isInstance)
                .map(Outbound.WorkflowResult.class::cast)
                .toList();
    }
}
