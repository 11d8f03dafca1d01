package dev.baton.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code sleep}, {@code repeat} and {@code deadline} as YAML: read, written back, and every mistake located. */
class TimeAndLoopDefinitionTest {
    static final String NIGHTLY = """
            name: nightly-order
            deadline: { after: PT24H, then: fail }
            steps:
              - id: A
                topic: service-a.commands
                compensate: service-a.commands
              - id: untilBatch
                after: A
                sleep: { until: $.request.batchAt }
              - id: C
                topic: service-c.commands
                after: untilBatch
              - id: track
                topic: service-d.status
                after: C
                repeat: { until: "$.steps.track.output.status == 'shipped'", max: 10, delay: PT5M }
              - id: cool-off
                after: track
                sleep: PT10M
            """;

    @Test
    void shouldReadSleepsRepeatsAndTheDeadline() {
        WorkflowDefinition d = DefinitionReader.read(NIGHTLY, "nightly.yaml");
        assertThat(d.deadline()).contains(new Deadline(Duration.ofHours(24), Deadline.Action.FAIL));
        assertThat(d.step("untilBatch").orElseThrow().kind()).isEqualTo(Sleep.until("$.request.batchAt"));
        assertThat(d.step("cool-off").orElseThrow().kind()).isEqualTo(Sleep.lasting(Duration.ofMinutes(10)));
        Repeat repeat = d.step("track").orElseThrow().repeat().orElseThrow();
        assertThat(repeat.max()).isEqualTo(10);
        assertThat(repeat.delay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(repeat.until()).isEqualTo(Condition.parse("$.steps.track.output.status == 'shipped'"));
    }

    @Test
    void shouldWriteThemBackSoThatTheDeployedCopyReadsTheSame() {
        WorkflowDefinition d = DefinitionReader.read(NIGHTLY, "nightly.yaml");
        WorkflowDefinition again = DefinitionReader.read(DefinitionWriter.toJson(d), "deployed.json");
        assertThat(again).isEqualTo(d);
        assertThat(again.deadline()).isEqualTo(d.deadline());
        assertThat(again.step("track").orElseThrow().repeat())
                .isEqualTo(d.step("track").orElseThrow().repeat());
    }

    @Test
    void shouldReadTheWorkedExampleOfTheDocs() throws java.io.IOException {
        WorkflowDefinition d = DefinitionReader.read(java.nio.file.Path.of("../docs/examples/nightly-order.yaml"));
        assertThat(d.deadline()).contains(new Deadline(Duration.ofHours(24), Deadline.Action.FAIL));
        assertThat(d.step("untilBatch").orElseThrow().sleep()).contains(Sleep.until("$.request.batchWindow"));
        assertThat(d.step("track").orElseThrow().repeat().orElseThrow().max()).isEqualTo(10);
    }

    @Test
    void shouldDefaultADeadlineToFail() {
        WorkflowDefinition d = DefinitionReader.read(NIGHTLY.replace(", then: fail", ""), "nightly.yaml");
        assertThat(d.deadline().orElseThrow().then()).isEqualTo(Deadline.Action.FAIL);
    }

    @Test
    void shouldLocateEveryMistakeInASleep() {
        assertThat(problems(NIGHTLY.replace(
                        "sleep: { until: $.request.batchAt }", "sleep: { until: $.request.batchAt, duration: PT1H }")))
                .containsExactly("nightly.yaml:9: steps[1].sleep: give exactly one of 'duration' (e.g. PT10M) and "
                        + "'until' (a path such as $.request.runAt)");
        assertThat(problems(NIGHTLY.replace("sleep: PT10M", "sleep: soon")))
                .containsExactly("nightly.yaml:19: steps[4].sleep: 'soon' is not an ISO-8601 duration such as PT30S, "
                        + "PT5M or PT2H");
        assertThat(problems(NIGHTLY.replace("sleep: PT10M", "sleep: -PT10M")))
                .containsExactly("nightly.yaml:19: steps[4].sleep.duration: must be a positive duration, e.g. PT30S "
                        + "or PT2H");
        assertThat(problems(NIGHTLY.replace("$.request.batchAt", "request.batchAt")))
                .singleElement()
                .asString()
                .startsWith("nightly.yaml:9: steps[1].sleep.until: bad path 'request.batchAt': ");
        assertThat(problems(NIGHTLY.replace("$.request.batchAt", "$.steps.C.output.at")))
                .containsExactly("nightly.yaml:9: steps[1].sleep.until: path $.steps.C.output.at reads step 'C', "
                        + "which does not run before 'untilBatch' (only steps it waits for, directly or not, can be "
                        + "read)");
        assertThat(problems(NIGHTLY.replace("sleep: { until: $.request.batchAt }", "sleep: { untill: x }")))
                .first()
                .asString()
                .startsWith("nightly.yaml:9: steps[1].sleep.untill: unknown field (did you mean 'until'?)");
        assertThat(problems(NIGHTLY.replace("    sleep: PT10M", "    sleep: PT10M\n    timeout: PT1M")))
                .containsExactly("nightly.yaml:20: steps[4].timeout: a step that sleeps ends at its wake time; it "
                        + "takes no 'timeout'");
        assertThat(problems(NIGHTLY.replace("    sleep: PT10M", "    sleep: PT10M\n    topic: x")))
                .singleElement()
                .asString()
                .contains("steps[4].sleep: a step does one thing");
    }

    @Test
    void shouldLocateEveryMistakeInARepeat() {
        assertThat(problems(NIGHTLY.replace("max: 10", "max: 0")))
                .containsExactly("nightly.yaml:16: steps[3].repeat.max: must be 1 to 1000");
        assertThat(problems(NIGHTLY.replace("max: 10, ", "")))
                .containsExactly("nightly.yaml:16: steps[3].repeat.max: is required: the most rounds the step runs, "
                        + "e.g. 10");
        assertThat(problems(NIGHTLY.replace("until: \"$.steps.track.output.status == 'shipped'\", ", "")))
                .containsExactly("nightly.yaml:16: steps[3].repeat.until: is required: the condition that ends the "
                        + "loop, e.g. $.steps.poll.output.done == true");
        assertThat(problems(NIGHTLY.replace("== 'shipped'", "=== 'shipped'")))
                .singleElement()
                .asString()
                .startsWith("nightly.yaml:16: steps[3].repeat.until: bad condition ");
        assertThat(problems(NIGHTLY.replace("$.steps.track.output.status", "$.steps.cool-off.output.status")))
                .singleElement()
                .asString()
                .startsWith("nightly.yaml:16: steps[3].repeat.until: path $.steps.cool-off.output.status reads "
                        + "step 'cool-off', which does not run before 'track'");
        assertThat(problems(NIGHTLY.replace("delay: PT5M", "delay: P4000D")))
                .containsExactly("nightly.yaml:16: steps[3].repeat.delay: must be at most 3650 days (P3650D)");
        assertThat(problems(NIGHTLY.replace(
                        "    sleep: PT10M", "    sleep: PT10M\n    repeat: { until: \"true\", max: 2 }")))
                .containsExactly("nightly.yaml:20: steps[4].repeat: only a step that does work repeats (a worker's "
                        + "topic, an HTTP call or a workflow); this one waits for a time");
        assertThat(problems(NIGHTLY.replace("max: 10", "max: ten")))
                .containsExactly("nightly.yaml:16: steps[3].repeat.max: must be a whole number");
    }

    @Test
    void shouldLocateEveryMistakeInADeadline() {
        assertThat(problems(NIGHTLY.replace("then: fail", "then: panic")))
                .containsExactly("nightly.yaml:2: deadline.then: 'panic' is not one of: fail, cancel");
        assertThat(problems(NIGHTLY.replace("after: PT24H, ", "")))
                .containsExactly(
                        "nightly.yaml:2: deadline.after: is required: how long an instance may run, e.g. " + "PT24H");
        assertThat(problems(NIGHTLY.replace("after: PT24H", "after: PT0S")))
                .containsExactly("nightly.yaml:2: deadline.after: must be a positive duration, e.g. PT30S or PT2H");
        assertThat(problems(NIGHTLY.replace("deadline: { after: PT24H, then: fail }", "deadline: PT24H")))
                .containsExactly("nightly.yaml:2: deadline: must be an object such as { after: PT24H, then: fail }");
    }

    private static List<String> problems(String text) {
        try {
            WorkflowDefinition d = DefinitionReader.read(text, "nightly.yaml");
            throw new AssertionError("expected a rejection, but read " + d + ":\n" + text);
        } catch (InvalidDefinitionException e) {
            return e.problems().stream().map(DefinitionProblem::toString).toList();
        }
    }
}
