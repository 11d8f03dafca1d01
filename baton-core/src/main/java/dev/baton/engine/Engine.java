package dev.baton.engine;

import dev.baton.definition.StepDefinition;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.CancelInstance;
import dev.baton.engine.Inbound.CompensateInstance;
import dev.baton.engine.Inbound.CompleteStep;
import dev.baton.engine.Inbound.DeliverEvent;
import dev.baton.engine.Inbound.DeliverSignal;
import dev.baton.engine.Inbound.FireDeadline;
import dev.baton.engine.Inbound.FirePurge;
import dev.baton.engine.Inbound.FireRetry;
import dev.baton.engine.Inbound.FireStart;
import dev.baton.engine.Inbound.FireTimeout;
import dev.baton.engine.Inbound.FireWake;
import dev.baton.engine.Inbound.MigrateInstance;
import dev.baton.engine.Inbound.PauseInstance;
import dev.baton.engine.Inbound.RedriveInstance;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.RerunStep;
import dev.baton.engine.Inbound.ResumeInstance;
import dev.baton.engine.Inbound.RetryInstance;
import dev.baton.engine.Inbound.SkipStep;
import dev.baton.engine.Inbound.StartInstance;
import java.util.Optional;

/**
 * The workflow rules: a pure function from (definition, instance state, inbound event) to a {@link Decision}.
 *
 * <p>Where each rule lives, in the order a newcomer needs them (all in this package):
 *
 * <ol>
 *   <li><b>Lifecycle</b> ({@link StepLifecycle}): every state a step can be in and every move between them, as one
 *       table; every change of a step's state goes through {@link DecisionDraft#move}, which refuses a move that is
 *       not in it.
 *   <li><b>Start and end</b> ({@link Progress}): every step whose {@code after} steps are all done (succeeded or
 *       skipped) starts at once, so parallel branches start together and a join starts exactly once; a step whose
 *       {@code when} is false is skipped. When nothing is running or left to compensate, the process completes and
 *       exactly one result is published with the item's outcome: succeeded, failed or cancelled.
 *   <li><b>Outcomes</b> ({@link Outcomes}): only the outcome for a step's current command counts; duplicates, stale
 *       and unknown outcomes change nothing. A step that fails (or times out, {@link Timeouts}) fails the item:
 *       nothing new starts, running steps are waited for, then compensation runs. With {@code onFailure: wait} the
 *       instance raises an incident instead.
 *   <li><b>Compensation</b> ({@link Compensations}): a succeeded step is compensated only after every step
 *       downstream of it has been, so parallel branches are compensated together and a chain in reverse. A failed
 *       compensation raises an incident that an operator's retry resolves.
 *   <li><b>Operators</b> ({@link OperatorActions}): cancel (running steps are abandoned; a late success is
 *       compensated) and retry (a failed step, or a failed compensation).
 *   <li><b>Recovery</b> ({@link Recovery}): pause and resume, redrive a failed or cancelled instance, complete or
 *       skip a step by hand; each action names who took it and why.
 *   <li><b>Versions</b> ({@link Migration}): a running instance moves to another version of its workflow with a
 *       step mapping, or the move is refused where its state cannot be mapped.
 *   <li><b>Signals</b> ({@link Signals}): a step with {@code signal: name} succeeds with the payload of the signal
 *       of that name delivered while it waits.
 *   <li><b>Events</b> ({@link Events}): a step with {@code event:} subscribes to its topic under a correlation
 *       value of its instance and succeeds with the event the runtime's correlation delivers; early signals are kept
 *       ({@link Signals}) for a step that starts later.
 *   <li><b>Sub-workflows</b> ({@link SubWorkflows}): a step that runs a child instance and takes its result as its
 *       outcome; cancelled when the parent stops wanting it; compensated by asking the child to compensate.
 *   <li><b>HTTP retries</b> ({@link HttpRetries}): a failed call marked retryable, with calls left, waits out its
 *       backoff ({@link StepState#WAITING_TO_RETRY}) and the next call goes out under the next attempt's command id.
 *   <li><b>Time</b> ({@link Sleeps}, {@link DelayedStarts}, {@link Deadlines}): a {@code sleep} step waits for a
 *       duration or an instant from the data; a request with {@code startAt} is recorded at once and starts then; a
 *       workflow's {@code deadline} fails or cancels an instance still running when it passes.
 *   <li><b>Loops</b> ({@link Repeats}): a step with {@code repeat} runs round after round until its condition holds,
 *       at most {@code max} rounds, each round under its own command id.
 *   <li><b>forEach</b> ({@link ForEachItems}): a step with {@code forEach} runs once per element of a list, at most
 *       {@code maxConcurrency} items at a time, each under its own command id; it succeeds with the items' outputs
 *       in list order unless more failed than it tolerates; its succeeded items are compensated like a step.
 *   <li><b>Retention and limits</b> ({@link Retention}): a completed instance is forgotten when its retention runs
 *       out, unless a compensation is still open; an output that would make the state too large to store fails its
 *       step; any other event that would is rejected.
 * </ol>
 */
public final class Engine {
    private Engine() {}

