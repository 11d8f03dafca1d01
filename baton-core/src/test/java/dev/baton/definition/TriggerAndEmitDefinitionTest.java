package dev.baton.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading, validating and writing a definition's {@code trigger} and its {@code emit} steps. */
class TriggerAndEmitDefinitionTest {
    private static final Path EXAMPLE = Path.of("..", "docs", "examples", "article-triggered.yaml");

    @Test
    void shouldReadTheDocumentedExample() throws Exception {
        WorkflowDefinition d = DefinitionReader.read(EXAMPLE);
        Trigger t = d.trigger().orElseThrow();
        assertThat(t.topic()).isEqualTo("orders.placed");
        assertThat(t.instanceId()).isEqualTo("$.record.orderId");
        assertThat(t.filterCondition()).map(Condition::toString).hasValue("$.record.amount > 0");
        EmitStep e = d.step("E").flatMap(StepDefinition::emit).orElseThrow();
        assertThat(e.topic()).isEqualTo("orders.processed");
        assertThat(e.type()).isEqualTo("com.example.order.processed");
        assertThat(d.step("E").orElseThrow().kind()).isEqualTo(e);
    }

    @Test
    void shouldRoundTripThroughTheWriterAndSurviveANewVersion() throws Exception {
        WorkflowDefinition d = DefinitionReader.read(EXAMPLE);
        WorkflowDefinition again = DefinitionReader.read(DefinitionWriter.toJson(d), "json");
        assertThat(again).isEqualTo(d);
        assertThat(again.trigger()).isEqualTo(d.trigger());
        WorkflowDefinition v3 = d.withVersion(3);
        assertThat(v3.trigger()).isEqualTo(d.trigger());
        assertThat(v3.step("E").flatMap(StepDefinition::emit))
                .isEqualTo(d.step("E").flatMap(StepDefinition::emit));
    }

    @Test
    void shouldReportEveryBadTriggerFieldWithLineAndField() {
        assertThat(problems("""
                name: t
                trigger:
                  topic: "orders placed"
                  filter: "$.amount > 0"
                  instanceId: "$.record.id["
                  input: { id: $.request.id }
                steps:
                  - id: a
                    topic: a.commands
                """))
                .containsExactly(
                        "t.yaml:3: trigger.topic: 'orders placed' is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)",
                        "t.yaml:5: trigger.instanceId: '$.record.id[' is neither 'key' nor a path such as $.record.orderId: "
                                + "expected an index or a quoted field name inside [ ] (at column 13)",
                        "t.yaml:4: trigger.filter: path $.amount must start with $.record (the record's value), $.key (its key) "
                                + "or $.event (its CloudEvents attributes)",
                        "t.yaml:6: trigger.input: path $.request.id must start with $.record (the record's value), $.key (its key) "
                                + "or $.event (its CloudEvents attributes)");
    }

    @Test
    void shouldRejectUnknownFieldsOfTriggerAndEmit() {
        assertThat(problems("name: t\ntrigger: { topic: o, instanceId: key, mode: fast }\nsteps:\n  - id: a\n"
                        + "    emit: { topic: b, value: x, keyy: k }\n"))
                .containsExactly(
                        "t.yaml:2: trigger.mode: unknown field; allowed: filter, input, instanceId, topic",
                        "t.yaml:5: steps[0].emit.keyy: unknown field (did you mean 'key'?); allowed: key, topic, type, value");
    }

    @Test
    void shouldRequireATopicAndAnInstanceId() {
        assertThat(problems("name: t\ntrigger: { filter: \"$.key == 'x'\" }\nsteps:\n  - id: a\n    topic: a\n"))
                .containsExactly(
                        "t.yaml:2: trigger.topic: is required: the topic whose records start instances",
                        "t.yaml:2: trigger.instanceId: is required: 'key' for the record key, or a path such as "
                                + "$.record.orderId; the same id never starts two instances");
        assertThat(problems("name: t\ntrigger: orders.placed\nsteps:\n  - id: a\n    topic: a\n"))
                .containsExactly(
                        "t.yaml:2: trigger: must be an object such as { topic: orders.placed, instanceId: $.record.orderId }");
    }

