package dev.baton.engine;

import dev.baton.definition.StepDefinition;
import dev.baton.definition.SubWorkflow;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Notification.IncidentRaised;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.StepLifecycle.Cause;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compensation after the item failed or was cancelled: every succeeded step that can be compensated is, but only
 * after every step downstream of it has been, so steps that ran in parallel are compensated in parallel and a chain
 * in reverse. A failed compensation raises an incident; an operator's retry sends it again.
 */
final class Compensations {
    private Compensations() {}

    /** Starts the compensation of every succeeded step whose downstream steps need none, or have had theirs. */
    static void startReady(DecisionDraft d) {
        for (StepDefinition def : d.definition.steps()) {
            StepExecution step = d.step(def.id());
            boolean due = step.state() == StepState.SUCCEEDED
                    || step.state() == StepState.FAILED
                    || step.state() == StepState.ABANDONED;
            if (!due || !awaitsCompensation(d, step)) {
                continue;
            }
            boolean downstreamDone =
                    d.definition.descendants(def.id()).stream().map(d::step).noneMatch(s -> awaitsCompensation(d, s));
            if (downstreamDone) {
                start(d, step, Cause.COMPENSATION_DUE);
            }
        }
    }

    private static boolean awaitsCompensation(DecisionDraft d, StepExecution step) {
        return switch (step.state()) {
            case SUCCEEDED ->
                d.stepDef(step).compensable() && (step.fanOut() == null || ForEachItems.awaitsCompensation(step));
            case FAILED, ABANDONED -> d.stepDef(step).compensable() && ForEachItems.awaitsCompensation(step);
            case COMPENSATING, COMPENSATION_FAILED -> true;
            default -> false;
        };
    }

    /** Sends the step's compensate command (to its worker, or to its child instance) under a new command id. */
    static void start(DecisionDraft d, StepExecution step, Cause cause) {
        if (step.fanOut() != null) {
            ForEachItems.compensate(d, step, cause);
            return;
        }
        StepDefinition def = d.stepDef(step);
        int attempt = step.compensationAttempt() + 1;
        String commandId = Engine.compensationCommandId(step.commandId(), attempt);
        StepExecution compensating = d.move(
                step,
                cause,
                b -> b.compensationAttempt(attempt)
                        .compensationCommandId(commandId)
                        .compensationError(null));
        if (def.kind() instanceof SubWorkflow) {
            SubWorkflows.compensateChild(d, compensating);
            return;
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("input", step.input() != null ? step.input() : d.instance.input());
        input.put("output", step.output());
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

    static void outcome(DecisionDraft d, StepExecution step, ReportOutcome outcome) {
        if (outcome.succeeded()) {
            d.move(step, Cause.COMPENSATION_SUCCEEDED, b -> b.compensationError(null));
            var done = new ArrayList<>(d.instance.compensatedSoFar());
            done.add(step.stepId());
            d.instance.compensated(done);
            return;
        }
        Failure error = Outcomes.errorOf(step, outcome);
        d.move(step, Cause.COMPENSATION_FAILED, b -> b.compensationError(error));
        if (d.instance.status() == ProcessStatus.COMPLETED && d.instance.parentCompensationCommandId() == null) {
            // Late work compensated after the result: the process stays completed, but an operator must still retry.
            d.notify(new IncidentRaised(
                    d.instance.instanceId(),
                    step.stepId(),
                    "compensation of '" + step.stepId() + "' (late work, after the result) failed; retry it",
                    d.at));
        }
    }
}
