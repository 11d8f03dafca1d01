package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.CancelInstance;
import dev.baton.engine.Inbound.FireTimeout;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.RetryInstance;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.Outbound.WorkflowResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A given/when/then harness over the pure engine: it keeps one instance's state, feeds it events the way the
 * runtime would, and records what the engine decided since the last {@link #when()}.
 *
 * <pre>{@code
 * given(article()).started("item-1").stepSucceeded("A")
 *     .when().stepSucceeded("B")
 *     .then().expectNoCommands().expectStep("D", StepState.PENDING);
 * }</pre>
 *
 * Commands are described as {@code "execute B"} or {@code "compensate C"}.
 */
final class EngineStory {
    private WorkflowDefinition definition;
    private Instance instance;
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private String instanceId = "item-1";
    private final List<Decision> all = new ArrayList<>();
    private final List<Decision> recent = new ArrayList<>();
    private RuntimeFacts facts = RuntimeFacts.NONE;

    private EngineStory(WorkflowDefinition definition) {
        this.definition = definition;
    }

    static EngineStory given(WorkflowDefinition definition) {
        return new EngineStory(definition);
    }

    /** What the runtime tells the engine: retention and the state's size limit. */
    EngineStory withFacts(RuntimeFacts facts) {
        this.facts = facts;
        return this;
    }

    // --- events ---------------------------------------------------------------------------------------------------

    EngineStory started(String id) {
        return started(id, Map.of());
    }

    EngineStory started(String id, Object input) {
        instanceId = id;
        return feed(new StartInstance(id, input, null, now));
    }

    EngineStory stepSucceeded(String stepId) {
        return stepSucceeded(stepId, Map.of("by", stepId));
    }

    EngineStory stepSucceeded(String stepId, Object output) {
        return feed(ReportOutcome.success(instanceId, stepId, currentCommand(stepId), output, now));
    }

    EngineStory stepFailed(String stepId, String errorType) {
        return feed(ReportOutcome.failure(
                instanceId, stepId, currentCommand(stepId), new Failure(stepId, errorType, stepId + " gave up"), now));
    }

    /** The HTTP executor reports a failed call of an HTTP step with this status. */
    EngineStory httpCallFailed(String stepId, int status, boolean retryable) {
        return feed(new ReportOutcome(
                instanceId,
                stepId,
                currentCommand(stepId),
                false,
                null,
                new Failure(stepId, "HTTP_" + status, "answered " + status),
                1,
                retryable,
                now));
    }

    /** The backoff of an HTTP step's retry is over. */
    EngineStory retryFires(String stepId) {
        return feed(new Inbound.FireRetry(instanceId, stepId, currentCommand(stepId), now));
    }

    EngineStory compensationSucceeded(String stepId) {
        return feed(
                ReportOutcome.success(instanceId, stepId, instance.step(stepId).compensationCommandId(), null, now));
    }

    EngineStory compensationFailed(String stepId) {
        return feed(ReportOutcome.failure(
                instanceId,
                stepId,
                instance.step(stepId).compensationCommandId(),
                new Failure(stepId, "UndoFailed", "could not undo " + stepId),
                now));
    }

    EngineStory timeoutFires(String stepId) {
        return feed(new FireTimeout(instanceId, stepId, currentCommand(stepId), now));
    }

    EngineStory cancelled() {
        return feed(new CancelInstance(instanceId, "customer withdrew", now));
    }

    EngineStory retried(String stepId) {
        return feed(new RetryInstance(instanceId, stepId, now));
    }

    EngineStory paused() {
        return feed(new Inbound.PauseInstance(instanceId, "ops-alice", "payments are down", now));
    }

    EngineStory resumed() {
        return feed(new Inbound.ResumeInstance(instanceId, "ops-alice", "payments are back", now));
    }

    EngineStory redriven() {
        return feed(new Inbound.RedriveInstance(instanceId, "ops-alice", "the cause is fixed", now));
    }

    EngineStory completedByHand(String stepId, Object output) {
        return feed(new Inbound.CompleteStep(instanceId, stepId, output, "ops-alice", "done by phone", now));
    }

    EngineStory rerun(String stepId, Object input) {
        return feed(new Inbound.RerunStep(instanceId, stepId, input, "ops-alice", "wrong address", now));
    }

    EngineStory skippedByHand(String stepId) {
        return feed(new Inbound.SkipStep(instanceId, stepId, "ops-alice", "not needed for this order", now));
    }

    /** An operator moves the instance to {@code target}; the story goes on with that definition if it moved. */
    EngineStory migratedTo(WorkflowDefinition target, Map<String, String> mapping) {
        feed(new Inbound.MigrateInstance(instanceId, target, mapping, "ops-alice", "v2 adds a fraud check", now));
        if (instance.version() == target.version()) {
            definition = target;
        }
        return this;
    }

    /** The worker's outcome for an earlier command of the step, e.g. one that arrives after a redrive. */
    EngineStory stepSucceededFor(String stepId, String commandId) {
        return feed(ReportOutcome.success(instanceId, stepId, commandId, Map.of("by", stepId), now));
    }

    /** The retention of the completed instance ran out. */
    EngineStory purgeFires() {
        return feed(new Inbound.FirePurge(instanceId, now));
    }

    /** Any raw event, e.g. a duplicate or a hand-made outcome. */
    EngineStory feed(Inbound event) {
        Decision decision = Engine.decide(definition, instance, event, facts);
        if (decision.instance() != null) {
            instance = decision.instance();
        }
        if (decision.forget()) {
            instance = null;
        }
        all.add(decision);
        recent.add(decision);
        return this;
    }

    EngineStory afterWaiting(Duration duration) {
        now = now.plus(duration);
        return this;
    }

    // --- structure ------------------------------------------------------------------------------------------------

    /** Starts the part of the story whose effects {@code then()} checks. */
    EngineStory when() {
        recent.clear();
        return this;
    }

    EngineStory then() {
        return this;
    }

    // --- expectations ---------------------------------------------------------------------------------------------

    EngineStory expectCommands(String... described) {
        assertThat(recentCommands()).as("commands published").containsExactlyInAnyOrder(described);
        return this;
    }

    /** Like {@link #expectCommands} but in this exact order. */
    EngineStory expectCommandsInOrder(String... described) {
        assertThat(recentCommands()).as("commands published").containsExactly(described);
        return this;
    }

    EngineStory expectNoCommands() {
        assertThat(recentCommands()).as("commands published").isEmpty();
        return this;
    }

    EngineStory expectState(ProcessStatus status, Outcome outcome) {
        assertThat(instance.status()).as("process status").isEqualTo(status);
        assertThat(instance.outcome()).as("item outcome").isEqualTo(outcome);
        return this;
    }

    EngineStory expectStep(String stepId, StepState state) {
        assertThat(instance.step(stepId).state()).as("state of step " + stepId).isEqualTo(state);
        return this;
    }

    EngineStory expectNotified(Class<? extends Notification> type) {
        assertThat(recentNotifications()).as("notifications").anyMatch(type::isInstance);
        return this;
    }

    EngineStory expectNotNotified(Class<? extends Notification> type) {
        assertThat(recentNotifications()).as("notifications").noneMatch(type::isInstance);
        return this;
    }

    EngineStory expectRequestIgnored(String reason) {
        assertThat(recentNotifications())
                .as("notifications")
                .anyMatch(n ->
                        n instanceof Notification.RequestIgnored r && r.reason().equals(reason));
        return this;
    }

    EngineStory expectOperatorActed(Notification.OperatorAction action) {
        assertThat(recentNotifications())
                .as("notifications")
                .anyMatch(n -> n instanceof Notification.OperatorActed a
                        && a.action() == action
                        && a.actor().equals("ops-alice"));
        return this;
    }

    EngineStory expectIgnored(Notification.IgnoredBecause reason) {
        assertThat(recentNotifications())
                .as("notifications")
                .anyMatch(n -> n instanceof Notification.OutcomeIgnored o && o.reason() == reason);
        return this;
    }

    EngineStory expectStateUnchanged() {
        assertThat(recent).allSatisfy(d -> {
            assertThat(d.outbound()).isEmpty();
            assertThat(d.timers()).isEmpty();
        });
        return this;
    }

    EngineStory expectResult(Outcome outcome) {
        List<WorkflowResult> results = results(recent);
        assertThat(results).as("results published").hasSize(1);
        assertThat(results.get(0).outcome()).isEqualTo(outcome);
        return this;
    }

    EngineStory expectNoResult() {
        assertThat(results(recent)).as("results published").isEmpty();
        return this;
    }

    /** The last event could not apply at all: the runtime dead-letters it with this reason, and nothing changed. */
    EngineStory expectRejected(String reason) {
        Decision last = recent.get(recent.size() - 1);
        assertThat(last.rejection()).as("rejection").isEqualTo(reason);
        assertThat(last.instance()).as("a rejected event stores nothing").isNull();
        assertThat(last.outbound()).as("a rejected event publishes nothing").isEmpty();
        return this;
    }

    /** The instance was deleted: its retention ran out. */
    EngineStory expectForgotten() {
        assertThat(recent).as("decisions").anyMatch(Decision::forget);
        assertThat(instance).as("instance after it was forgotten").isNull();
        return this;
    }

    EngineStory expectStepError(String stepId, String type) {
        assertThat(instance.step(stepId).error()).as("error of step " + stepId).isNotNull();
        assertThat(instance.step(stepId).error().type())
                .as("error type of step " + stepId)
                .isEqualTo(type);
        return this;
    }

    EngineStory expectTimers(Class<? extends TimerRequest> type, int count) {
        assertThat(recent.stream().flatMap(d -> d.timers().stream()).filter(type::isInstance))
                .hasSize(count);
        return this;
    }

    // --- access ---------------------------------------------------------------------------------------------------

    Instance instance() {
        return instance;
    }

    Instant now() {
        return now;
    }

    List<Outbound.HttpCall> httpCallsSoFar() {
        return all.stream()
                .flatMap(d -> d.outbound().stream())
                .filter(Outbound.HttpCall.class::isInstance)
                .map(Outbound.HttpCall.class::cast)
                .toList();
    }

    /** Every record an emit step published over the whole story. */
    List<Outbound.Emit> emitsSoFar() {
        return all.stream()
                .flatMap(d -> d.outbound().stream())
                .filter(Outbound.Emit.class::isInstance)
                .map(Outbound.Emit.class::cast)
                .toList();
    }

    /** The records emit steps published since {@code when()}. */
    List<Outbound.Emit> recentEmits() {
        return recent.stream()
                .flatMap(d -> d.outbound().stream())
                .filter(Outbound.Emit.class::isInstance)
                .map(Outbound.Emit.class::cast)
                .toList();
    }

    List<TimerRequest> recentTimers() {
        return recent.stream().flatMap(d -> d.timers().stream()).toList();
    }

    WorkflowResult result() {
        List<WorkflowResult> results = results(all);
        assertThat(results).as("results over the whole story").hasSize(1);
        return results.get(0);
    }

    List<StepCommand> commandsSoFar() {
        return all.stream()
                .flatMap(d -> d.outbound().stream())
                .filter(StepCommand.class::isInstance)
                .map(StepCommand.class::cast)
                .toList();
    }

    /** Everything published since {@code when()}, commands or not. */
    List<Outbound> recentOutbound() {
        return recent.stream().flatMap(d -> d.outbound().stream()).toList();
    }

    List<Notification> recentNotifications() {
        return recent.stream().flatMap(d -> d.notifications().stream()).toList();
    }

    private List<String> recentCommands() {
        return recent.stream()
                .flatMap(d -> d.outbound().stream())
                .filter(StepCommand.class::isInstance)
                .map(StepCommand.class::cast)
                .map(c -> c.kind().name().toLowerCase() + " " + c.stepId())
                .toList();
    }

    private static List<WorkflowResult> results(List<Decision> decisions) {
        return decisions.stream()
                .flatMap(d -> d.outbound().stream())
                .filter(WorkflowResult.class::isInstance)
                .map(WorkflowResult.class::cast)
                .toList();
    }

    private String currentCommand(String stepId) {
        StepExecution step = instance.step(stepId);
        return step == null ? instanceId + "/" + stepId + "/1" : step.commandId();
    }
}
