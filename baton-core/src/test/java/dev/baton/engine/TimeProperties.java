package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.Condition;
import dev.baton.definition.Deadline;
import dev.baton.definition.Repeat;
import dev.baton.definition.Sleep;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.FireDeadline;
import dev.baton.engine.Inbound.FireTimeout;
import dev.baton.engine.Inbound.FireWake;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.Outbound.WorkflowResult;
import dev.baton.engine.TimerRequest.CancelWake;
import dev.baton.engine.TimerRequest.ScheduleDeadline;
import dev.baton.engine.TimerRequest.ScheduleWake;
import dev.baton.protocol.InstanceCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of time and loops over random worlds: which workers answer (and how), in which order the answers, wake
 * timers and the deadline reach the engine, and duplicates of anything delivered earlier (outcomes, wake and
 * deadline firings) mixed in. Every state goes through {@link InstanceCodec}, as the runtime stores it.
 *
 * <ol type="a">
 *   <li>a deadline always ends the instance: it completes in exactly one terminal state with exactly one result,
 *       and when the deadline passed while it was running, that result is the deadline's ({@code fail} or
 *       {@code cancel}); every step's work that stands at the end is compensated;
 *   <li>duplicates of outcomes and of timer firings change nothing: the run with them ends exactly as the run
 *       without;
 *   <li>a repeating step runs at most {@code max} rounds, each under a command id never used before, and ends as its
 *       outputs say: succeeded at the first round whose output meets the condition, else exhausted.
 * </ol>
 */
class TimeProperties {
    private static final String ID = "o-1";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** What a step's worker does with its commands. */
    enum Answer {
        SUCCEEDS,
        FAILS,
        NEVER_ANSWERS
    }

    static WorkflowDefinition article(Deadline.Action then, boolean sleepBeforeD) {
        var b = WorkflowDefinition.builder("article")
                .version(1)
                .deadline(new Deadline(Duration.ofHours(24), then))
                .step("A", s -> s.topic("a").compensate("a"))
                .step("B", s -> s.topic("b").after("A").compensate("b"))
                .step("C", s -> s.topic("c").after("A").compensate("c"));
        if (sleepBeforeD) {
            b.step("nap", s -> s.after("B", "C").sleep(Sleep.lasting(Duration.ofHours(1))))
                    .step("D", s -> s.topic("d").after("nap"));
        } else {
            b.step("D", s -> s.topic("d").after("B", "C"));
        }
        return b.build();
    }

    static WorkflowDefinition tracking(int max, boolean delay) {
        return WorkflowDefinition.builder("tracking")
                .version(1)
                .step("A", s -> s.topic("a").compensate("a"))
                .step(
                        "track",
                        s -> s.topic("d")
                                .after("A")
                                .repeat(new Repeat(
                                        Condition.parse("$.steps.track.output.status == 'shipped'"),
                                        max,
                                        delay ? Duration.ofMinutes(5) : null)))
                .build();
    }

    @Provide
    Arbitrary<List<Answer>> answers() {
        return Arbitraries.of(Answer.class).list().ofSize(4);
    }

    // --- (a) a deadline always ends the instance --------------------------------------------------------------------

    @Property(tries = 300)
    void aDeadlineAlwaysEndsTheInstanceInExactlyOneTerminalState(
            @ForAll("answers") List<Answer> answers,
            @ForAll Deadline.Action then,
            @ForAll boolean sleepBeforeD,
            @ForAll @IntRange(min = 0, max = 8) int deadlineAfter,
            @ForAll @Size(min = 40, max = 40) List<@IntRange(min = 0, max = 99) Integer> choices) {
        var run = new Run(article(then, sleepBeforeD), answers, deadlineAfter, choices, true);
        run.drive();
        assertThat(run.instance.status()).as(run.trace()).isEqualTo(ProcessStatus.COMPLETED);
        assertThat(run.results).as(run.trace()).hasSize(1);
        assertThat(run.results.get(0).outcome()).as(run.trace()).isEqualTo(run.instance.outcome());
        if (run.deadlinePassedWhileRunning) {
            Outcome expected = then == Deadline.Action.FAIL ? Outcome.FAILED : Outcome.CANCELLED;
            assertThat(run.instance.outcome()).as(run.trace()).isEqualTo(expected);
            assertThat(run.instance.failure().message()).as(run.trace()).contains("deadline");
        }
        if (run.instance.outcome() != Outcome.SUCCEEDED) {
            for (StepExecution s : run.instance.steps().values()) {
                if (s.completionOrder() > 0
                        && !s.stepId().equals("D")
                        && !s.stepId().equals("nap")) {
                    assertThat(s.state()).as(run.trace()).isEqualTo(StepState.COMPENSATED);
                }
            }
        }
        assertThat(run.sentCommandIds).as("no command id twice").doesNotHaveDuplicates();
    }

