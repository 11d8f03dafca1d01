package dev.baton.engine;

import dev.baton.definition.EmitStep;
import dev.baton.definition.EventWait;
import dev.baton.definition.ForEach;
import dev.baton.definition.HttpStep;
import dev.baton.definition.SignalWait;
import dev.baton.definition.Sleep;
import dev.baton.definition.StepDefinition;
import dev.baton.definition.StepKind;
import dev.baton.definition.SubWorkflow;
import dev.baton.definition.WorkerTopic;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Notification.IgnoredBecause;
import dev.baton.engine.Notification.OutcomeIgnored;
import dev.baton.engine.Outbound.CancelChild;
import dev.baton.engine.Outbound.CompensateChild;
import dev.baton.engine.Outbound.HttpCall;
import dev.baton.engine.Outbound.StartChild;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.StepLifecycle.Cause;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A step with {@code forEach}: it runs once per element of a list, each run an <em>item</em> addressed by its index.
 *
 * <ul>
 *   <li>Items start in list order, at most {@code maxConcurrency} in flight; each finished item lets the next start,
 *       so a decision starts a bounded number of items however long the list is.
 *   <li>Item {@code i} of attempt {@code n} goes out as command {@code <instance>/<step>#<i>/<n>}: a duplicate or
 *       replayed outcome finds its item finished already and changes nothing; one of an older attempt is stale.
 *   <li>The step keeps only compact progress ({@link FanOut}); each finished item's output is an {@link ItemResult}
 *       the runtime stores apart. When every item is done the outputs are collected in list order (a failed item's
 *       place holds {@code null}) and the step succeeds, unless more items failed than {@code toleratedFailures}
 *       allows: then it fails as soon as that is so, nothing more starts, and items in flight are waited for.
 *   <li>Compensation undoes the succeeded items, at most {@code maxConcurrency} at a time, once none is in flight:
 *       for a succeeded step as for any other, and for a failed or abandoned one that has succeeded items.
 * </ul>
 */
final class ForEachItems {
    private ForEachItems() {}

    static String itemCommandId(String instanceId, String stepId, int index, int attempt) {
        return instanceId + "/" + stepId + "#" + index + "/" + attempt;
    }

    static Optional<String> childInstanceId(String instanceId, String stepId, int index, int attempt) {
        return SubWorkflows.childInstanceId(instanceId, stepId + "#" + index, attempt);
    }

    /** A forEach step's attempt started (it is RUNNING): finds its list and starts the first items. */
    static void start(DecisionDraft d, StepExecution started, StepDefinition def) {
        ForEach each = def.forEach().orElseThrow();
        Object items = each.items().resolve(d.instance.build().data());
        if (!(items instanceof List<?> list)) {
            Outcomes.fail(
                    d,
                    started,
                    new Failure(
                            started.stepId(),
                            ErrorTypes.ITEMS_NOT_A_LIST,
                            "forEach items " + each.items() + " is " + describe(items) + ", not a list"),
                    0);
            return;
        }
        StepExecution step = update(d, started, FanOut.of(list.size()));
        if (list.isEmpty()) {
            Outcomes.succeed(d, step, Cause.ITEMS_DONE, List.of(), 0);
            return;
        }
        startMore(d, step);
    }

    private static String describe(Object value) {
        if (value == null) {
            return "missing";
        }
        String json =
                value instanceof String s ? "the text \"" + s + "\"" : value instanceof Map ? "an object" : "" + value;
        return json.length() > 80 ? json.substring(0, 80) + "..." : json;
    }

    /** Starts items in list order while fewer than {@code maxConcurrency} are in flight. */
    private static StepExecution startMore(DecisionDraft d, StepExecution step) {
        StepDefinition def = d.stepDef(step);
        int max = def.forEach().orElseThrow().maxConcurrency();
        FanOut f = step.fanOut();
        if (f.running() >= max || f.started() >= f.total()) {
            return step;
        }
        Map<String, Object> data = d.instance.build().data();
        List<?> list = itemsOf(def, data);
        List<Integer> failedAtStart = new ArrayList<>();
        while (f.running() < max && f.started() < f.total()) {
            int index = f.started();
            f = f.withStarted(index + 1);
            if (!send(d, step, def, index, list.get(index), data)) {
                failedAtStart.add(index);
            }
        }
        StepExecution updated = update(d, step, f);
        for (int index : failedAtStart) {
            updated = finished(d, updated, index, false, null, nestingTooDeep(d, updated, index));
        }
        return updated;
    }

    /** The list as the step's attempt started with it; its length was fixed then, so later changes cannot shift it. */
    private static List<?> itemsOf(StepDefinition def, Map<String, Object> data) {
        return (List<?>) def.forEach().orElseThrow().items().resolve(data);
    }

    /** What the item's input mapping reads: the instance data plus {@code item} and {@code index}. */
    private static Map<String, Object> itemData(Map<String, Object> data, Object element, int index) {
        var itemData = new LinkedHashMap<>(data);
        itemData.put("item", element);
        itemData.put("index", index);
        return itemData;
    }

    private static Object inputOf(StepDefinition def, Map<String, Object> itemData) {
        return def.input().isPresent() ? def.input().get().apply(itemData) : itemData.get("item");
    }

    /** Sends item {@code index}'s work; false when it cannot go out (a child id that would nest too deep). */
    private static boolean send(
            DecisionDraft d,
            StepExecution step,
            StepDefinition def,
            int index,
            Object element,
            Map<String, Object> data) {
        Instance.Builder instance = d.instance;
        int attempt = step.attempt();
        String commandId = itemCommandId(instance.instanceId(), step.stepId(), index, attempt);
        Map<String, Object> itemData = itemData(data, element, index);
        Object input = inputOf(def, itemData);
        return def.kind().accept(new StepKind.Visitor<Boolean>() {
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
                d.send(new HttpCall(
                        instance.instanceId(),
                        instance.workflow(),
                        step.stepId(),
                        commandId,
                        attempt,
                        commandId,
                        kind,
                        kind.url().render(itemData),
                        input));
                return true;
            }

            @Override
            public Boolean signal(SignalWait kind) {
                throw new IllegalStateException("a signal step has no items: the validator refuses forEach on it");
            }

            @Override
            public Boolean sleep(Sleep kind) {
                throw new IllegalStateException("a sleep step has no items: the validator refuses forEach on it");
            }

            @Override
            public Boolean event(EventWait kind) {
                throw new IllegalStateException("an event step has no items: the validator refuses forEach on it");
            }

            @Override
            public Boolean emit(EmitStep kind) {
                throw new IllegalStateException("an emit step has no items: the validator refuses forEach on it");
            }

            @Override
            public Boolean subWorkflow(SubWorkflow kind) {
                Optional<String> child = childInstanceId(instance.instanceId(), step.stepId(), index, attempt);
                child.ifPresent(id -> d.send(new StartChild(
                        instance.instanceId(),
                        id,
                        kind.name(),
                        kind.version(),
                        input,
                        instance.businessKey(),
                        new ParentRef(instance.instanceId(), step.stepId(), commandId))));
                return child.isPresent();
            }
        });
    }

    private static Failure nestingTooDeep(DecisionDraft d, StepExecution step, int index) {
        return new Failure(
                step.stepId(),
                ErrorTypes.NESTING_TOO_DEEP,
                "the child instance id of item " + index + " would be longer than " + Instance.MAX_ID_LENGTH
                        + " characters: sub-workflows are nested too deep");
    }

    /** An outcome for a forEach step: of one of its items' work, or of one item's compensation. */
    static void report(DecisionDraft d, StepExecution step, ReportOutcome outcome) {
        ItemCommand command = ItemCommand.parse(d.instance.instanceId(), step.stepId(), outcome.commandId());
        FanOut f = step.fanOut();
        if (command == null || command.index() >= f.total()) {
            ignore(d, outcome, IgnoredBecause.UNKNOWN_COMMAND);
        } else if (command.attempt() != step.attempt()) {
            ignore(d, outcome, IgnoredBecause.STALE);
        } else if (command.compensation() == 0) {
            if (!f.isRunning(command.index())) {
                ignore(
                        d,
                        outcome,
                        command.index() < f.started() ? IgnoredBecause.DUPLICATE : IgnoredBecause.UNKNOWN_COMMAND);
                return;
            }
            Failure error = outcome.succeeded() ? null : Outcomes.errorOf(step, outcome);
            finished(d, step, command.index(), outcome.succeeded(), outcome.output(), error);
        } else if (step.state() == StepState.COMPENSATING
                && command.compensation() == step.compensationAttempt()
                && f.compensationsSent().contains(command.index())
                && !f.compensated().contains(command.index())
                && !f.compensationFailed().contains(command.index())) {
            compensationFinished(d, step, command.index(), outcome);
        } else {
            ignore(
                    d,
                    outcome,
                    command.compensation() < step.compensationAttempt()
                            ? IgnoredBecause.STALE
                            : IgnoredBecause.DUPLICATE);
        }
    }

    /** Item {@code index} finished: its result is stored, and the step succeeds, fails or starts the next items. */
    private static StepExecution finished(
            DecisionDraft d, StepExecution step, int index, boolean succeeded, Object output, Failure error) {
        d.itemFinished(new ItemResult(
                d.instance.instanceId(),
                step.stepId(),
                index,
                step.attempt(),
                succeeded,
                succeeded ? output : null,
                error));
        FanOut f =
                succeeded ? step.fanOut().withSucceeded(index) : step.fanOut().withFailed(index);
        StepExecution updated = update(d, step, f);
        if (updated.state() != StepState.RUNNING) {
            return updated; // a failed or abandoned fan-out only records the items it waited for
        }
        ForEach each = d.stepDef(step).forEach().orElseThrow();
        if (!each.toleratedFailures().tolerates(f.failed().size(), f.total())) {
            Failure first = error != null
                    ? error
                    : d.itemResult(step.stepId(), f.failed().toArray()[0]).error();
            Failure tooMany = new Failure(
                    step.stepId(),
                    first == null ? ErrorTypes.FAILED : first.type(),
                    f.failed().size() + " of " + f.total() + " items failed, more than the " + each.toleratedFailures()
                            + " tolerated; item " + index + ": " + (first == null ? "failed" : first.message()));
            StepExecution failed = d.move(updated, Cause.ITEMS_FAILED, b -> b.error(tooMany));
            Progress.itemFails(d, failed, tooMany);
            return failed;
        }
        if (f.allDone()) {
            var outputs = new ArrayList<>(f.total());
            for (int i = 0; i < f.total(); i++) {
                ItemResult r = f.succeeded().contains(i) ? d.itemResult(step.stepId(), i) : null;
                outputs.add(r == null ? null : r.output());
            }
            return Outcomes.succeed(d, updated, Cause.ITEMS_DONE, outputs, 0);
        }
        return startMore(d, updated);
    }

    private static StepExecution update(DecisionDraft d, StepExecution step, FanOut f) {
        StepExecution updated = step.toBuilder().fanOut(f).build();
        d.instance.step(updated);
        return updated;
    }

    // --- compensation ---------------------------------------------------------------------------------------------

    /** Whether the step has succeeded items to compensate, with none in flight any more. */
    static boolean awaitsCompensation(StepExecution step) {
        FanOut f = step.fanOut();
        return f != null
                && f.running() == 0
                && f.succeeded().size() > f.compensated().size();
    }

    /** The step moved to COMPENSATING under a new compensation attempt: the items not compensated yet go again. */
    static void compensate(DecisionDraft d, StepExecution step, Cause cause) {
        int attempt = step.compensationAttempt() + 1;
        StepExecution compensating = d.move(
                step,
                cause,
                b -> b.compensationAttempt(attempt)
                        .compensationCommandId(null)
                        .compensationError(null)
                        .fanOut(step.fanOut().compensatingAgain()));
        compensateMore(d, compensating);
    }

    private static StepExecution compensateMore(DecisionDraft d, StepExecution step) {
        StepDefinition def = d.stepDef(step);
        int max = def.forEach().orElseThrow().maxConcurrency();
        FanOut f = step.fanOut();
        Map<String, Object> data = null;
        List<?> list = null;
        int index = f.succeeded().nextNotIn(f.compensationsSent(), 0);
        while (f.compensating() < max && index >= 0) {
            String commandId = itemCommandId(d.instance.instanceId(), step.stepId(), index, step.attempt())
                    + "/compensate/" + step.compensationAttempt();
            if (def.kind() instanceof SubWorkflow) {
                String child = childInstanceId(d.instance.instanceId(), step.stepId(), index, step.attempt())
                        .orElseThrow();
                d.send(new CompensateChild(
                        d.instance.instanceId(),
                        child,
                        new ParentRef(d.instance.instanceId(), step.stepId(), commandId)));
            } else {
                if (data == null) {
                    data = d.instance.build().data();
                    list = itemsOf(def, data);
                }
                ItemResult result = d.itemResult(step.stepId(), index);
                Map<String, Object> input = new LinkedHashMap<>();
                input.put("input", inputOf(def, itemData(data, index < list.size() ? list.get(index) : null, index)));
                input.put("output", result == null ? null : result.output());
                d.send(new StepCommand(
                        def.compensate().orElseThrow().topic(),
                        d.instance.instanceId(),
                        d.instance.workflow(),
                        step.stepId(),
                        commandId,
                        CommandKind.COMPENSATE,
                        step.attempt(),
                        input));
            }
            f = f.withCompensationSent(index);
            index = f.succeeded().nextNotIn(f.compensationsSent(), index + 1);
        }
        return update(d, step, f);
    }

    private static void compensationFinished(DecisionDraft d, StepExecution step, int index, ReportOutcome outcome) {
        FanOut f = outcome.succeeded()
                ? step.fanOut().withCompensated(index)
                : step.fanOut().withCompensationFailed(index);
        StepExecution updated = update(d, step, f);
        if (!outcome.succeeded() && updated.compensationError() == null) {
            Failure error = Outcomes.errorOf(step, outcome);
            updated = updated.toBuilder()
                    .compensationError(
                            new Failure(step.stepId(), error.type(), "item " + index + ": " + error.message()))
                    .build();
            d.instance.step(updated);
        }
        updated = compensateMore(d, updated);
        FanOut now = updated.fanOut();
        if (now.compensating() > 0 || now.succeeded().nextNotIn(now.compensationsSent(), 0) >= 0) {
            return;
        }
        if (now.compensationFailed().isEmpty()) {
            d.move(updated, Cause.COMPENSATION_SUCCEEDED, b -> b.compensationError(null));
            var done = new ArrayList<>(d.instance.compensatedSoFar());
            done.add(step.stepId());
            d.instance.compensated(done);
        } else {
            Failure first = updated.compensationError();
            d.move(
                    updated,
                    Cause.COMPENSATION_FAILED,
                    b -> b.compensationError(new Failure(
                            step.stepId(),
                            first == null ? ErrorTypes.COMPENSATION_FAILED : first.type(),
                            now.compensationFailed().size() + " of "
                                    + now.succeeded().size() + " item compensations failed; "
                                    + (first == null ? "" : first.message()))));
        }
    }

    /** Cancels the children of the step's items in flight: the instance no longer wants their outcomes as they are. */
    static void cancelChildren(DecisionDraft d, StepExecution step, String reason) {
        FanOut f = step.fanOut();
        for (int i = 0; i < f.started(); i++) {
            if (f.isRunning(i)) {
                childInstanceId(d.instance.instanceId(), step.stepId(), i, step.attempt())
                        .ifPresent(child -> d.send(new CancelChild(d.instance.instanceId(), child, reason)));
            }
        }
    }

    private static void ignore(DecisionDraft d, ReportOutcome outcome, IgnoredBecause reason) {
        d.notify(new OutcomeIgnored(outcome.instanceId(), outcome.stepId(), outcome.commandId(), reason, d.at));
    }

    /** An item's command id taken apart: {@code <instance>/<step>#<index>/<attempt>[/compensate/<n>]}. */
    private record ItemCommand(int index, int attempt, int compensation) {
        static ItemCommand parse(String instanceId, String stepId, String commandId) {
            String prefix = instanceId + "/" + stepId + "#";
            if (commandId == null || !commandId.startsWith(prefix)) {
                return null;
            }
            String[] parts = commandId.substring(prefix.length()).split("/", -1);
            try {
                if (parts.length >= 2 && (parts[0].startsWith("-") || parts[1].startsWith("-"))) {
                    return null;
                }
                if (parts.length == 2) {
                    return new ItemCommand(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), 0);
                }
                if (parts.length == 4 && parts[2].equals("compensate")) {
                    int n = Integer.parseInt(parts[3]);
                    return n < 1 ? null : new ItemCommand(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), n);
                }
            } catch (NumberFormatException e) {
                return null;
            }
            return null;
        }
    }
}
