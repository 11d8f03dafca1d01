package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.ForEach;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.Outbound.WorkflowResult;
import dev.baton.protocol.InstanceCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of a forEach step over random lists, limits, tolerances and worlds: A, then B once per order line, then
 * D. Each item's worker succeeds or fails as the world says; the answers reach the engine in a random order, with
 * random duplicates of answers delivered before. Every state goes through {@link InstanceCodec}, and every item
 * result through its stored form, as in the runtime.
 */
class ForEachProperties {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String ID = "order-7";

    /** One random world: the list, the limits, which items fail, whether D fails. */
    record World(int lines, int maxConcurrency, ForEach.Tolerance tolerance, List<Boolean> itemFails, boolean dFails) {
        WorkflowDefinition definition() {
            return WorkflowDefinition.builder("article")
                    .version(1)
                    .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                    .step(
                            "B",
                            s -> s.topic("service-b.commands")
                                    .after("A")
                                    .compensate("service-b.commands")
                                    .input(Map.of("sku", "$.item.sku", "line", "$.index"))
                                    .forEach(new ForEach(
                                            dev.baton.definition.DataPath.parse("$.request.lines"),
                                            maxConcurrency,
                                            tolerance)))
                    .step("D", s -> s.topic("service-d.commands").after("B"))
                    .build();
        }

        int failures() {
            return (int) itemFails.stream().filter(f -> f).count();
        }
    }

