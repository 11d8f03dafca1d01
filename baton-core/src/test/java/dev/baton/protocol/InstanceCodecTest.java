package dev.baton.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Decision;
import dev.baton.engine.Engine;
import dev.baton.engine.Failure;
import dev.baton.engine.Inbound;
import dev.baton.engine.Instance;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceCodecTest {

    private static final WorkflowDefinition ARTICLE = WorkflowDefinition.builder("article")
            .version(3)
            .step("A", s -> s.topic("a").compensate("a"))
            .step("B", s -> s.topic("b").after("A").compensate("b").input(Map.of("id", "$.request.id")))
            .step("C", s -> s.topic("c").after("A").compensate("c"))
            .step("D", s -> s.topic("d").after("B", "C"))
            .build();

    @Test
    void shouldRestoreEveryStateOfTheArticlesFailurePathExactly() {
        Instant t = Instant.parse("2026-05-01T10:00:00.123456789Z");
        List<Inbound> events = List.of(
                new Inbound.StartInstance("i-1", Map.of("id", "o-1", "n", List.of(1, 2), "flag", true), "bk-1", t),
                Inbound.ReportOutcome.success("i-1", "A", "i-1/A/1", Map.of("r", "r-1"), t.plusMillis(5)),
                Inbound.ReportOutcome.success("i-1", "B", "i-1/B/1", null, t.plusMillis(6)),
                Inbound.ReportOutcome.success("i-1", "C", "i-1/C/1", "plain", t.plusMillis(7)),
                Inbound.ReportOutcome.failure("i-1", "D", "i-1/D/1", new Failure("D", "X", "boom"), t.plusMillis(8)),
                Inbound.ReportOutcome.success("i-1", "B", "i-1/B/1/compensate/1", null, t.plusMillis(9)),
                Inbound.ReportOutcome.failure(
                        "i-1", "C", "i-1/C/1/compensate/1", new Failure("C", "Y", "no"), t.plusMillis(10)));
        Instance state = null;
        for (Inbound e : events) {
            Decision d = Engine.decide(ARTICLE, state, e);
            state = d.instance();
            Instance restored = InstanceCodec.read(InstanceCodec.write(state));
            assertThat(restored).isEqualTo(state);
        }
        assertThat(state.compensated()).containsExactly("B");
        assertThat(state.failure()).isEqualTo(new Failure("D", "X", "boom"));
    }

    @Test
    void shouldRestoreASubWorkflowsParentAndItsOpenUndo() {
        Instant t = Instant.parse("2026-05-01T10:00:00Z");
        var parent = new dev.baton.engine.ParentRef("o-1", "pay", "o-1/pay/1");
        Instance state = Engine.decide(ARTICLE, null, new Inbound.StartInstance("o-1:pay:1", Map.of(), null, parent, t))
                .instance();
        Instance undoing = state.toBuilder()
                .parentCompensationCommandId("o-1/pay/1/compensate/1")
                .build();
        assertThat(InstanceCodec.read(InstanceCodec.write(undoing))).isEqualTo(undoing);
        assertThat(InstanceCodec.read(InstanceCodec.write(undoing)).parent()).isEqualTo(parent);
        assertThat(InstanceCodec.readSummary(InstanceCodec.write(undoing)).parentCompensationCommandId())
                .isEqualTo("o-1/pay/1/compensate/1");
    }

    @Test
    void shouldRestoreKeptSignalsInOrderAndWriteNothingWithoutThem() {
        Instant t = Instant.parse("2026-05-01T10:00:00.000000001Z");
        Instance started = Engine.decide(ARTICLE, null, new Inbound.StartInstance("o-2", Map.of(), null, t))
                .instance();
        Instance keeping = started.toBuilder()
                .bufferedSignals(List.of(
                        new dev.baton.engine.BufferedSignal("approved", Map.of("by", "ana"), t),
                        new dev.baton.engine.BufferedSignal("approved", null, t.plusNanos(1))))
                .build();
        assertThat(InstanceCodec.read(InstanceCodec.write(keeping))).isEqualTo(keeping);
        assertThat(InstanceCodec.read(InstanceCodec.write(keeping)).bufferedSignals())
                .isEqualTo(keeping.bufferedSignals());
        assertThat(new String(InstanceCodec.write(started), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("bufferedSignals");
    }

    @Test
    void shouldReadAnEventDeliveryFromTheRequestsTopic() {
        var delivery =
                new EventDelivery("D", "o-1/D/1", Map.of("topic", "mail.delivered", "value", Map.of("orderId", "o-1")));
        RequestMessage read = RequestMessage.parse(delivery.toJson());
        assertThat(read).isEqualTo(delivery);
        assertThat(((EventDelivery) read).toInbound("o-1", Instant.EPOCH))
                .isEqualTo(new Inbound.DeliverEvent("o-1", "D", "o-1/D/1", delivery.event(), Instant.EPOCH));
        var taken = new EventDelivery(
                "D",
                "o-1/D/1",
                delivery.event(),
                new Inbound.DeliverEvent.Taken("mail.delivered|$.orderId|o-1", Instant.parse("2026-12-01T10:00:00Z")));
        assertThat(RequestMessage.parse(taken.toJson())).isEqualTo(taken);
    }
}
