package dev.baton.worker.internal;

import static dev.baton.worker.internal.TestCommands.MAPPER;
import static dev.baton.worker.internal.TestCommands.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The worker's JSON and headers against docs/protocol.md. */
class ProtocolTest {

    private static final String DOC_COMMAND = """
            {
              "instanceId": "4d2a6c1e-0c49-4c43-9a43-2d4f8c1f0a11",
              "workflow": "order-fulfilment",
              "stepId": "charge",
              "commandId": "4d2a6c1e-0c49-4c43-9a43-2d4f8c1f0a11/charge/1",
              "kind": "execute",
              "attempt": 1,
              "callbackTopic": "baton.callbacks",
              "input": { "orderId": "o-1001", "sku": "book-42", "amount": 25.0, "express": true }
            }""";

    private final CommandParser parser = new CommandParser(MAPPER);

    private Command docCommand() throws MalformedCommandException {
        return parser.parse(DOC_COMMAND.getBytes(StandardCharsets.UTF_8), new RecordHeaders());
    }

    private static String serialised(Outcome o) throws IOException {
        return new String(Answer.of(o, MAPPER, Instant.now()).json(), StandardCharsets.UTF_8);
    }

    @Test
    void succeededOutcomeIsExactlyTheDocumentedShape() throws Exception {
        Outcome o = Outcome.succeeded(docCommand(), json("{ \"paymentId\": \"p-77\" }"), 1);
        assertThat(serialised(o))
                .isEqualTo("{\"commandId\":\"4d2a6c1e-0c49-4c43-9a43-2d4f8c1f0a11/charge/1\","
                        + "\"instanceId\":\"4d2a6c1e-0c49-4c43-9a43-2d4f8c1f0a11\",\"stepId\":\"charge\","
                        + "\"status\":\"SUCCEEDED\",\"output\":{\"paymentId\":\"p-77\"},\"attempts\":1}");
    }

    @Test
    void failedOutcomeIsExactlyTheDocumentedShape() throws Exception {
        Outcome o = Outcome.failed(docCommand(), "CardDeclined", "card declined by issuer", 3);
        assertThat(serialised(o))
                .isEqualTo("{\"commandId\":\"4d2a6c1e-0c49-4c43-9a43-2d4f8c1f0a11/charge/1\","
                        + "\"instanceId\":\"4d2a6c1e-0c49-4c43-9a43-2d4f8c1f0a11\",\"stepId\":\"charge\","
                        + "\"status\":\"FAILED\",\"error\":{\"type\":\"CardDeclined\",\"message\":\"card declined by issuer\"},"
                        + "\"attempts\":3}");
    }

    @Test
    void successWithoutOutputOmitsTheField() throws Exception {
        Outcome o = Outcome.succeeded(docCommand(), null, 2);
        assertThat(json(serialised(o)).has("output")).isFalse();
        assertThat(json(serialised(Outcome.succeeded(docCommand(), json("null"), 1)))
                        .has("output"))
                .isFalse();
    }

    /** Reads the examples from the protocol document itself, when it is at hand. */
    @Test
    void outcomesMatchTheExamplesInProtocolMd() throws Exception {
        Path doc = Path.of("..", "docs", "protocol.md");
        assumeTrue(Files.exists(doc), "docs/protocol.md not found");
        String text = Files.readString(doc);
        List<JsonNode> commands = jsonBlocks(section(text, "## Command"));
        List<JsonNode> outcomes = jsonBlocks(section(text, "## Outcome"));
        assertThat(commands).hasSize(1);
        assertThat(outcomes).hasSize(2);

        Command command = parser.parse(MAPPER.writeValueAsBytes(commands.get(0)), null);
        JsonNode succeeded = outcomes.get(0);
        JsonNode failed = outcomes.get(1);
        Outcome ours = Outcome.succeeded(
                command, succeeded.get("output"), succeeded.get("attempts").intValue());
        assertSameJsonInSameOrder(json(serialised(ours)), succeeded);
        Outcome oursFailed = Outcome.failed(
                command,
                failed.path("error").path("type").asText(),
                failed.path("error").path("message").asText(),
                failed.get("attempts").intValue());
        assertSameJsonInSameOrder(json(serialised(oursFailed)), failed);
    }

    private static void assertSameJsonInSameOrder(JsonNode actual, JsonNode expected) {
        assertThat(actual).isEqualTo(expected);
        List<String> a = new ArrayList<>();
        actual.fieldNames().forEachRemaining(a::add);
        List<String> e = new ArrayList<>();
        expected.fieldNames().forEachRemaining(e::add);
        assertThat(a).isEqualTo(e);
    }

    private static String section(String text, String heading) {
        int start = text.indexOf("\n" + heading + "\n");
        assertThat(start).as(heading).isNotNegative();
        int end = text.indexOf("\n## ", start + heading.length() + 2);
        return end < 0 ? text.substring(start) : text.substring(start, end);
    }

