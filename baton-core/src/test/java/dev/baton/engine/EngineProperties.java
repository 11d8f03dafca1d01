package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.FailurePolicy;
import dev.baton.definition.StepDefinition;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.CancelInstance;
import dev.baton.engine.Inbound.FireTimeout;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.RetryInstance;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.Outbound.WorkflowResult;
import dev.baton.engine.TimerRequest.CancelTimeout;
import dev.baton.engine.TimerRequest.ScheduleTimeout;
import dev.baton.protocol.InstanceCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of the engine over random workflows and random worlds.
 *
 * <p>A {@link Scenario} is a random valid DAG (2–8 steps, {@code after} edges to earlier steps only, random
 * compensations, timeouts, {@code when} conditions on the request and on upstream outputs), a random request, and a
 * random world: what each step's worker answers (execute and compensate), the order in which the answers and fired
 * timers reach the engine, noise (duplicates of anything delivered earlier, stale and unknown outcomes, stale
 * timers) and an occasional cancel. {@link Run} drives the engine the way the runtime does until no command is
 * outstanding, storing every state through {@link InstanceCodec} and checking the rules after every decision; the
 * properties then check the end state.
 *
 * <p>The rules checked, after every decision or at the end of a run:
 *
 * <ol type="a">
 *   <li>every instance ends {@code COMPLETED} with exactly one result, published when it completes; it waits in
 *       {@code INCIDENT} only when a compensation failed (or a step with {@code onFailure: wait} did), and the
 *       operator's retry then lets it complete;
 *   <li>no command id is ever sent twice: one command per step attempt and kind;
 *   <li>a step, a join in particular, starts once per attempt and only when all its predecessors have succeeded or
 *       been skipped; and every step that can start does;
 *   <li>duplicates of anything delivered earlier, stale and unknown outcomes and stale timers change no state and
 *       publish nothing, so the run with them ends exactly as the run without;
 *   <li>the item succeeds iff every step that is not skipped succeeds in time and nobody cancels, with every such
 *       step's output in the result;
 *   <li>otherwise all work done by a step with a compensation ends compensated; a step's first compensation starts
 *       only once no step downstream of it awaits its own; nothing is undone while a failed item still waits for
 *       running steps; and branches that can be undone together are.
 * </ol>
 *
 * <p>Everything random comes from jqwik arbitraries, so a failing scenario shrinks to a small one; a failure
 * message carries the run's trace.
 */
class EngineProperties {
    private static final String ID = "item-1";
    private static final List<String> NAMES = List.of("A", "B", "C", "D", "E", "F", "G", "H");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    // --- the properties ---------------------------------------------------------------------------------------------

    /**
     * Default failure policy, compensations may fail (an operator then retries them): (a)–(f), plus noise of every
     * kind changes nothing, so the run with noise ends exactly as the run without.
     */
    @Property(tries = 800)
    void everyInstanceEndsOnceWithTheRightOutcomeWhateverTheWorldDoes(@ForAll("scenarios") Scenario scenario) {
        Run clean = new Run(scenario, false).drive();
        Run noisy = new Run(scenario, true).drive();

        for (Run run : List.of(clean, noisy)) {
            run.checkEnd();
            run.checkOutcomeAgainstTheWorld();
            run.checkEverySucceededStepWithACompensationWasUndone();
        }
        // (d) duplicates, stale and unknown outcomes and stale timers never change anything
        assertThat(noisy.commands).as("commands with noise\n%s", noisy.trace()).isEqualTo(clean.commands);
        WorkflowResult a = clean.results.get(0);
        WorkflowResult b = noisy.results.get(0);
        assertThat(b.outcome()).isEqualTo(a.outcome());
        assertThat(b.compensated()).isEqualTo(a.compensated());
        assertThat(b.output()).isEqualTo(a.output());
        assertThat(b.error()).isEqualTo(a.error());
        assertThat(noisy.instance).as("final state with noise").isEqualTo(clean.instance);

        Statistics.label("outcome").collect(a.outcome());
        Statistics.label("steps").collect(scenario.steps().size());
        Statistics.label("noise events").collect(noisy.noiseDelivered > 0 ? "some" : "none");
        Statistics.label("compensation incident").collect(clean.incidents > 0);
        Statistics.label("timeout fired").collect(clean.effectiveTimeout);
        Statistics.label("outcome").coverage(c -> {
            c.check(Outcome.SUCCEEDED).percentage(p -> p > 10);
            c.check(Outcome.FAILED).percentage(p -> p > 10);
            c.check(Outcome.CANCELLED).percentage(p -> p > 1);
        });
    }

