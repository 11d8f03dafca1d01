package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.PauseInstance;
import dev.baton.engine.Inbound.RedriveInstance;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.ResumeInstance;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.Outbound.WorkflowResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Operator recovery under races, over the article's workflow (A, then B and C in parallel, then D) with random
 * worker answers, random delivery orders and duplicates: pausing at any moment and resuming later changes nothing but
 * when commands go out, and a redriven instance whose workers now succeed ends succeeded with no command id reused.
 */
class RecoveryProperties {
    private static final String ID = "item-1";
    private static final List<String> STEPS = List.of("A", "B", "C", "D");

    /** Which steps' workers fail (a bit per step), and in which order the outstanding commands are answered. */
    record World(int failing, List<Integer> picks, boolean duplicates) {
        boolean fails(String step) {
            return (failing & (1 << STEPS.indexOf(step))) != 0;
        }
    }

    @Provide
    Arbitrary<World> worlds() {
        return net.jqwik.api.Combinators.combine(
                        Arbitraries.integers().between(0, 15),
                        Arbitraries.integers().between(0, 99).list().ofSize(40),
                        Arbitraries.of(true, false))
                .as(World::new);
    }

    @Property(tries = 300)
    void pausingAnywhereChangesOnlyWhenCommandsGoOut(
            @ForAll("worlds") World world,
            @ForAll @IntRange(min = 0, max = 12) int pauseAt,
            @ForAll @IntRange(min = 0, max = 6) int pausedFor) {
        Driver plain = new Driver(world, -1, 0).drive();
        Driver paused = new Driver(world, pauseAt, pausedFor).drive();

        assertThat(paused.sentWhilePaused).as("nothing goes out while paused").isZero();
        assertThat(paused.results).as("one result").hasSize(1);
        assertThat(paused.end()).as("the same end as without the pause").isEqualTo(plain.end());
        assertThat(paused.commandIds).as("the same commands").isEqualTo(plain.commandIds);
        assertThat(paused.instance.paused()).isFalse();
    }