    // --- (b) duplicates change nothing ------------------------------------------------------------------------------

    @Property(tries = 300)
    void duplicatesOfOutcomesAndTimerFiringsChangeNothing(
            @ForAll("answers") List<Answer> answers,
            @ForAll Deadline.Action then,
            @ForAll boolean sleepBeforeD,
            @ForAll @IntRange(min = 0, max = 8) int deadlineAfter,
            @ForAll @Size(min = 40, max = 40) List<@IntRange(min = 0, max = 99) Integer> choices) {
        var clean = new Run(article(then, sleepBeforeD), answers, deadlineAfter, choices, false);
        clean.drive();
        var noisy = new Run(article(then, sleepBeforeD), answers, deadlineAfter, choices, true);
        noisy.drive();
        assertThat(noisy.results).as(noisy.trace()).isEqualTo(clean.results);
        assertThat(noisy.stepStates()).as(noisy.trace()).isEqualTo(clean.stepStates());
        assertThat(noisy.sentCommandIds).as(noisy.trace()).isEqualTo(clean.sentCommandIds);
    }

    // --- (c) loops ------------------------------------------------------------------------------------------------

    @Property(tries = 300)
    void aLoopEndsAsItsRoundsOutputsSayWhateverIsDuplicated(
            @ForAll @IntRange(min = 1, max = 6) int max,
            @ForAll boolean delay,
            @ForAll @Size(min = 6, max = 6) List<Boolean> shippedInRound,
            @ForAll @Size(min = 40, max = 40) List<@IntRange(min = 0, max = 99) Integer> choices) {
        var run = new Run(tracking(max, delay), List.of(), 99, choices, true);
        run.shippedInRound = shippedInRound;
        run.drive();
        int firstShipped = shippedInRound.subList(0, max).indexOf(true) + 1; // 0 when none
        List<String> rounds = run.sentCommandIds.stream()
                .filter(id -> id.startsWith(ID + "/track/") && !id.contains("compensate"))
                .toList();
        assertThat(rounds).as(run.trace()).doesNotHaveDuplicates();
        if (firstShipped > 0) {
            assertThat(run.instance.outcome()).as(run.trace()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(rounds).as(run.trace()).hasSize(firstShipped);
            assertThat(run.instance.step("track").round()).isEqualTo(firstShipped);
        } else {
            assertThat(run.instance.outcome()).as(run.trace()).isEqualTo(Outcome.FAILED);
            assertThat(run.instance.step("track").error().type()).isEqualTo(ErrorTypes.REPEAT_EXHAUSTED);
            assertThat(rounds).as(run.trace()).hasSize(max);
            assertThat(run.instance.step("A").state()).isEqualTo(StepState.COMPENSATED);
        }
        assertThat(run.results).hasSize(1);
    }

    /** Drives one instance the way the runtime would, until nothing is outstanding. */
    private static final class Run {
        final WorkflowDefinition definition;
        final List<Answer> answers;
        final int deadlineAfter;
        final List<Integer> choices;
        final boolean noise;
        List<Boolean> shippedInRound = List.of();

        Instance instance;
        Instant now = T0;
        final List<WorkflowResult> results = new ArrayList<>();
        final List<String> sentCommandIds = new ArrayList<>();
        /** Commands and timers whose answer or firing is still to come, as the events that answer them. */
        final List<Inbound> outstanding = new ArrayList<>();

        final List<Inbound> delivered = new ArrayList<>();
        final List<String> log = new ArrayList<>();
        Instant deadlineDue;
        boolean deadlinePassedWhileRunning;
        int choice;
        int noiseChoice;

        Run(
                WorkflowDefinition definition,
                List<Answer> answers,
                int deadlineAfter,
                List<Integer> choices,
                boolean noise) {
            this.definition = definition;
            this.answers = answers;
            this.deadlineAfter = deadlineAfter;
            this.choices = choices;
            this.noise = noise;
        }

        int next() {
            return choices.get(choice++ % choices.size());
        }

        /** Noise draws from its own counter, so a run with noise delivers the rest in the same order as without. */
        int nextNoise() {
            return choices.get((7 + noiseChoice++) % choices.size());
        }

        void drive() {
            feed(new StartInstance(ID, Map.of(), null, now));
            int steps = 0;
            while (steps++ < 500) {
                now = now.plusSeconds(60);
                if (deadlineDue != null && (steps > deadlineAfter || outstanding.isEmpty())) {
                    now = now.isBefore(deadlineDue) ? deadlineDue : now;
                    Instant due = deadlineDue;
                    deadlineDue = null;
                    deadlinePassedWhileRunning = instance.outcome() == null;
                    feed(new FireDeadline(ID, now));
                    if (noise && nextNoise() % 2 == 0) {
                        feed(new FireDeadline(ID, now)); // fired twice, e.g. after a failed first firing
                    }
                    continue;
                }
                if (outstanding.isEmpty()) {
                    break;
                }
                Inbound event = outstanding.remove(next() % outstanding.size());
                if (event instanceof FireWake wake) {
                    now = now.isBefore(wake.at()) ? wake.at() : now;
                    event = new FireWake(wake.instanceId(), wake.stepId(), wake.commandId(), now);
                }
                feed(event);
                if (noise && !delivered.isEmpty() && nextNoise() % 3 == 0) {
                    Inbound again = delivered.get(nextNoise() % delivered.size());
                    Instance before = instance;
                    int resultsBefore = results.size();
                    feed(again);
                    assertThat(instance)
                            .as("a duplicate changes no state: " + again + "\n" + trace())
                            .isEqualTo(before);
                    assertThat(results).hasSize(resultsBefore);
                }
            }
        }

        void feed(Inbound event) {
            log.add(event.toString());
            Decision decision = Engine.decide(definition, instance, event);
            if (decision.instance() != null) {
                instance = InstanceCodec.read(InstanceCodec.write(decision.instance()));
            }
            if (!(event instanceof StartInstance)) {
                delivered.add(event);
            }
            for (Outbound o : decision.outbound()) {
                if (o instanceof WorkflowResult r) {
                    results.add(r);
                } else if (o instanceof StepCommand c) {
                    sentCommandIds.add(c.commandId());
                    answer(c).ifPresent(outstanding::add);
                }
            }
            for (TimerRequest t : decision.timers()) {
                if (t instanceof ScheduleWake w) {
                    outstanding.add(new FireWake(ID, w.stepId(), w.commandId(), w.dueAt()));
                } else if (t instanceof CancelWake w) {
                    outstanding.removeIf(
                            e -> e instanceof FireWake f && f.commandId().equals(w.commandId()));
                } else if (t instanceof ScheduleDeadline dl) {
                    deadlineDue = dl.dueAt();
                }
            }
            // A timeout that fires late for a command already answered is noise of the same kind.
            if (noise && event instanceof ReportOutcome o && nextNoise() % 5 == 0) {
                delivered.add(new FireTimeout(ID, o.stepId(), o.commandId(), now));
            }
        }

        java.util.Optional<Inbound> answer(StepCommand c) {
            if (c.kind() == CommandKind.COMPENSATE) {
                return java.util.Optional.of(ReportOutcome.success(ID, c.stepId(), c.commandId(), null, now));
            }
            if (c.stepId().equals("track")) {
                int round = instanceStepRound(c);
                boolean shipped = round <= shippedInRound.size() && shippedInRound.get(round - 1);
                return java.util.Optional.of(ReportOutcome.success(
                        ID, c.stepId(), c.commandId(), Map.of("status", shipped ? "shipped" : "packing"), now));
            }
            int index = List.of("A", "B", "C", "D").indexOf(c.stepId());
            Answer answer = index < answers.size() ? answers.get(index) : Answer.SUCCEEDS;
            return switch (answer) {
                case SUCCEEDS ->
                    java.util.Optional.of(
                            ReportOutcome.success(ID, c.stepId(), c.commandId(), Map.of("by", c.stepId()), now));
                case FAILS ->
                    java.util.Optional.of(ReportOutcome.failure(
                            ID, c.stepId(), c.commandId(), new Failure(c.stepId(), "Broken", "broken"), now));
                case NEVER_ANSWERS -> java.util.Optional.empty();
            };
        }

        private int instanceStepRound(StepCommand c) {
            // The command goes out with the decision that moved the step; the stored state has its round.
            return instance == null ? 1 : Math.max(1, instance.step(c.stepId()).round());
        }

        Map<String, StepState> stepStates() {
            var states = new LinkedHashMap<String, StepState>();
            instance.steps().values().forEach(s -> states.put(s.stepId(), s.state()));
            return states;
        }

        String trace() {
            return String.join("\n", log);
        }
    }
}
