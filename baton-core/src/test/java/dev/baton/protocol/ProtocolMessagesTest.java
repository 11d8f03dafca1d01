package dev.baton.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.CommandKind;
import dev.baton.engine.Failure;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.Outbound.WorkflowResult;
import dev.baton.engine.Outcome;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtocolMessagesTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadAStartRequestWithAnExactAmount() {
        var r = StartRequest.parse(
                utf8("{\"workflow\":\"order\",\"input\":{\"amount\":25.10},\"businessKey\":\"o-1\"}"));
        assertThat(r.workflow()).isEqualTo("order");
        assertThat(r.input()).isEqualTo(Map.of("amount", new BigDecimal("25.10")));
        assertThat(r.businessKey()).isEqualTo("o-1");
        assertThat(r.version()).isNull();
    }

    @Test
    void shouldDefaultAMissingInputToAnEmptyObject() {
        assertThat(StartRequest.parse(utf8("{\"workflow\":\"order\"}")).input()).isEqualTo(Map.of());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "not json                          | not valid JSON",
                "[1,2]                             | must be a JSON object",
                "{}                                | field 'workflow' is required",
                "{\"workflow\":7}                  | field 'workflow' must be a non-empty string",
                "{\"workflow\":\"w\",\"version\":0}  | field 'version' must be 1 or more",
                "{\"workflow\":\"w\",\"version\":\"2\"} | field 'version' must be a whole number",
            })
    void shouldRejectMalformedStartRequestsWithTheReason(String json, String reason) {
        assertThatThrownBy(() -> StartRequest.parse(utf8(json)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void shouldRejectHostileNesting() {
        String deep = "{\"workflow\":\"w\",\"input\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThatThrownBy(() -> StartRequest.parse(utf8(deep)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void shouldRejectANullValue() {
        assertThatThrownBy(() -> WorkerOutcome.parse(null)).hasMessageContaining("no value");
    }

    @Test
    void shouldReadSuccessAndFailureOutcomes() {
        var ok = WorkerOutcome.parse(
                utf8(
                        "{\"commandId\":\"i/A/1\",\"instanceId\":\"i\",\"stepId\":\"A\",\"status\":\"SUCCEEDED\",\"output\":{\"x\":1},\"attempts\":2}"));
        assertThat(ok.succeeded()).isTrue();
        assertThat(ok.output()).isEqualTo(Map.of("x", 1));
        assertThat(ok.attempts()).isEqualTo(2);
        var failed = WorkerOutcome.parse(
                utf8(
                        "{\"commandId\":\"i/A/1\",\"instanceId\":\"i\",\"stepId\":\"A\",\"status\":\"FAILED\",\"error\":{\"type\":\"Declined\",\"message\":\"no\"}}"));
        assertThat(failed.error()).isEqualTo(new Failure("A", "Declined", "no"));
        var plain = WorkerOutcome.parse(
                utf8(
                        "{\"commandId\":\"i/A/1\",\"instanceId\":\"i\",\"stepId\":\"A\",\"status\":\"FAILED\",\"error\":\"boom\"}"));
        assertThat(plain.error()).isEqualTo(new Failure("A", "Failed", "boom"));
    }

    @Test
    void shouldRejectAnUnknownStatus() {
        assertThatThrownBy(() -> WorkerOutcome.parse(
                        utf8("{\"commandId\":\"c\",\"instanceId\":\"i\",\"stepId\":\"A\",\"status\":\"DONE\"}")))
                .hasMessageContaining("must be SUCCEEDED or FAILED");
    }

    @Test
    void shouldCarryASubWorkflowsParentInItsStartAndUndoRequests() {
        var parent = new dev.baton.engine.ParentRef("o-1", "pay", "o-1/pay/1");
        var start = new StartRequest("payment", 2, Map.of("amount", 5), "bk", parent);
        assertThat(RequestMessage.parse(start.toJson())).isEqualTo(start);
        assertThat(start.toInbound("o-1:pay:1", java.time.Instant.EPOCH).parent())
                .isEqualTo(parent);
        var undo = OperatorRequest.compensate(parent.forCommand("o-1/pay/1/compensate/1"));
        assertThat(RequestMessage.parse(undo.toJson())).isEqualTo(undo);
        assertThatThrownBy(() -> RequestMessage.parse(
                        "{\"operation\":\"compensate\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .hasMessageContaining("field 'parent'");
        assertThatThrownBy(() -> RequestMessage.parse("{\"workflow\":\"w\",\"parent\":{\"instanceId\":\"o\"}}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .hasMessageContaining("field 'stepId' is required");
    }

    @Test
    void shouldCarryWhetherAFailedCallIsWorthMakingAgain() {
        var retryable =
                new WorkerOutcome("i/A/1", "i", "A", false, null, new Failure("A", "HTTP_503", "busy"), 1, true);
        assertThat(WorkerOutcome.parse(retryable.toJson())).isEqualTo(retryable);
        assertThat(WorkerOutcome.parse(retryable.toJson())
                        .toInbound(java.time.Instant.EPOCH)
                        .retryable())
                .isTrue();
        assertThat(new String(new WorkerOutcome("i/A/1", "i", "A", true, 1, null, 1).toJson(), StandardCharsets.UTF_8))
                .doesNotContain("retryable");
        assertThatThrownBy(() -> WorkerOutcome.parse(("{\"commandId\":\"c\",\"instanceId\":\"i\",\"stepId\":\"A\","
                                + "\"status\":\"FAILED\",\"retryable\":\"yes\"}")
                        .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("field 'retryable' must be true or false");
    }

    @Test
    void shouldWriteAndReadAnHttpCall() {
        var http = new dev.baton.definition.HttpStep(
                "PUT",
                dev.baton.definition.UrlTemplate.parse("http://x.local/{$.request.id}"),
                Map.of("X-A", "1"),
                java.time.Duration.ofSeconds(3),
                dev.baton.definition.HttpRetry.defaults());
        var call = new dev.baton.engine.Outbound.HttpCall(
                "i", "w", "s", "i/s/2", 2, "i/s/1", http, "http://x.local/7", Map.of("id", 7));
        HttpCallMessage m = HttpCallMessage.parse(HttpCallMessage.toJson(call, "baton.callbacks"));
        assertThat(m)
                .isEqualTo(new HttpCallMessage(
                        "i",
                        "w",
                        "s",
                        "i/s/2",
                        2,
                        "i/s/1",
                        "PUT",
                        "http://x.local/7",
                        Map.of("X-A", "1"),
                        java.time.Duration.ofSeconds(3),
                        java.util.Set.of(429, 502, 503, 504),
                        Map.of("id", 7),
                        "baton.callbacks"));
        assertThat(m.sendsBody()).isTrue();
        assertThat(new String(m.bodyJson(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":7}");
    }

    @Test
    void shouldRoundTripAnOutcome() {
        var o = new WorkerOutcome("i/A/1", "i", "A", false, null, new Failure("A", "T", "m"), 3);
        assertThat(WorkerOutcome.parse(o.toJson())).isEqualTo(o);
    }

    @Test
    void shouldWriteTheCommandFieldsOfTheProtocol() throws Exception {
        var c = new StepCommand(
                "stock.commands",
                "i-1",
                "order",
                "reserve",
                "i-1/reserve/1",
                CommandKind.EXECUTE,
                1,
                Map.of("sku", "b"));
        var tree = Json.mapper().readTree(CommandMessage.toJson(c, "baton.callbacks"));
        assertThat(tree.get("kind").asText()).isEqualTo("execute");
        assertThat(tree.get("callbackTopic").asText()).isEqualTo("baton.callbacks");
        assertThat(tree.get("commandId").asText()).isEqualTo("i-1/reserve/1");
        assertThat(tree.get("input").get("sku").asText()).isEqualTo("b");
    }

    @Test
    void shouldRoundTripAFailedResult() {
        var r = new WorkflowResult(
                "baton.results",
                "i-1",
                "order",
                2,
                Outcome.FAILED,
                null,
                new Failure("D", "X", "m"),
                List.of("C", "B", "A"));
        var parsed = ResultMessage.parse(ResultMessage.toJson(r));
        assertThat(parsed.status()).isEqualTo(Outcome.FAILED);
        assertThat(parsed.error()).isEqualTo(Map.of("stepId", "D", "type", "X", "message", "m"));
        assertThat(parsed.compensated()).containsExactly("C", "B", "A");
        assertThat(parsed.version()).isEqualTo(2);
    }
}
