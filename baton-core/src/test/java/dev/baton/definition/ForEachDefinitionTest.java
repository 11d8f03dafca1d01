package dev.baton.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading, writing and validating a step's {@code forEach}; every problem names the file, line and field. */
class ForEachDefinitionTest {
    private static final String ORDER = """
            name: order
            steps:
              - id: reserve
                topic: stock.commands
              - id: charge
                topic: payments.commands
                after: [reserve]
                forEach:
                  items: $.request.lines
                  maxConcurrency: 5
                  toleratedFailures: 10%
                input:
                  sku: $.item.sku
                  line: $.index
                  orderId: $.request.orderId
                compensate: { topic: payments.commands }
            """;

    @Test
    void shouldReadForEachWithItsLimits() {
        WorkflowDefinition d = DefinitionReader.read(ORDER, "order.yaml");
        ForEach each = d.step("charge").orElseThrow().forEach().orElseThrow();
        assertThat(each.items()).isEqualTo(DataPath.parse("$.request.lines"));
        assertThat(each.maxConcurrency()).isEqualTo(5);
        assertThat(each.toleratedFailures()).isEqualTo(new ForEach.Tolerance(10, true));
    }

    @Test
    void shouldDefaultToTenAtATimeAndNoFailureTolerated() {
        WorkflowDefinition d = DefinitionReader.read(
                ORDER.replace("      maxConcurrency: 5\n", "").replace("      toleratedFailures: 10%\n", ""),
                "order.yaml");
        ForEach each = d.step("charge").orElseThrow().forEach().orElseThrow();
        assertThat(each.maxConcurrency()).isEqualTo(10);
        assertThat(each.toleratedFailures()).isEqualTo(ForEach.Tolerance.NONE);
    }

    @Test
    void shouldWriteForEachBackOutAsItWasRead() {
        WorkflowDefinition d = DefinitionReader.read(ORDER, "order.yaml");
        assertThat(DefinitionReader.read(DefinitionWriter.toJson(d), "again.json"))
                .isEqualTo(d);
        assertThat(d.withVersion(2).step("charge").orElseThrow().forEach())
                .isEqualTo(d.step("charge").orElseThrow().forEach());
    }

    @Test
    void shouldCountAPercentageOfTheListRoundingDown() {
        var tenPercent = new ForEach.Tolerance(10, true);
        assertThat(tenPercent.tolerates(1, 15)).isTrue();
        assertThat(tenPercent.tolerates(2, 15)).isFalse();
        assertThat(tenPercent.tolerates(0, 0)).isTrue();
        assertThat(new ForEach.Tolerance(2, false).tolerates(2, 3)).isTrue();
        assertThat(new ForEach.Tolerance(2, false).tolerates(3, 3)).isFalse();
    }

    @Test
    void shouldNameLineAndFieldOfEveryBadForEachField() {
        assertThat(problems(ORDER.replace("items: $.request.lines", "items: request.lines")))
                .singleElement()
                .asString()
                .startsWith("order.yaml:9: steps[1].forEach.items: bad path 'request.lines'");
        assertThat(problems(ORDER.replace("items: $.request.lines", "items: $.steps.charge.output")))
                .containsExactly(
                        "order.yaml:9: steps[1].forEach.items: path $.steps.charge.output reads step 'charge', which does not run before 'charge' (only steps it waits for, directly or not, can be read)");
        assertThat(problems(ORDER.replace("maxConcurrency: 5", "maxConcurrency: 0")))
                .containsExactly("order.yaml:10: steps[1].forEach.maxConcurrency: must be 1 to 1000");
        assertThat(problems(ORDER.replace("toleratedFailures: 10%", "toleratedFailures: some")))
                .containsExactly(
                        "order.yaml:11: steps[1].forEach.toleratedFailures: 'some' is neither a count of items (such as 3) nor a percentage (such as 10%)");
        assertThat(problems(ORDER.replace("toleratedFailures: 10%", "toleratedFailures: 120%")))
                .containsExactly(
                        "order.yaml:11: steps[1].forEach.toleratedFailures: must be a count of 0 or more, or a percentage from 0% to 100%");
        assertThat(problems(ORDER.replace("maxConcurrency: 5", "maxConcurency: 5")))
                .singleElement()
                .asString()
                .startsWith(
                        "order.yaml:10: steps[1].forEach.maxConcurency: unknown field (did you mean 'maxConcurrency'?)");
        assertThat(problems(ORDER.replace("      items: $.request.lines\n", "")))
                .containsExactly(
                        "order.yaml:8: steps[1].forEach.items: is required: the path of the list to run the step for, e.g. $.request.lines");
        assertThat(problems(ORDER.replace(
                        "forEach:\n      items: $.request.lines\n      maxConcurrency: 5\n      toleratedFailures: 10%",
                        "forEach: $.request.lines")))
                .containsExactly(
                        "order.yaml:8: steps[1].forEach: must be an object such as { items: $.request.lines, maxConcurrency: 10 }");
    }

    @Test
    void shouldRefuseForEachWhereItCannotWork() {
        assertThat(problems(ORDER.replace("topic: payments.commands\n    after", "signal: paid\n    after")
                        .replace("compensate: { topic: payments.commands }\n", "")))
                .containsExactly(
                        "order.yaml:8: steps[1].forEach: a step that waits for a signal sends no work to run per item");
        assertThat(problems(ORDER.replace("after: [reserve]", "after: [reserve]\n    timeout: PT1M")))
                .containsExactly(
                        "order.yaml:8: steps[1].timeout: is not supported on a forEach step yet: give each item's worker its own deadline");
    }

    @Test
    void shouldRefuseForEachOnTimersAndLoops() {
        String sleeping = """
                name: order
                steps:
                  - id: wait
                    sleep: PT1M
                    forEach: { items: $.request.lines }
                """;
        assertThat(problems(sleeping))
                .containsExactly("order.yaml:5: steps[0].forEach: a step that sleeps sends no work to run per item");
        assertThat(problems(ORDER.replace(
                        "after: [reserve]",
                        "after: [reserve]\n    repeat: { until: \"$.steps.charge.output.done == true\", max: 3 }")))
                // the inserted repeat line pushes forEach down to line 9
                .containsExactly("order.yaml:9: steps[1].forEach: a step runs its items or repeats, not both: "
                        + "repeat a sub-workflow that holds the forEach");
    }

    @Test
    void shouldReadItemAndIndexOnlyInAForEachStep() {
        String plain = """
                name: order
                steps:
                  - id: reserve
                    topic: stock.commands
                    input: { sku: $.item.sku }
                """;
        assertThat(problems(plain))
                .containsExactly(
                        "order.yaml:5: steps[0].input: path $.item.sku must start with $.request, $.steps.<id>, $.instanceId or $.businessKey");
    }

    private static List<String> problems(String text) {
        try {
            WorkflowDefinition d = DefinitionReader.read(text, "order.yaml");
            throw new AssertionError("expected a rejection, read " + d);
        } catch (InvalidDefinitionException e) {
            return e.problems().stream().map(DefinitionProblem::toString).toList();
        }
    }
}