    @Test
    void shouldReportEveryBadEmitFieldWithLineAndField() {
        assertThat(problems("""
                name: t
                steps:
                  - id: a
                    topic: a.commands
                  - id: e
                    after: [a]
                    timeout: PT1M
                    compensate: { topic: a.commands }
                    emit:
                      topic: "bad topic"
                      key: $.steps.e.output.id
                      type: ""
                """))
                .containsExactly(
                        "t.yaml:10: steps[1].emit.topic: 'bad topic' is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)",
                        "t.yaml:9: steps[1].emit.value: is required: the record's value, e.g. $.steps.D.output or a template",
                        "t.yaml:12: steps[1].emit.type: must not be empty (leave it out for dev.baton.emitted.v1)",
                        "t.yaml:11: steps[1].emit.key: path $.steps.e.output.id reads step 'e', which does not run before 'e' "
                                + "(only steps it waits for, directly or not, can be read)",
                        "t.yaml:8: steps[1].compensate: a published record cannot be taken back; an emit step takes no 'compensate'",
                        "t.yaml:7: steps[1].timeout: an emit step succeeds as it publishes; it takes no 'timeout'");
    }

    @Test
    void shouldListEmitAmongTheKindsAStepMayDeclare() {
        assertThat(problems("name: t\nsteps:\n  - id: a\n    topic: a\n    emit: { topic: b, value: x }\n"))
                .containsExactly("t.yaml:5: steps[0].emit: a step does one thing: command a worker (topic), wait for a "
                        + "signal (signal), run a workflow (workflow), call an endpoint (http), wait for a time (sleep), wait for an event (event) or publish a record (emit); "
                        + "this one has topic and emit");
        assertThat(problems("name: t\nsteps:\n  - id: a\n    after: []\n"))
                .singleElement()
                .asString()
                .contains("'emit' to publish a record");
    }

    @Test
    void shouldDeriveTheInstanceIdFromTheRecordDeterministically() {
        Trigger byPath = new Trigger("orders.placed", null, "$.record.orderId", null);
        assertThat(byPath.instanceIdOf("article", Trigger.data(Map.of("orderId", "o-7"), "k", Map.of())))
                .isEqualTo("article:o-7");
        assertThat(byPath.instanceIdOf("article", Trigger.data(Map.of("orderId", 42), null, Map.of())))
                .isEqualTo("article:42");
        assertThat(byPath.instanceIdOf("article", Trigger.data(Map.of("orderId", new BigDecimal("42.0")), null, null)))
                .isEqualTo("article:42");
        Trigger byKey = new Trigger("orders.placed", null, Trigger.KEY, null);
        assertThat(byKey.instanceIdOf("article", Trigger.data(Map.of(), "o-8", Map.of())))
                .isEqualTo("article:o-8");
        assertThatThrownBy(() ->
                        byPath.instanceIdOf("article", Trigger.data(Map.of("orderId", List.of(1)), null, null)))
                .hasMessage(
                        "the trigger's instanceId $.record.orderId found a list; it must find a non-empty string or a "
                                + "whole number");
        assertThatThrownBy(() -> byKey.instanceIdOf("article", Trigger.data(Map.of(), null, null)))
                .hasMessageContaining("found nothing");
    }

    @Test
    void shouldPassTheRecordAsTheInputWithoutAMapping() {
        Trigger t = new Trigger("orders.placed", Condition.parse("$.event.type == 'order.placed'"), "key", null);
        Map<String, Object> data = Trigger.data(Map.of("orderId", "o-1"), "o-1", Map.of("type", "order.placed"));
        assertThat(t.accepts(data)).isTrue();
        assertThat(t.accepts(Trigger.data(Map.of(), "o-1", Map.of("type", "order.cancelled"))))
                .isFalse();
        assertThat(t.inputOf(data)).isEqualTo(Map.of("orderId", "o-1"));
    }

    private static List<String> problems(String text) {
        try {
            WorkflowDefinition d = DefinitionReader.read(text, "t.yaml");
            throw new AssertionError("expected a rejection, read " + d);
        } catch (InvalidDefinitionException e) {
            return e.problems().stream().map(DefinitionProblem::toString).toList();
        }
    }
}
