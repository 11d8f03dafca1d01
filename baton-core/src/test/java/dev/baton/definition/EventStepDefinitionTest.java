package dev.baton.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading, checking and writing back a step that waits for an event. */
class EventStepDefinitionTest {
    private static final String ARTICLE = """
            name: article
            steps:
              - id: A
                topic: service-a.commands
              - id: D
                after: A
                timeout: PT24H
                event:
                  topic: mail.delivered
                  correlation: { field: $.orderId, equals: $.request.orderId }
                  consume: all
                  bufferFor: PT2H
            """;

    @Test
    void shouldReadTheEventStepOfTheArticle() {
        WorkflowDefinition d = DefinitionReader.read(ARTICLE, "article.yaml");
        EventWait event = d.step("D").orElseThrow().event().orElseThrow();
        assertThat(event.topic()).isEqualTo("mail.delivered");
        assertThat(event.correlationField()).isEqualTo("$.orderId");
        assertThat(event.equalsPath()).isEqualTo(DataPath.parse("$.request.orderId"));
        assertThat(event.consume()).isEqualTo(EventWait.Consume.ALL);
        assertThat(event.bufferFor()).isEqualTo(Duration.ofHours(2));
        assertThat(d.step("D").orElseThrow().kind()).isEqualTo(event);
    }

    @Test
    void shouldReadTheWorkedExampleOfTheDocs() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/definitions.md"));
        int start = doc.indexOf("name: article-delivery");
        String yaml = doc.substring(start, doc.indexOf("```", start));
        WorkflowDefinition d = DefinitionReader.read(yaml, "definitions.md");
        EventWait event = d.step("D").orElseThrow().event().orElseThrow();
        assertThat(event.topic()).isEqualTo("mail.delivered");
        assertThat(event.bufferFor()).isEqualTo(Duration.ofHours(6));
        assertThat(d.step("D").orElseThrow().after()).containsExactly("B", "C");
    }

    @Test
    void shouldDefaultToOneAndAcceptTheRecordKey() {
        WorkflowDefinition d = DefinitionReader.read("""
                name: k
                steps:
                  - id: D
                    event: { topic: mail.delivered, correlation: { field: key, equals: $.businessKey } }
                """, "k.yaml");
        EventWait event = d.step("D").orElseThrow().event().orElseThrow();
        assertThat(event.consume()).isEqualTo(EventWait.Consume.ONE);
        assertThat(event.fieldPath()).isEmpty();
        assertThat(event.bufferFor()).isNull();
    }

    @Test
    void shouldSurviveTheRoundTripThroughTheDefinitionsTopic() {
        WorkflowDefinition d = DefinitionReader.read(ARTICLE, "article.yaml");
        WorkflowDefinition back = DefinitionReader.read(DefinitionWriter.toJson(d), "definitions");
        assertThat(back.steps()).isEqualTo(d.steps());
        assertThat(back.withVersion(3).step("D").orElseThrow().event())
                .isEqualTo(d.step("D").orElseThrow().event());
    }

    @Test
    void shouldRejectEveryBadFieldOfAnEventStepWithItsLine() {
        assertThat(problems("""
                name: e
                steps:
                  - id: D
                    event:
                      topic: mail.delivered
                      correlation: { field: "$.[", equals: "$.request.orderId" }
                      consume: some
                      bufferFor: soon
                      ttl: PT1H
                """))
                .containsExactlyInAnyOrder(
                        "e.yaml:9: steps[0].event.ttl: unknown field; allowed: bufferFor, consume, correlation, topic",
                        "e.yaml:6: steps[0].event.correlation.field: bad path '$.[' (a path such as $.orderId, or 'key'): "
                                + problemOfPath("$.["),
                        "e.yaml:7: steps[0].event.consume: 'some' is not one of: one, all",
                        "e.yaml:8: steps[0].event.bufferFor: 'soon' is not an ISO-8601 duration such as PT30S, PT5M or PT2H");
        assertThat(problems("""
                name: e
                steps:
                  - id: D
                    event: { correlation: { field: $.orderId } }
                """))
                .containsExactlyInAnyOrder(
                        "e.yaml:4: steps[0].event.topic: is required: the topic the event arrives on",
                        "e.yaml:4: steps[0].event.correlation.equals: is required: a path into the instance such as "
                                + "$.request.orderId or $.businessKey");
    }

    @Test
    void shouldRejectWhatAnEventStepCannotHave() {
        assertThat(problems("""
                name: e
                steps:
                  - id: A
                    topic: a
                  - id: D
                    compensate: undo
                    input: { x: $.request.x }
                    event:
                      topic: "bad topic"
                      correlation: { field: $.orderId, equals: $.steps.E.output.id }
                      bufferFor: PT0S
                  - id: E
                    topic: e
                    after: D
                """))
                .containsExactlyInAnyOrder(
                        "e.yaml:9: steps[1].event.topic: 'bad topic' is not a valid Kafka topic name (letters, digits,"
                                + " '.', '_', '-'; at most 249)",
                        "e.yaml:10: steps[1].event.correlation.equals: path $.steps.E.output.id reads step 'E', which"
                                + " does not run before 'D' (only steps it waits for, directly or not, can be read)",
                        "e.yaml:11: steps[1].event.bufferFor: must be a positive duration of at most P3650D, e.g. PT1H",
                        "e.yaml:6: steps[1].compensate: a step that waits for an event has no work to undo",
                        "e.yaml:7: steps[1].input: a step that waits for an event takes no input: its correlation says"
                                + " what it waits for");
    }

    @Test
    void shouldCompareCorrelationValuesAsText() {
        assertThat(EventWait.correlationText("o-1")).isEqualTo("o-1");
        assertThat(EventWait.correlationText(42)).isEqualTo("42");
        assertThat(EventWait.correlationText(new java.math.BigDecimal("42.0"))).isEqualTo("42");
        assertThat(EventWait.correlationText(true)).isEqualTo("true");
        assertThat(EventWait.correlationText(null)).isNull();
        assertThat(EventWait.correlationText(List.of(1))).isNull();
    }

    private static String problemOfPath(String path) {
        try {
            DataPath.parse(path);
            throw new AssertionError(path + " parses");
        } catch (ExpressionException e) {
            return e.getMessage();
        }
    }

    private static List<String> problems(String text) {
        try {
            WorkflowDefinition d = DefinitionReader.read(text, "e.yaml");
            throw new AssertionError("expected the definition to be rejected, but it was read as " + d);
        } catch (InvalidDefinitionException e) {
            return e.problems().stream().map(DefinitionProblem::toString).toList();
        }
    }
}