    @Property(tries = 200)
    void aRedrivenInstanceWhoseWorkersNowSucceedEndsSucceeded(@ForAll("worlds") World world) {
        Driver first = new Driver(world, -1, 0).drive();
        if (first.instance.outcome() == Outcome.SUCCEEDED) {
            return; // nothing to redrive
        }
        Driver again = first.withWorkersFixed();
        again.decide(new RedriveInstance(ID, "ops", "fixed", again.tick()));
        again.drive();

        assertThat(again.instance.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(again.instance.redrives()).isEqualTo(1);
        assertThat(again.results).as("one result per run").hasSize(2);
        assertThat(again.duplicateCommandIds).as("no command id is sent twice").isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> output = (Map<String, Object>) again.results.get(1).output();
        assertThat(output.keySet()).as("every step's output in the result").containsExactlyInAnyOrderElementsOf(STEPS);
    }

    @Property(tries = 300)
    void migratingAnywhereToTheSameStepsChangesOnlyTheVersion(
            @ForAll("worlds") World world, @ForAll @IntRange(min = 0, max = 12) int migrateAt, @ForAll boolean twice) {
        Driver plain = new Driver(world, -1, 0).drive();
        Driver migrated = new Driver(world, -1, 0);
        migrated.migrateAt = migrateAt;
        migrated.migrateTwice = twice;
        migrated.drive();

        assertThat(migrated.end()).as("the same end").isEqualTo(plain.end());
        assertThat(migrated.commandIds).as("the same commands").isEqualTo(plain.commandIds);
        assertThat(migrated.results).hasSize(1);
        if (migrated.migrations > 0) {
            assertThat(migrated.instance.version()).isEqualTo(2);
            assertThat(migrated.results.get(0).version()).isEqualTo(2);
        }
        assertThat(migrated.migrations).as("a repeated migration is ignored").isLessThanOrEqualTo(1);
        net.jqwik.api.statistics.Statistics.label("migrated").collect(migrated.migrations > 0);
    }

    @Property(tries = 300)
    void aStepCompletedByHandTwiceCountsAsItsWorkersSuccessOnce(
            @ForAll("worlds") World world, @ForAll @IntRange(min = 0, max = 6) int settleAt) {
        Driver settled = new Driver(world, -1, 0);
        settled.settleAt = settleAt;
        settled.drive();
        if (settled.settledStep == null || settled.settledActs == 0) {
            return; // no step was running then, or the item had failed already (the engine refuses: a story shows it)
        }
        int bit = 1 << STEPS.indexOf(settled.settledStep);
        Driver succeeding =
                new Driver(new World(world.failing() & ~bit, world.picks(), world.duplicates()), -1, 0).drive();

        assertThat(settled.end()).as("as if its worker had succeeded").isEqualTo(succeeding.end());
        assertThat(settled.results).hasSize(1);
        assertThat(settled.duplicateCommandIds).isEmpty();
        assertThat(settled.settledActs).as("the second request changes nothing").isEqualTo(1);
    }

    /** Drives one instance the way the runtime does; answers commands in the world's order. */
    static final class Driver {
        WorkflowDefinition definition = Workflows.article();
        World world;
        final int pauseAt;
        final int pausedFor;
        Instance instance;
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        final List<StepCommand> outstanding = new ArrayList<>();
        final List<WorkflowResult> results = new ArrayList<>();
        final Set<String> commandIds = new java.util.TreeSet<>();
        final Set<String> duplicateCommandIds = new HashSet<>();
        int sentWhilePaused;
        int answered;
        boolean pausedNow;
        int migrateAt = -1;
        int settleAt = -1;
        String settledStep;
        int settledActs;
        boolean migrateTwice;
        int migrations;

        Driver(World world, int pauseAt, int pausedFor) {
            this.world = world;
            this.pauseAt = pauseAt;
            this.pausedFor = pausedFor;
        }

        Driver withWorkersFixed() {
            world = new World(0, world.picks(), world.duplicates());
            return this;
        }

        Instant tick() {
            now = now.plusSeconds(1);
            return now;
        }

        Driver drive() {
            if (instance == null) {
                decide(new StartInstance(ID, Map.of(), null, tick()));
            }
            while (true) {
                if (answered == pauseAt && !pausedNow && !instance.isCompleted()) {
                    decide(new PauseInstance(ID, "ops", "downstream is down", tick()));
                    pausedNow = true;
                }
                if (pausedNow && (answered >= pauseAt + pausedFor || outstanding.isEmpty())) {
                    decide(new ResumeInstance(ID, "ops", "downstream is back", tick()));
                    pausedNow = false;
                }
                if (answered == migrateAt && migrations == 0 && !instance.isCompleted()) {
                    migrate();
                    if (migrateTwice) {
                        migrate();
                    }
                }
                if (answered == settleAt && settledStep == null && !instance.isCompleted()) {
                    settleARunningStep();
                }
                if (outstanding.isEmpty()) {
                    return this;
                }
                int pick = world.picks().get(answered % world.picks().size());
                StepCommand c = outstanding.remove(Math.floorMod(pick, outstanding.size()));
                boolean ok = c.kind() == CommandKind.COMPENSATE || !world.fails(c.stepId());
                ReportOutcome outcome = ok
                        ? ReportOutcome.success(ID, c.stepId(), c.commandId(), Map.of("by", c.stepId()), tick())
                        : ReportOutcome.failure(
                                ID, c.stepId(), c.commandId(), new Failure(c.stepId(), "Broken", "no"), tick());
                decide(outcome);
                if (world.duplicates()) {
                    decide(outcome); // a redelivery: changes nothing
                }
                answered++;
            }
        }

        /** Completes a running step by hand, twice; its worker's command stays out and is answered later. */
        private void settleARunningStep() {
            for (StepCommand c : outstanding) {
                if (c.kind() == CommandKind.EXECUTE && instance.step(c.stepId()).state() == StepState.RUNNING) {
                    settledStep = c.stepId();
                    for (int i = 0; i < 2; i++) {
                        Decision d = Engine.decide(
                                definition,
                                instance,
                                new Inbound.CompleteStep(ID, c.stepId(), Map.of("by", "hand"), "ops", "done", tick()));
                        settledActs += (int) d.notifications().stream()
                                .filter(Notification.OperatorActed.class::isInstance)
                                .count();
                        apply(d, null);
                    }
                    return;
                }
            }
        }

        private void migrate() {
            WorkflowDefinition target = Workflows.article().withVersion(2);
            int before = instance.version();
            decide(new Inbound.MigrateInstance(ID, target, Map.of(), "ops", "same steps, next version", tick()));
            if (instance.version() != before) {
                migrations++;
                definition = target;
            }
        }

        void decide(Inbound event) {
            apply(Engine.decide(definition, instance, event), event);
        }

        private void apply(Decision d, Inbound event) {
            if (d.instance() != null) {
                instance = d.instance();
            }
            for (Outbound o : d.outbound()) {
                if (pausedNow && !(event instanceof ResumeInstance)) {
                    sentWhilePaused++;
                }
                if (o instanceof StepCommand c) {
                    if (!commandIds.add(c.commandId())) {
                        duplicateCommandIds.add(c.commandId());
                    }
                    outstanding.add(c);
                } else if (o instanceof WorkflowResult r) {
                    results.add(r);
                }
            }
        }

        /** What must not depend on when the commands went out: the outcome, each step's state, what was compensated. */
        Map<String, Object> end() {
            var end = new TreeMap<String, Object>();
            end.put("status", instance.status());
            end.put("outcome", instance.outcome());
            end.put("compensated", Set.copyOf(instance.compensated()));
            end.put(
                    "steps",
                    instance.steps().values().stream()
                            .collect(Collectors.toMap(
                                    StepExecution::stepId, StepExecution::state, (a, b) -> a, TreeMap::new)));
            return end;
        }
    }
}
