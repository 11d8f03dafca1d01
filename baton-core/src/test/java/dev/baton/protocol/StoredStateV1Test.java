package dev.baton.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.HttpRetry;
import dev.baton.definition.HttpStep;
import dev.baton.definition.UrlTemplate;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Decision;
import dev.baton.engine.Engine;
import dev.baton.engine.Inbound.FireRetry;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Instance;
import dev.baton.engine.Outbound;
import dev.baton.engine.ProcessStatus;
import dev.baton.engine.StepState;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * States written by the orchestrator as it was before the engine restructure (format 1, generated with that commit's
 * engine and codec, in src/test/resources/state/v1). Deployed orchestrators have such states in their stores and
 * changelogs: the current code must read them, go on deciding from them, and write states an orchestrator of the
 * previous version still reads (during a rolling upgrade both run).
 */
class StoredStateV1Test {

    @Test
    void shouldReadAnHttpStepWaitingToRetryFromItsFormatOneEncoding() throws IOException {
        byte[] stored = fixture("http-step-waiting-to-retry.json");
        Instance state = InstanceCodec.read(stored);

        assertThat(state.step("notify").state()).isEqualTo(StepState.WAITING_TO_RETRY);
        assertThat(state.step("notify").error().type()).isEqualTo("HTTP_503");
        assertThat(state.step("reserve").state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(InstanceCodec.write(state))
                .as("written back byte for byte as format 1, which the previous version reads")
                .isEqualTo(stored);
    }

    @Test
    void shouldCallAgainFromAStoredWaitingStep() throws IOException {
        Instance state = InstanceCodec.read(fixture("http-step-waiting-to-retry.json"));
        Decision d = Engine.decide(
                crm(), state, new FireRetry("o-1", "notify", "o-1/notify/1", Instant.parse("2026-12-01T10:00:03Z")));

        assertThat(d.instance().step("notify").state()).isEqualTo(StepState.RUNNING);
        assertThat(d.outbound()).singleElement().isInstanceOfSatisfying(Outbound.HttpCall.class, call -> {
            assertThat(call.commandId()).isEqualTo("o-1/notify/2");
            assertThat(call.idempotencyKey()).isEqualTo("o-1/notify/1");
        });
    }

    @Test
    void shouldGoOnCompensatingAStoredFailingInstance() throws IOException {
        Instance state = InstanceCodec.read(fixture("article-compensating.json"));
        assertThat(state.status()).isEqualTo(ProcessStatus.COMPENSATING);
        assertThat(state.step("B").state()).isEqualTo(StepState.COMPENSATING);

        Instant at = Instant.parse("2026-12-01T10:00:04Z");
        state = Engine.decide(
                        article(),
                        state,
                        ReportOutcome.success("item-7", "B", state.step("B").compensationCommandId(), null, at))
                .instance();
        state = Engine.decide(
                        article(),
                        state,
                        ReportOutcome.success("item-7", "A", state.step("A").compensationCommandId(), null, at))
                .instance();

        assertThat(state.status()).isEqualTo(ProcessStatus.COMPLETED);
        assertThat(state.compensated()).containsExactly("B", "A");
    }

    /** The definitions the fixtures were made with (see the generator in the commit that added them). */
    private static WorkflowDefinition crm() {
        return WorkflowDefinition.builder("crm")
                .version(1)
                .step("reserve", s -> s.topic("stock").compensate("stock"))
                .step(
                        "notify",
                        s -> s.after("reserve")
                                .http(new HttpStep(
                                        "POST",
                                        UrlTemplate.parse("http://crm.local/orders"),
                                        Map.of(),
                                        Duration.ofSeconds(5),
                                        new HttpRetry(
                                                3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), Set.of(503)))))
                .build();
    }

    private static WorkflowDefinition article() {
        return WorkflowDefinition.builder("article")
                .version(1)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("B", s -> s.topic("service-b.commands").after("A").compensate("service-b.commands"))
                .step("C", s -> s.topic("service-c.commands").after("A").compensate("service-c.commands"))
                .step("D", s -> s.topic("service-d.commands").after("B", "C"))
                .build();
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = StoredStateV1Test.class.getResourceAsStream("/state/v1/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return in.readAllBytes();
        }
    }
}