    @Provide
    Arbitrary<World> worlds() {
        Arbitrary<Integer> lines = Arbitraries.integers().between(0, 40);
        Arbitrary<Integer> max = Arbitraries.integers().between(1, 6);
        Arbitrary<ForEach.Tolerance> tolerance = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 4).map(n -> new ForEach.Tolerance(n, false)),
                Arbitraries.integers().between(0, 100).map(n -> new ForEach.Tolerance(n, true)));
        return Combinators.combine(
                        lines, max, tolerance, Arbitraries.doubles().between(0, 0.5), Arbitraries.of(true, false))
                .flatAs((n, m, t, p, d) -> Arbitraries.doubles()
                        .between(0, 1)
                        .list()
                        .ofSize(n)
                        .map(rolls -> new World(
                                n, m, t, rolls.stream().map(r -> r < p).toList(), d)));
    }

    /** What one run saw. */
    record Run(WorkflowResult result, int results, int mostInFlight, int mostCompensating, Map<String, Integer> sent) {}

    /** Drives the engine until nothing is outstanding, answering in the order {@code seed} picks. */
    static Run run(World world, long seed, boolean duplicates) {
        WorkflowDefinition definition = world.definition();
        var random = new Random(seed);
        var items = new HashMap<String, byte[]>();
        RuntimeFacts facts = RuntimeFacts.NONE.withItems((i, s, n) -> {
            byte[] stored = items.get(s + "#" + n);
            return stored == null ? null : InstanceCodec.readItem(stored);
        });
        var outstanding = new ArrayList<StepCommand>();
        var answered = new ArrayList<ReportOutcome>();
        var sent = new HashMap<String, Integer>();
        var results = new ArrayList<WorkflowResult>();
        int mostInFlight = 0;
        int mostCompensating = 0;
        var lines = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < world.lines(); i++) {
            lines.add(Map.of("sku", "sku-" + i));
        }
        Instance state = null;
        Inbound next = new StartInstance(ID, Map.of("lines", lines), null, T0);
        for (int round = 0; next != null; round++) {
            Decision d = Engine.decide(definition, state, next, facts);
            assertThat(d.isRejected()).as("rejected: %s", d.rejection()).isFalse();
            d.items().forEach(r -> items.put(r.stepId() + "#" + r.index(), InstanceCodec.writeItem(r)));
            if (d.instance() != null) {
                state = InstanceCodec.read(InstanceCodec.write(d.instance()));
                assertThat(state).isEqualTo(d.instance());
            }
            for (Outbound o : d.outbound()) {
                if (o instanceof StepCommand c) {
                    assertThat(sent.merge(c.commandId(), 1, Integer::sum))
                            .as("sent twice: %s", c.commandId())
                            .isEqualTo(1);
                    outstanding.add(c);
                } else if (o instanceof WorkflowResult r) {
                    results.add(r);
                }
            }
            FanOut f = state.step("B").fanOut();
            if (f != null) {
                mostInFlight = Math.max(mostInFlight, f.running());
                mostCompensating = Math.max(mostCompensating, f.compensating());
            }
            Instant at = T0.plusSeconds(round + 1);
            if (duplicates && !answered.isEmpty() && random.nextInt(4) == 0) {
                ReportOutcome again = answered.get(random.nextInt(answered.size()));
                next = new ReportOutcome(
                        again.instanceId(),
                        again.stepId(),
                        again.commandId(),
                        again.succeeded(),
                        again.output(),
                        again.error(),
                        again.workerAttempts(),
                        at);
            } else if (outstanding.isEmpty()) {
                next = null;
            } else {
                StepCommand c = outstanding.remove(random.nextInt(outstanding.size()));
                ReportOutcome answer = answer(world, c, at);
                answered.add(answer);
                next = answer;
            }
        }
        assertThat(outstanding).isEmpty();
        return new Run(results.isEmpty() ? null : results.get(0), results.size(), mostInFlight, mostCompensating, sent);
    }

    private static ReportOutcome answer(World world, StepCommand c, Instant at) {
        boolean fails = c.kind() == CommandKind.EXECUTE
                && (c.stepId().equals("B")
                        ? world.itemFails().get(indexOf(c.commandId()))
                        : c.stepId().equals("D") && world.dFails());
        Object output = c.stepId().equals("B") ? "charged-" + indexOf(c.commandId()) : Map.of("by", c.stepId());
        return fails
                ? ReportOutcome.failure(ID, c.stepId(), c.commandId(), new Failure(c.stepId(), "No", "no"), at)
                : ReportOutcome.success(
                        ID, c.stepId(), c.commandId(), c.kind() == CommandKind.EXECUTE ? output : null, at);
    }

    private static int indexOf(String commandId) {
        String rest = commandId.substring(commandId.indexOf('#') + 1);
        return Integer.parseInt(rest.substring(0, rest.indexOf('/')));
    }

    @Property(tries = 150)
    void everyInstanceEndsInExactlyOneTerminalStateWithTheExpectedResult(
            @ForAll("worlds") World world, @ForAll long seed) {
        Run run = run(world, seed, true);

        assertThat(run.results()).as("exactly one result").isEqualTo(1);
        boolean bFails = !world.tolerance().tolerates(world.failures(), world.lines());
        WorkflowResult r = run.result();
        if (!bFails && !world.dFails()) {
            assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
            var expected = new ArrayList<Object>();
            for (int i = 0; i < world.lines(); i++) {
                expected.add(world.itemFails().get(i) ? null : "charged-" + i);
            }
            assertThat(((Map<?, ?>) r.output()).get("B")).isEqualTo(expected);
        } else {
            assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(r.error().stepId()).isEqualTo(bFails ? "B" : "D");
            // every item whose work succeeded is compensated exactly once; no failed item is
            for (int i = 0; i < world.lines(); i++) {
                String execute = Engine.itemCommandId(ID, "B", i, 1);
                String compensate = execute + "/compensate/1";
                boolean ran = run.sent().containsKey(execute);
                assertThat(run.sent().containsKey(compensate))
                        .as("item %d compensated", i)
                        .isEqualTo(ran && !world.itemFails().get(i));
            }
            assertThat(r.compensated()).endsWith("A");
        }
    }

    @Property(tries = 150)
    void duplicatesAndReorderingsNeverChangeTheResult(
            @ForAll("worlds") World world, @ForAll long seed, @ForAll long otherSeed) {
        Run plain = run(world, seed, false);
        Run noisy = run(world, otherSeed, true);

        assertThat(noisy.result().outcome()).isEqualTo(plain.result().outcome());
        assertThat(noisy.result().output()).isEqualTo(plain.result().output());
        // Which item's failure crossed the tolerance depends on the order; how many had failed by then does not.
        assertThat(errorWithoutItem(noisy.result().error()))
                .isEqualTo(errorWithoutItem(plain.result().error()));
        assertThat(noisy.result().compensated()).isEqualTo(plain.result().compensated());
    }

    private static String errorWithoutItem(Failure error) {
        if (error == null) {
            return null;
        }
        String message = error.message();
        int item = message.indexOf("; item ");
        return error.stepId() + " " + error.type() + " " + (item < 0 ? message : message.substring(0, item));
    }

    @Property(tries = 150)
    void concurrencyNeverExceedsTheLimit(@ForAll("worlds") World world, @ForAll long seed) {
        Run run = run(world, seed, true);

        assertThat(run.mostInFlight()).isLessThanOrEqualTo(world.maxConcurrency());
        assertThat(run.mostCompensating()).isLessThanOrEqualTo(world.maxConcurrency());
    }
}