    /** (a) with compensations that always succeed, every instance completes without an incident. */
    @Property(tries = 400)
    void withCompensationsThatSucceedEveryInstanceCompletesWithoutAnIncident(@ForAll("scenarios") Scenario scenario) {
        Scenario undoAlwaysWorks = scenario.withWorkers(scenario.workers().stream()
                .map(w -> new Worker(w.failuresBeforeSuccess(), true, w.flag()))
                .toList());
        Run run = new Run(undoAlwaysWorks, true).drive();
        assertThat(run.incidents).as("incidents\n%s", run.trace()).isZero();
        assertThat(run.operatorActions).isZero();
        run.checkEnd();
        run.checkOutcomeAgainstTheWorld();
        run.checkEverySucceededStepWithACompensationWasUndone();
    }

    /**
     * The one non-default policy: steps with {@code onFailure: wait} raise an incident instead of failing the item,
     * and an operator retries them (a new attempt, a new command id) or cancels the instance.
     */
    @Property(tries = 400)
    void stepsThatWaitForAnOperatorEndOnceTheOperatorActs(@ForAll("waitingScenarios") Scenario scenario) {
        Run run = new Run(scenario, true).drive();
        run.checkEnd();
        run.checkOutcomeAgainstDecisiveEvents();
        run.checkEverySucceededStepWithACompensationWasUndone();
        if (run.result().outcome() == Outcome.SUCCEEDED) {
            for (String id : run.expectedToRun()) {
                StepExecution step = run.instance.step(id);
                assertThat(step.state()).isEqualTo(StepState.SUCCEEDED);
                assertThat(step.attempt())
                        .as("attempts of %s\n%s", id, run.trace())
                        .isEqualTo(scenario.workers().get(NAMES.indexOf(id)).failuresBeforeSuccess() + 1);
            }
        }
        Statistics.label("outcome").collect(run.result().outcome());
        Statistics.label("operator actions").collect(Math.min(run.operatorActions, 3));
    }

    /** The engine is a pure function: the same state and event always give the same decision. */
    @Property(tries = 150)
    void decidingTwiceGivesTheSameDecision(@ForAll("scenarios") Scenario scenario) {
        Run run = new Run(scenario, true);
        run.replayCheck = true;
        run.drive().checkEnd();
    }

    // --- regression examples ----------------------------------------------------------------------------------------