    /**
     * Decides what {@code event} does to {@code current}, with no retention and no size limit.
     *
     * @param definition the definition version the instance runs on (for a start: the one to start it on)
     * @param current the stored state, or {@code null} if there is none yet
     */
    public static Decision decide(WorkflowDefinition definition, Instance current, Inbound event) {
        return decide(definition, current, event, RuntimeFacts.NONE);
    }

    /**
     * Decides what {@code event} does to {@code current}.
     *
     * @param definition the definition version the instance runs on (for a start: the one to start it on); {@code
     *     null} for a start of a workflow that is not deployed
     * @param current the stored state, or {@code null} if there is none yet
     * @param facts retention and the state's size limit, from the runtime
     */
    public static Decision decide(WorkflowDefinition definition, Instance current, Inbound event, RuntimeFacts facts) {
        Decision decision = decideOnce(definition, current, event, facts);
        int size = Retention.sizeOf(decision, current, facts);
        if (facts.tooLarge(size) && event instanceof ReportOutcome outcome && outcome.succeeded()) {
            decision = decideOnce(definition, current, Retention.asTooLarge(outcome, size, facts), facts);
            size = Retention.sizeOf(decision, current, facts);
        }
        return facts.tooLarge(size) ? Retention.rejected(size, facts) : decision;
    }

    private static Decision decideOnce(
            WorkflowDefinition definition, Instance current, Inbound event, RuntimeFacts facts) {
        var d = new DecisionDraft(definition, current, event.at(), facts);
        if (current == null && !(event instanceof StartInstance)) {
            SubWorkflows.noSuchInstance(d, event);
        } else if (event instanceof StartInstance start) {
            Progress.start(d, start, current);
        } else if (event instanceof ReportOutcome outcome) {
            Outcomes.report(d, outcome);
        } else if (event instanceof FireTimeout timeout) {
            Timeouts.timeOut(d, timeout);
        } else if (event instanceof FireRetry retry) {
            HttpRetries.callAgain(d, retry);
        } else if (event instanceof FireWake wake) {
            Sleeps.wake(d, wake);
        } else if (event instanceof FireStart fired) {
            DelayedStarts.start(d, fired);
        } else if (event instanceof FireDeadline deadline) {
            Deadlines.pass(d, deadline);
        } else if (event instanceof FirePurge purge) {
            Retention.purge(d, purge);
        } else if (event instanceof CancelInstance cancel) {
            OperatorActions.cancel(d, cancel);
        } else if (event instanceof RetryInstance retry) {
            OperatorActions.retry(d, retry);
        } else if (event instanceof DeliverSignal signal) {
            Signals.deliver(d, signal);
        } else if (event instanceof DeliverEvent delivery) {
            Events.deliver(d, delivery);
        } else if (event instanceof CompensateInstance request) {
            SubWorkflows.compensateForParent(d, request);
        } else if (event instanceof PauseInstance pause) {
            Recovery.pause(d, pause);
        } else if (event instanceof ResumeInstance resume) {
            Recovery.resume(d, resume);
        } else if (event instanceof RedriveInstance redrive) {
            Recovery.redrive(d, redrive);
        } else if (event instanceof CompleteStep complete) {
            Recovery.complete(d, complete);
        } else if (event instanceof SkipStep skip) {
            Recovery.skip(d, skip);
        } else if (event instanceof RerunStep rerun) {
            Recovery.rerun(d, rerun);
        } else if (event instanceof MigrateInstance migrate) {
            Migration.migrate(d, current, migrate);
        } else {
            throw new IllegalArgumentException("no rule for " + event.getClass().getSimpleName());
        }
        return d.decision(current);
    }

    /** The id of a step's command for an attempt; deterministic, so a replayed decision sends the same id. */
    public static String commandId(String instanceId, String stepId, int attempt) {
        return instanceId + "/" + stepId + "/" + attempt;
    }

    /**
     * The id of item {@code index}'s command in an attempt of a forEach step: {@code <instance>/<step>#<index>/<attempt>};
     * deterministic, so a replayed decision sends the same id and a duplicate outcome finds its item done.
     */
    public static String itemCommandId(String instanceId, String stepId, int index, int attempt) {
        return ForEachItems.itemCommandId(instanceId, stepId, index, attempt);
    }

    /**
     * The id of the child instance that an attempt of a sub-workflow step starts; deterministic like a command id.
     * Empty when it would be longer than an instance id may be ({@link Instance#MAX_ID_LENGTH}): nesting that deep
     * fails the step rather than grow ids without end.
     */
    public static Optional<String> childInstanceId(String instanceId, String stepId, int attempt) {
        return SubWorkflows.childInstanceId(instanceId, stepId, attempt);
    }

    /**
     * When an HTTP step that waits out a retry's backoff makes its next call: its last call's end plus the backoff
     * after that many failed calls. Empty for a step that does not wait to call again.
     */
    public static Optional<java.time.Instant> nextCallAt(StepDefinition def, StepExecution step) {
        return HttpRetries.nextCallAt(def, step);
    }

    static String compensationCommandId(String executeCommandId, int compensationAttempt) {
        return executeCommandId + "/compensate/" + compensationAttempt;
    }
}
