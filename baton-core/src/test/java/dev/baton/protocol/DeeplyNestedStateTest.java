package dev.baton.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Engine;
import dev.baton.engine.Inbound;
import dev.baton.engine.Instance;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue 6, found by the reliability fuzzer): an outcome whose output is nested just under
 * {@link Json#MAX_NESTING_DEPTH} is valid protocol, but stored in the instance state it sits three levels deeper.
 * The state was read with the protocol's limit, so the instance could never be loaded again: every later outcome about
 * it went to the dead-letter topic as an internal error and the instance never finished.
 */
class DeeplyNestedStateTest {

    @Test
    void shouldReadBackAnInstanceHoldingAnOutputAsDeepAsTheProtocolAllows() {
        WorkflowDefinition twoSteps = WorkflowDefinition.builder("deep")
                .version(1)
                .step("a", s -> s.topic("a"))
                .step("b", s -> s.topic("b").after("a").input(Map.of("wrapped", Map.of("again", "$.steps.a.output"))))
                .build();
        String deepest = "[".repeat(Json.MAX_NESTING_DEPTH - 1) + "\"leaf\"" + "]".repeat(Json.MAX_NESTING_DEPTH - 1);
        byte[] outcome =
                ("{\"commandId\":\"i/a/1\",\"instanceId\":\"i\",\"stepId\":\"a\",\"status\":\"SUCCEEDED\",\"output\":"
                                + deepest + "}")
                        .getBytes(StandardCharsets.UTF_8);
        WorkerOutcome parsed = WorkerOutcome.parse(outcome); // the protocol accepts it

        Instant t = Instant.parse("2026-11-26T10:00:00Z");
        Instance started = Engine.decide(twoSteps, null, new Inbound.StartInstance("i", Map.of(), null, t))
                .instance();
        Instance afterA = Engine.decide(twoSteps, started, parsed.toInbound(t.plusSeconds(1)))
                .instance();

        Instance restored = InstanceCodec.read(InstanceCodec.write(afterA));
        assertThat(restored).isEqualTo(afterA);
        assertThat(InstanceCodec.readSummary(InstanceCodec.write(afterA)).instanceId())
                .isEqualTo("i");
        assertThat(restored.step("b").input())
                .isEqualTo(Map.of("wrapped", Map.of("again", afterA.step("a").output())));
    }
}
