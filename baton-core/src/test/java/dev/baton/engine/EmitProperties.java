package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.EmitStep;
import dev.baton.definition.InputMapping;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Outbound.Emit;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.protocol.InstanceCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Emit steps publish exactly once per instance, whatever the world does: the article's workflow with emit steps at
 * random places (after A, beside B and C, after D, two in a row), outcomes delivered in a random order with random
 * duplicates of anything delivered before (and of the start request), and C failing in some runs. A separate class
 * from {@link EngineProperties}, whose generators and rules stay as they are.
 *
 * <p>Checked: every emit step that succeeds published exactly one record, in the decision that moved it to
 * SUCCEEDED, with its run's command id; one that never ran published none; the instance completes; every state
 * survives the stored form.
 */
class EmitProperties {
    private static final String ID = "article-triggered:o-1";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Property(tries = 300)
    void shouldPublishEachEmitExactlyOnceUnderDuplicatesAndReordering(
            @ForAll @IntRange(min = 0, max = 3) int placement,
            @ForAll boolean cFails,
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 1000) Integer> picks) {
        WorkflowDefinition d = definition(placement);
        var delivered = new ArrayList<Inbound>();
        var pending = new ArrayList<Inbound>();
        var emits = new ArrayList<Emit>();
        Instance instance = null;
        Inbound start = new StartInstance(ID, Map.of("orderId", "o-1"), "o-1", T0);
        pending.add(start);
        int pick = 0;
        int guard = 0;
        while (!pending.isEmpty() && guard++ < 500) {
            int choice = pick < picks.size() ? picks.get(pick++) : 0;
            Inbound next;
            // Now and then a duplicate of something delivered before; otherwise any outstanding event, in any order.
            if (!delivered.isEmpty() && choice % 4 == 3) {
                next = delivered.get(choice % delivered.size());
            } else {
                next = pending.remove(choice % pending.size());
            }
            Decision decision = Engine.decide(d, instance, next);
            delivered.add(next);
            if (decision.instance() != null) {
                instance = InstanceCodec.read(InstanceCodec.write(decision.instance()));
                assertThat(instance).isEqualTo(decision.instance());
            }
            for (Outbound o : decision.outbound()) {
                if (o instanceof Emit e) {
                    emits.add(e);
                    assertThat(instance.step(e.stepId()).state()).isEqualTo(StepState.SUCCEEDED);
                    assertThat(e.eventId()).isEqualTo(instance.step(e.stepId()).commandId());
                } else if (o instanceof StepCommand c) {
                    boolean fails = cFails && c.stepId().equals("C") && c.kind() == CommandKind.EXECUTE;
                    pending.add(
                            fails
                                    ? ReportOutcome.failure(
                                            ID, c.stepId(), c.commandId(), new Failure("C", "Rejected", "no"), T0)
                                    : ReportOutcome.success(
                                            ID, c.stepId(), c.commandId(), Map.of("by", c.stepId()), T0));
                }
            }
        }
        assertThat(instance.status()).isEqualTo(ProcessStatus.COMPLETED);
        List<String> emitSteps = d.steps().stream()
                .filter(s -> s.emit().isPresent())
                .map(s -> s.id())
                .toList();
        for (String step : emitSteps) {
            long published = emits.stream().filter(e -> e.stepId().equals(step)).count();
            boolean ran = instance.step(step).state() == StepState.SUCCEEDED;
            assertThat(published)
                    .as("records published by %s (succeeded: %s)", step, ran)
                    .isEqualTo(ran ? 1 : 0);
        }
        if (!cFails) {
            assertThat(emits).hasSize(emitSteps.size());
        }
    }

    private static WorkflowDefinition definition(int placement) {
        var b = WorkflowDefinition.builder("article-triggered")
                .version(1)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("B", s -> s.topic("service-b.commands").after("A").compensate("service-b.commands"))
                .step("C", s -> s.topic("service-c.commands").after("A").compensate("service-c.commands"))
                .step("D", s -> s.topic("service-d.commands").after("B", "C"));
        switch (placement) {
            case 0 -> b.step("E", s -> s.after("A").emit(emit()));
            case 1 ->
                b.step("E", s -> s.after("A").emit(emit()))
                        .step("F", s -> s.after("E").emit(emit()));
            case 2 -> b.step("E", s -> s.emit(emit()));
            default -> b.step("E", s -> s.after("D").emit(emit()));
        }
        return b.build();
    }

    private static EmitStep emit() {
        return new EmitStep(
                "orders.processed",
                InputMapping.of("$.request.orderId"),
                InputMapping.of(Map.of("order", "$.request.orderId", "at", "$.instanceId")),
                null);
    }
}