    /**
     * A success that arrives after a cancelled instance completed is compensated; when that compensation fails, the
     * operator must hear of it and be able to retry it, as with any failed compensation.
     */
    @Example
    void aFailedCompensationOfLateWorkAfterTheResultRaisesAnIncidentAndCanBeRetried() {
        var story = EngineStory.given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .cancelled()
                .compensationSucceeded("B")
                .compensationSucceeded("A")
                .then()
                .expectState(ProcessStatus.COMPLETED, Outcome.CANCELLED)
                .stepSucceeded("C")
                .when()
                .compensationFailed("C")
                .then()
                .expectStep("C", StepState.COMPENSATION_FAILED)
                .expectNotified(Notification.IncidentRaised.class)
                .expectNoResult()
                .when()
                .retried("C")
                .then()
                .expectCommands("compensate C")
                .when()
                .compensationSucceeded("C")
                .then()
                .expectStep("C", StepState.COMPENSATED)
                .expectNoResult()
                .expectState(ProcessStatus.COMPLETED, Outcome.CANCELLED);
        assertThat(story.result().outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(story.instance().compensated()).containsExactly("B", "A", "C");
    }

    // --- generators ---------------------------------------------------------------------------------------------

    /** A step's shape; {@code afterBits} picks predecessors among the earlier steps (bit j = step j). */
    record StepSpec(int afterBits, boolean compensate, boolean timeout, int when, boolean waits) {}

    /** What a step's worker does: fails its first attempts, then succeeds; its undo may fail the first time. */
    record Worker(int failuresBeforeSuccess, boolean undoSucceeds, boolean flag) {}

    /**
     * Something delivered besides the real answers: 0 a duplicate of anything delivered before, 1 a stale execute
     * outcome, 2 an unknown command id, 3 an unknown step, 4 a stale compensation outcome, 5 a stale timer.
     */
    record Noise(int kind, int index) {}

    /** One delivery: which in-flight answer or timer arrives next (index modulo how many there are), then noise. */
    record Action(int pick, Noise noise) {}

    record Request(boolean f0, boolean f1, boolean f2, int n) {
        Map<String, Object> toMap() {
            return Map.of("f0", f0, "f1", f1, "f2", f2, "n", n);
        }
    }

    /**
     * @param cancelAt deliver a cancel before this action, or -1 for none
     * @param operatorRetries what an operator does at each incident: retry (true) or cancel; retry once they run out
     */
    record Scenario(
            List<StepSpec> steps,
            Request request,
            List<Worker> workers,
            List<Action> actions,
            int cancelAt,
            List<Boolean> operatorRetries,
            boolean waitPolicy) {

        Scenario withWorkers(List<Worker> newWorkers) {
            return new Scenario(steps, request, newWorkers, actions, cancelAt, operatorRetries, waitPolicy);
        }

        WorkflowDefinition definition() {
            var b = WorkflowDefinition.builder("random").version(1).resultTopic("random.results");
            for (int i = 0; i < steps.size(); i++) {
                StepSpec spec = steps.get(i);
                String id = NAMES.get(i);
                List<String> after = predecessors(spec.afterBits(), i);
                String when = condition(spec.when(), i, after);
                b.step(id, s -> {
                    s.topic("topic-" + id).after(after);
                    if (spec.compensate()) {
                        s.compensate("undo-" + id);
                    }
                    if (spec.timeout()) {
                        s.timeout(TIMEOUT);
                    }
                    if (when != null) {
                        s.when(when);
                    }
                    if (!after.isEmpty()) {
                        s.input(Map.of("from", "$.steps." + after.get(0) + ".output.by", "key", "$.businessKey"));
                    }
                    if (waitPolicy && spec.waits()) {
                        s.onFailure(FailurePolicy.WAIT);
                    }
                });
            }
            return b.build();
        }

        private static List<String> predecessors(int bits, int index) {
            var after = new ArrayList<String>();
            for (int j = 0; j < index; j++) {
                if ((bits & (1 << j)) != 0) {
                    after.add(NAMES.get(j));
                }
            }
            return after;
        }

        private static String condition(int kind, int index, List<String> after) {
            String flag = "f" + (index % 3);
            return switch (kind) {
                case 1 -> "$.request." + flag + " == true";
                case 2 -> "!$.request." + flag;
                case 3 -> "$.request.n >= " + (index % 4);
                case 4 -> after.isEmpty() ? null : "$.steps." + after.get(0) + ".output.flag == true";
                case 5 ->
                    after.isEmpty()
                            ? "$.request.f1 && $.request.n != 3"
                            : "($.request.f0 || $.steps." + after.get(after.size() - 1)
                                    + ".output.flag) && $.request.n != 3";
                default -> null;
            };
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return scenarios(false);
    }

    @Provide
    Arbitrary<Scenario> waitingScenarios() {
        return scenarios(true);
    }

    private static Arbitrary<Scenario> scenarios(boolean waitPolicy) {
        Arbitrary<Integer> when = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.just(0)),
                Tuple.of(3, Arbitraries.integers().between(1, 5)));
        Arbitrary<StepSpec> step = Combinators.combine(
                        Arbitraries.integers().between(0, 255),
                        Arbitraries.of(true, false),
                        waitPolicy
                                ? Arbitraries.just(false)
                                : Arbitraries.integers().between(0, 7).map(i -> i == 0),
                        when,
                        Arbitraries.of(true, false))
                .as(StepSpec::new);
        Arbitrary<Request> request = Combinators.combine(
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 5))
                .as(Request::new);
        Arbitrary<Integer> failures = Arbitraries.frequency(Tuple.of(88, 0), Tuple.of(8, 1), Tuple.of(4, 2));
        Arbitrary<Worker> worker = Combinators.combine(
                        failures,
                        waitPolicy
                                ? Arbitraries.just(true)
                                : Arbitraries.integers().between(0, 9).map(i -> i != 0),
                        Arbitraries.of(true, false))
                .as(Worker::new);
        Arbitrary<Noise> noise = Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, 50))
                .as(Noise::new);
        Arbitrary<Action> action = Combinators.combine(Arbitraries.integers().between(0, 1000), noise.injectNull(0.6))
                .as(Action::new);
        Arbitrary<Integer> cancelAt = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(-1)),
                Tuple.of(1, Arbitraries.integers().between(0, 12)));
        return Combinators.combine(
                        step.list().ofMinSize(2).ofMaxSize(8),
                        request,
                        worker.list().ofSize(NAMES.size()),
                        action.list().ofMaxSize(40),
                        cancelAt,
                        Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false))
                                .list()
                                .ofMaxSize(4))
                .as((steps, req, workers, actions, cancel, operator) ->
                        new Scenario(steps, req, workers, actions, cancel, operator, waitPolicy));
    }

    // --- the driver -----------------------------------------------------------------------------------------------

    /**
     * The runtime in miniature: feeds the engine, publishes its commands to a world that answers them, keeps timers,
     * and checks the rules after every decision.
     */
    static final class Run {
        final Scenario scenario;
        final WorkflowDefinition definition;
        final boolean noisy;
        boolean replayCheck;

        Instance instance;
        Instant now = T0;
        final List<Inbound> inFlight = new ArrayList<>();
        final List<Inbound> delivered = new ArrayList<>();
        final List<StepCommand> commands = new ArrayList<>();
        final Set<String> commandIds = new HashSet<>();
        final Map<String, Integer> lastAttempt = new HashMap<>();
        final List<WorkflowResult> results = new ArrayList<>();
        final List<String> log = new ArrayList<>();
        /** Steps whose worker did the work: it reported success for a command of the step. */
        final Set<String> workDone = new LinkedHashSet<>();
        /** The first event that decided the item's outcome, as the driver saw it from the state before. */
        Outcome decisive;

        boolean effectiveCancel;
        boolean effectiveTimeout;
        boolean compensationFailed;
        int incidents;
        int operatorActions;
        int noiseDelivered;

        Run(Scenario scenario, boolean noisy) {
            this.scenario = scenario;
            this.definition = scenario.definition();
            this.noisy = noisy;
        }

        Run drive() {
            decide(new StartInstance(ID, scenario.request().toMap(), "bk-1", now), false);
            int action = 0;
            int operatorChoice = 0;
            while (true) {
                while (!inFlight.isEmpty()) {
                    if (action == scenario.cancelAt()) {
                        now = now.plusSeconds(1);
                        decide(new CancelInstance(ID, "changed my mind", now), false);
                    }
                    Action a = action < scenario.actions().size()
                            ? scenario.actions().get(action)
                            : new Action(0, null);
                    action++;
                    Inbound next = inFlight.remove(Math.floorMod(a.pick(), inFlight.size()));
                    now = next instanceof FireTimeout t && t.at().isAfter(now) ? t.at() : now.plusSeconds(1);
                    delivered.add(next);
                    decide(retime(next, now), false);
                    if (noisy && a.noise() != null) {
                        noise(a.noise());
                    }
                }
                // Nothing is outstanding: the instance has completed or waits for an operator.
                boolean lateUndoFailed =
                        instance.steps().values().stream().anyMatch(s -> s.state() == StepState.COMPENSATION_FAILED);
                if (instance.status() != ProcessStatus.INCIDENT && !lateUndoFailed) {
                    break;
                }
                incidents++;
                assertThat(compensationFailed || scenario.waitPolicy())
                        .as("an incident without a failed compensation or a waiting step\n%s", trace())
                        .isTrue();
                assertThat(operatorActions).as("operator actions\n%s", trace()).isLessThan(20);
                operatorActions++;
                boolean retry = operatorChoice >= scenario.operatorRetries().size()
                        || scenario.operatorRetries().get(operatorChoice);
                operatorChoice++;
                now = now.plusSeconds(60);
                decide(
                        retry || !scenario.waitPolicy() || instance.outcome() != null
                                ? new RetryInstance(ID, null, now)
                                : new CancelInstance(ID, "operator gave up", now),
                        false);
            }
            return this;
        }

        private void noise(Noise noise) {
            int n = definition.steps().size();
            String step = NAMES.get(noise.index() % n);
            Inbound event = switch (noise.kind()) {
                case 0 -> delivered.isEmpty() ? null : retime(delivered.get(noise.index() % delivered.size()), now);
                case 1 ->
                    new ReportOutcome(
                            ID,
                            step,
                            ID + "/" + step + "/" + (7 + noise.index() % 3),
                            noise.index() % 2 == 0,
                            Map.of("stale", true),
                            null,
                            1,
                            now);
                case 2 -> ReportOutcome.success(ID, step, "forged-" + noise.index(), null, now);
                case 3 ->
                    ReportOutcome.success(ID, "ghost" + noise.index(), ID + "/ghost" + noise.index() + "/1", null, now);
                case 4 -> ReportOutcome.success(ID, step, ID + "/" + step + "/1/compensate/9", null, now);
                default -> new FireTimeout(ID, step, ID + "/" + step + "/9", now);
            };
            if (event != null) {
                noiseDelivered++;
                decide(event, true);
            }
        }

        /** Feeds one event to the engine, checks the decision, and hands its commands and timers to the world. */
        private void decide(Inbound event, boolean isNoise) {
            Instance before = instance;
            if (!isNoise) {
                observeBefore(before, event);
            }
            Decision d = Engine.decide(definition, before, event);
            if (replayCheck) {
                assertThat(Engine.decide(definition, before, event))
                        .as("the same decision twice")
                        .isEqualTo(d);
            }
            log.add((isNoise ? "  noise " : "") + describe(event) + " -> " + describeOut(d)
                    + (d.instance() == null
                            ? ""
                            : "  " + d.instance().steps().values() + " "
                                    + d.instance().status()
                                    + (d.instance().outcome() == null
                                            ? ""
                                            : "/" + d.instance().outcome())));
            if (isNoise) {
                assertThat(d.outbound())
                        .as("noise publishes nothing\n%s", trace())
                        .isEmpty();
                assertThat(d.timers()).as("noise sets no timers\n%s", trace()).isEmpty();
                assertThat(d.instance())
                        .as("noise changes no state\n%s", trace())
                        .isEqualTo(before);
                return;
            }
            if (d.instance() != null) {
                instance = d.instance();
                // the runtime stores every state it decides on and reads it back for the next event
                assertThat(InstanceCodec.read(InstanceCodec.write(instance)))
                        .as("stored and read back")
                        .isEqualTo(instance);
            }
            checkDecision(before, d);
            for (Outbound out : d.outbound()) {
                if (out instanceof StepCommand c) {
                    commands.add(c);
                    inFlight.add(answer(c));
                } else if (out instanceof WorkflowResult r) {
                    results.add(r);
                }
            }
            for (TimerRequest t : d.timers()) {
                if (t instanceof ScheduleTimeout s) {
                    inFlight.add(new FireTimeout(ID, s.stepId(), s.commandId(), s.dueAt()));
                } else if (t instanceof CancelTimeout c) {
                    inFlight.removeIf(
                            e -> e instanceof FireTimeout f && f.commandId().equals(c.commandId()));
                }
            }
        }

        /** Records, from the state before an event, whether the event decides the item's outcome. */
        private void observeBefore(Instance before, Inbound event) {
            if (before == null || before.outcome() != null) {
                if (event instanceof ReportOutcome o
                        && o.succeeded()
                        && !o.commandId().contains("/compensate/")) {
                    workDone.add(o.stepId());
                }
                return;
            }
            if (event instanceof CancelInstance) {
                effectiveCancel = true;
                decisive = decisive == null ? Outcome.CANCELLED : decisive;
            } else if (event instanceof ReportOutcome o && !o.commandId().contains("/compensate/")) {
                StepExecution step = before.step(o.stepId());
                boolean current = step != null && o.commandId().equals(step.commandId());
                if (o.succeeded()) {
                    workDone.add(o.stepId());
                } else if (current
                        && step.state() == StepState.RUNNING
                        && policy(o.stepId()) == FailurePolicy.COMPENSATE) {
                    decisive = decisive == null ? Outcome.FAILED : decisive;
                }
            } else if (event instanceof FireTimeout t) {
                StepExecution step = before.step(t.stepId());
                if (step.state() == StepState.RUNNING && t.commandId().equals(step.commandId())) {
                    effectiveTimeout = true;
                    if (policy(t.stepId()) == FailurePolicy.COMPENSATE) {
                        decisive = decisive == null ? Outcome.FAILED : decisive;
                    }
                }
            }
        }

        /** The rules that hold after every decision. */
        private void checkDecision(Instance before, Decision d) {
            Instance after = instance;
            // (a) one result, published exactly when the process completes; completion and the outcome are final
            assertThat(results.size()
                            + (int) d.outbound().stream()
                                    .filter(WorkflowResult.class::isInstance)
                                    .count())
                    .as("results published\n%s", trace())
                    .isLessThanOrEqualTo(1);
            if (before != null && before.isCompleted()) {
                assertThat(after.status())
                        .as("a completed process stays completed\n%s", trace())
                        .isEqualTo(ProcessStatus.COMPLETED);
            }
            if (before != null && before.outcome() != null) {
                assertThat(after.outcome())
                        .as("the item's outcome is decided once\n%s", trace())
                        .isEqualTo(before.outcome());
            }
            boolean publishesResult = d.outbound().stream().anyMatch(WorkflowResult.class::isInstance);
            boolean completesNow = after.isCompleted() && (before == null || !before.isCompleted());
            assertThat(publishesResult)
                    .as("a result exactly when the process completes\n%s", trace())
                    .isEqualTo(completesNow);

            for (Outbound out : d.outbound()) {
                if (!(out instanceof StepCommand c)) {
                    continue;
                }
                // (b) one command per step attempt and kind: command ids are never reused
                assertThat(commandIds.add(c.commandId()))
                        .as("command id %s sent twice\n%s", c.commandId(), trace())
                        .isTrue();
                StepExecution step = after.step(c.stepId());
                StepDefinition def = definition.step(c.stepId()).orElseThrow();
                if (c.kind() == CommandKind.EXECUTE) {
                    // (c) a step (a join in particular) starts once per attempt, after all its predecessors are done
                    assertThat(after.outcome())
                            .as("nothing starts once the item has failed\n%s", trace())
                            .isNull();
                    assertThat(step.state()).isEqualTo(StepState.RUNNING);
                    assertThat(step.commandId()).isEqualTo(c.commandId());
                    assertThat(c.attempt())
                            .as("attempts of %s\n%s", c.stepId(), trace())
                            .isEqualTo(lastAttempt.getOrDefault(c.stepId(), 0) + 1)
                            .isEqualTo(step.attempt());
                    lastAttempt.put(c.stepId(), c.attempt());
                    for (String p : def.after()) {
                        assertThat(after.step(p).state())
                                .as("%s starts after %s\n%s", c.stepId(), p, trace())
                                .isIn(StepState.SUCCEEDED, StepState.SKIPPED);
                    }
                    if (!def.after().isEmpty()) {
                        String first = def.after().get(0);
                        var expected = new LinkedHashMap<String, Object>();
                        expected.put("from", after.step(first).state() == StepState.SUCCEEDED ? first : null);
                        expected.put("key", "bk-1");
                        assertThat(c.input())
                                .as("mapped input of %s", c.stepId())
                                .isEqualTo(expected);
                    } else {
                        assertThat(c.input()).isEqualTo(scenario.request().toMap());
                    }
                } else {
                    // (f) only work that was done is undone, only once the item failed, and downstream first
                    assertThat(after.outcome())
                            .as("compensation of %s while the item has not failed\n%s", c.stepId(), trace())
                            .isNotNull();
                    assertThat(workDone)
                            .as("compensating %s, which never succeeded\n%s", c.stepId(), trace())
                            .contains(c.stepId());
                    assertThat(def.compensate()).isPresent();
                    assertThat(step.state()).isEqualTo(StepState.COMPENSATING);
                    if (after.outcome() == Outcome.FAILED) {
                        assertThat(after.steps().values())
                                .as("in-flight steps are waited for before undoing\n%s", trace())
                                .noneMatch(s -> s.state() == StepState.RUNNING);
                    }
                    // An operator's retry sends a failed compensation again whatever happened downstream since its
                    // first attempt; only a late success (after a cancel or a timeout) can have come back there.
                    boolean firstAttempt = c.commandId().endsWith("/compensate/1");
                    for (String down : firstAttempt ? definition.descendants(c.stepId()) : Set.<String>of()) {
                        assertThat(awaitsUndo(after.step(down)))
                                .as("%s undone before its downstream step %s\n%s", c.stepId(), down, trace())
                                .isFalse();
                    }
                }
            }
            // Progress: every step that can start has started, every undo that can start has started.
            if (after.outcome() == null) {
                for (StepDefinition def : definition.steps()) {
                    boolean ready = def.after().stream()
                            .allMatch(p -> after.step(p).state().letsSuccessorsStart());
                    if (ready) {
                        assertThat(after.step(def.id()).state())
                                .as("%s is ready but pending\n%s", def.id(), trace())
                                .isNotEqualTo(StepState.PENDING);
                    }
                }
            } else if (after.outcome() != Outcome.SUCCEEDED) {
                boolean waiting = after.outcome() == Outcome.FAILED
                        && after.steps().values().stream().anyMatch(s -> s.state() == StepState.RUNNING);
                if (!waiting) {
                    for (StepDefinition def : definition.steps()) {
                        StepExecution s = after.step(def.id());
                        if (s.state() == StepState.SUCCEEDED && def.compensate().isPresent()) {
                            assertThat(definition.descendants(def.id()).stream()
                                            .map(after::step)
                                            .anyMatch(this::awaitsUndo))
                                    .as(
                                            "%s could be undone but is not (parallel branches are undone together)\n%s",
                                            def.id(), trace())
                                    .isTrue();
                        }
                    }
                }
            }
            if (after.status() == ProcessStatus.INCIDENT) {
                assertThat(after.steps().values())
                        .as("an incident has a cause\n%s", trace())
                        .anyMatch(s -> s.state() == StepState.COMPENSATION_FAILED
                                || s.state().hasFailed());
            }
        }

        private boolean awaitsUndo(StepExecution s) {
            return switch (s.state()) {
                case SUCCEEDED ->
                    definition.step(s.stepId()).orElseThrow().compensate().isPresent();
                case COMPENSATING, COMPENSATION_FAILED -> true;
                default -> false;
            };
        }

        private FailurePolicy policy(String stepId) {
            return definition.step(stepId).map(StepDefinition::onFailure).orElse(FailurePolicy.COMPENSATE);
        }

        /** What the world answers to a command; compensations that fail do so only on their first attempt. */
        private Inbound answer(StepCommand c) {
            Worker w = scenario.workers().get(NAMES.indexOf(c.stepId()));
            if (c.kind() == CommandKind.EXECUTE) {
                if (c.attempt() > w.failuresBeforeSuccess()) {
                    return ReportOutcome.success(
                            ID, c.stepId(), c.commandId(), Map.of("by", c.stepId(), "flag", w.flag()), now);
                }
                return ReportOutcome.failure(
                        ID,
                        c.stepId(),
                        c.commandId(),
                        new Failure(c.stepId(), "Refused", c.stepId() + " refused"),
                        now);
            }
            int undoAttempt =
                    Integer.parseInt(c.commandId().substring(c.commandId().lastIndexOf('/') + 1));
            if (w.undoSucceeds() || undoAttempt > 1) {
                return ReportOutcome.success(ID, c.stepId(), c.commandId(), null, now);
            }
            compensationFailed = true;
            return ReportOutcome.failure(
                    ID, c.stepId(), c.commandId(), new Failure(c.stepId(), "UndoRefused", "cannot undo"), now);
        }

        // --- end-of-run checks ------------------------------------------------------------------------------------

        WorkflowResult result() {
            assertThat(results).as("results\n%s", trace()).hasSize(1);
            return results.get(0);
        }

        /** (a) nothing outstanding, the process completed, and exactly one result was published. */
        void checkEnd() {
            assertThat(inFlight).isEmpty();
            assertThat(instance.status()).as("final status\n%s", trace()).isEqualTo(ProcessStatus.COMPLETED);
            WorkflowResult r = result();
            assertThat(r.outcome()).isEqualTo(instance.outcome());
            assertThat(instance.compensated().subList(0, r.compensated().size()))
                    .as("compensated in the result")
                    .isEqualTo(r.compensated());
            assertThat(new HashSet<>(instance.compensated()))
                    .as("each step undone once")
                    .hasSize(instance.compensated().size());
            if (incidents > 0) {
                assertThat(compensationFailed || scenario.waitPolicy()).isTrue();
            }
            if (!compensationFailed && !scenario.waitPolicy()) {
                assertThat(incidents).isZero();
            }
        }

        /** The steps whose {@code when} holds, given the request and the outputs the world gives on success. */
        List<String> expectedToRun() {
            var ran = new ArrayList<String>();
            var steps = new LinkedHashMap<String, Object>();
            for (StepDefinition def : definition.steps()) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("request", scenario.request().toMap());
                data.put("steps", steps);
                data.put("instanceId", ID);
                data.put("businessKey", "bk-1");
                if (def.when().isEmpty() || def.when().get().test(data)) {
                    ran.add(def.id());
                    Worker w = scenario.workers().get(NAMES.indexOf(def.id()));
                    steps.put(def.id(), Map.of("output", Map.of("by", def.id(), "flag", w.flag())));
                }
            }
            return ran;
        }

        /** (e) the item succeeds iff every step that is not skipped succeeds, in time, and nobody cancels. */
        void checkOutcomeAgainstTheWorld() {
            List<String> ran = expectedToRun();
            boolean allSucceed = ran.stream()
                    .allMatch(id -> scenario.workers().get(NAMES.indexOf(id)).failuresBeforeSuccess() == 0);
            Outcome expected = effectiveCancel && decisive == Outcome.CANCELLED
                    ? Outcome.CANCELLED
                    : !allSucceed || effectiveTimeout ? Outcome.FAILED : Outcome.SUCCEEDED;
            assertThat(decisive == null ? Outcome.SUCCEEDED : decisive).isEqualTo(expected);
            WorkflowResult r = result();
            assertThat(r.outcome()).as("outcome\n%s", trace()).isEqualTo(expected);
            checkSuccess(ran, r);
        }

        /** For the waiting policy: the outcome is the first decisive event's, or success. */
        void checkOutcomeAgainstDecisiveEvents() {
            WorkflowResult r = result();
            assertThat(r.outcome())
                    .as("outcome\n%s", trace())
                    .isEqualTo(decisive == null ? Outcome.SUCCEEDED : decisive);
            checkSuccess(expectedToRun(), r);
        }

        private void checkSuccess(List<String> ran, WorkflowResult r) {
            if (r.outcome() != Outcome.SUCCEEDED) {
                assertThat(r.output()).isNull();
                assertThat(r.error()).isNotNull();
                return;
            }
            var expectedOutput = new LinkedHashMap<String, Object>();
            for (String id : ran) {
                expectedOutput.put(
                        id,
                        Map.of(
                                "by",
                                id,
                                "flag",
                                scenario.workers().get(NAMES.indexOf(id)).flag()));
            }
            assertThat(r.output()).as("output\n%s", trace()).isEqualTo(expectedOutput);
            assertThat(r.error()).isNull();
            assertThat(r.compensated()).isEmpty();
            assertThat(commands).noneMatch(c -> c.kind() == CommandKind.COMPENSATE);
            for (StepDefinition def : definition.steps()) {
                assertThat(instance.step(def.id()).state())
                        .as("state of %s\n%s", def.id(), trace())
                        .isEqualTo(ran.contains(def.id()) ? StepState.SUCCEEDED : StepState.SKIPPED);
            }
        }

        /** (f) when the item did not succeed, all work done by steps that can be undone has been undone. */
        void checkEverySucceededStepWithACompensationWasUndone() {
            if (result().outcome() == Outcome.SUCCEEDED) {
                return;
            }
            for (StepDefinition def : definition.steps()) {
                StepState state = instance.step(def.id()).state();
                if (workDone.contains(def.id()) && def.compensate().isPresent()) {
                    assertThat(state)
                            .as("%s did its work and can be undone\n%s", def.id(), trace())
                            .isEqualTo(StepState.COMPENSATED);
                } else {
                    assertThat(state)
                            .as("%s\n%s", def.id(), trace())
                            .isNotIn(
                                    StepState.COMPENSATED,
                                    StepState.COMPENSATING,
                                    StepState.COMPENSATION_FAILED,
                                    StepState.RUNNING);
                }
            }
            Set<String> undone = commands.stream()
                    .filter(c -> c.kind() == CommandKind.COMPENSATE)
                    .map(StepCommand::stepId)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            assertThat(new LinkedHashSet<>(instance.compensated())).isEqualTo(undone);
        }

        // --- tracing ------------------------------------------------------------------------------------------------

        String trace() {
            return "definition: "
                    + definition.steps().stream()
                            .map(s -> s.id()
                                    + (s.after().isEmpty() ? "" : "<-" + s.after())
                                    + (s.compensate().isPresent() ? " undo" : "")
                                    + s.timeout().map(t -> " timeout").orElse("")
                                    + s.when().map(w -> " when " + w).orElse("")
                                    + (s.onFailure() == FailurePolicy.WAIT ? " wait" : ""))
                            .collect(Collectors.joining("; "))
                    + "\n" + String.join("\n", log);
        }

        private static String describe(Inbound e) {
            if (e instanceof ReportOutcome o) {
                return (o.succeeded() ? "ok " : "FAIL ") + o.commandId();
            }
            if (e instanceof FireTimeout t) {
                return "timeout " + t.commandId();
            }
            return e.getClass().getSimpleName();
        }

        private static String describeOut(Decision d) {
            var parts = new ArrayList<String>();
            for (Outbound o : d.outbound()) {
                parts.add(
                        o instanceof StepCommand c
                                ? c.kind().name().toLowerCase() + " " + c.stepId()
                                : "RESULT " + ((WorkflowResult) o).outcome());
            }
            return parts.toString();
        }
    }

    private static Inbound retime(Inbound e, Instant at) {
        if (e instanceof ReportOutcome o) {
            return new ReportOutcome(
                    o.instanceId(),
                    o.stepId(),
                    o.commandId(),
                    o.succeeded(),
                    o.output(),
                    o.error(),
                    o.workerAttempts(),
                    at);
        }
        if (e instanceof FireTimeout t) {
            return new FireTimeout(t.instanceId(), t.stepId(), t.commandId(), at);
        }
        return e;
    }
}