    private static List<JsonNode> jsonBlocks(String section) {
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(section);
        List<JsonNode> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(json(m.group(1)));
        }
        return blocks;
    }

    @Test
    void parsesTheDocumentedCommand() throws Exception {
        Command c = docCommand();
        assertThat(c.instanceId()).isEqualTo("4d2a6c1e-0c49-4c43-9a43-2d4f8c1f0a11");
        assertThat(c.workflow()).isEqualTo("order-fulfilment");
        assertThat(c.stepId()).isEqualTo("charge");
        assertThat(c.commandId()).isEqualTo("4d2a6c1e-0c49-4c43-9a43-2d4f8c1f0a11/charge/1");
        assertThat(c.isExecute()).isTrue();
        assertThat(c.attempt()).isEqualTo(1);
        assertThat(c.callbackTopic()).isEqualTo("baton.callbacks");
        assertThat(c.input().get("sku").asText()).isEqualTo("book-42");
        assertThat(c.traceparent()).isNull();
    }

    @Test
    void appliesDefaultsAndIgnoresUnknownFields() throws Exception {
        Command c = parser.parse(
                ("{\"instanceId\":\"i\",\"stepId\":\"s\",\"commandId\":\"c\",\"future\":[1]}")
                        .getBytes(StandardCharsets.UTF_8),
                null);
        assertThat(c.kind()).isEqualTo("execute");
        assertThat(c.attempt()).isEqualTo(1);
        assertThat(c.callbackTopic()).isEqualTo("baton.callbacks");
        assertThat(c.input().isNull()).isTrue();
        assertThat(c.workflow()).isNull();
    }

    @Test
    void rejectsMalformedCommands() {
        for (String bad : List.of(
                "",
                "not json",
                "[1,2]",
                "\"text\"",
                "{}",
                "{\"instanceId\":\"i\",\"stepId\":\"s\"}",
                "{\"instanceId\":\"i\",\"stepId\":\"s\",\"commandId\":7}",
                "{\"instanceId\":\" \",\"stepId\":\"s\",\"commandId\":\"c\"}",
                "{\"instanceId\":\"i\",\"stepId\":\"s\",\"commandId\":\"c\",\"attempt\":\"two\"}",
                "{\"instanceId\":\"i\",\"stepId\":\"s\",\"commandId\":\"c\",\"callbackTopic\":\"no such topic!\"}")) {
            assertThatThrownBy(() -> parser.parse(bad.getBytes(StandardCharsets.UTF_8), null))
                    .as(bad)
                    .isInstanceOf(MalformedCommandException.class);
        }
        assertThatThrownBy(() -> parser.parse(null, null)).isInstanceOf(MalformedCommandException.class);
    }

    @Test
    void outcomeRecordsCarryKeyCloudEventsAndTraceHeaders() throws Exception {
        RecordHeaders commandHeaders = new RecordHeaders();
        commandHeaders.add(
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8));
        Command c = parser.parse(DOC_COMMAND.getBytes(StandardCharsets.UTF_8), commandHeaders);
        Answer answer = Answer.of(Outcome.succeeded(c, null, 1), MAPPER, Instant.parse("2026-11-26T10:15:02.113456Z"));

        List<ProducerRecord<byte[], byte[]>> records =
                new OutcomeRecords("stock-worker", "baton.outcomes").records(c, answer);
        assertThat(records).extracting(ProducerRecord::topic).containsExactly("baton.callbacks", "baton.outcomes");
        for (ProducerRecord<byte[], byte[]> r : records) {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(c.instanceId());
            assertThat(r.value()).isEqualTo(answer.json());
            assertThat(headers(r))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "ce_specversion", "1.0",
                            "ce_id", c.commandId(),
                            "ce_source", "baton-worker/stock-worker",
                            "ce_type", "dev.baton.outcome.v1",
                            "ce_subject", c.instanceId(),
                            "ce_time", "2026-11-26T10:15:02.113Z",
                            "content-type", "application/json",
                            "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        }
        // no monitoring copy by default, and none when it is the callback topic itself
        assertThat(new OutcomeRecords("g", null).records(c, answer)).hasSize(1);
        assertThat(new OutcomeRecords("g", "baton.callbacks").records(c, answer))
                .hasSize(1);
    }

    static Map<String, String> headers(ProducerRecord<byte[], byte[]> r) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (Header h : r.headers()) {
            m.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void errorTypesAndLongMessages() {
        Command c = TestCommands.command("i", "s", 1);
        assertThat(Outcome.errorType(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(Outcome.errorType(new RuntimeException() {})).contains("ProtocolTest$");
        String longMessage = "x".repeat(20_000);
        Outcome o = Outcome.failed(c, new IllegalStateException(longMessage), 1);
        assertThat(o.errorMessage()).hasSize(Outcome.MAX_MESSAGE_LENGTH);
    }
}
