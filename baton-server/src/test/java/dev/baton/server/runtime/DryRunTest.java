package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Failure;
import dev.baton.protocol.OperatorRequest;
import dev.baton.protocol.StartRequest;
import dev.baton.protocol.WorkerOutcome;
import dev.baton.server.runtime.DryRun.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dry run's comparison on logs built in memory: no Kafka. */
class DryRunTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final String ARTICLE = article();

    static String article() {
        try {
            return Files.readString(Path.of("../docs/examples/article.yaml"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static WorkflowDefinition definition(String yaml) {
        return DefinitionReader.read(yaml, "test.yaml");
    }

    static final WorkflowDefinition V1 = definition(ARTICLE);

    /** A candidate that adds step E after D. */
    static final WorkflowDefinition ADDS_E = definition(ARTICLE + """
              - id: E
                topic: service-e.commands
                after: [D]
            """);

    /** A candidate whose D sends to another topic. */
    static final WorkflowDefinition MOVES_D =
            definition(ARTICLE.replace("topic: service-d.commands", "topic: notify-v2.commands"));

    /** A candidate without step C (D waits for B only). */
    static final String WITHOUT_C_YAML = ARTICLE.replace("""
              - id: C
                topic: service-c.commands
                after: [A]
                compensate: { topic: service-c.commands }
            """, "").replace("after: [B, C]", "after: [B]");

    static final WorkflowDefinition WITHOUT_C = definition(WITHOUT_C_YAML);

    /** Instance {@code id} as its log would be read: start, then outcomes for the given steps one second apart. */
    static InputLog.Builder log(InputLog.Builder b, String id, Map<String, Boolean> outcomes) {
        b.request(id, new StartRequest("article", null, Map.of("orderId", id), null), T0, "baton.requests 0@0");
        int second = 1;
        for (var e : outcomes.entrySet()) {
            String step = e.getKey();
            b.outcome(
                    new WorkerOutcome(
                            id + "/" + step + "/1",
                            id,
                            step,
                            e.getValue(),
                            e.getValue() ? Map.of("by", step) : null,
                            e.getValue() ? null : new Failure(step, "Rejected", "no"),
                            1),
                    T0.plusSeconds(second),
                    "baton.callbacks 0@" + second);
            second++;
        }
        return b;
    }

    static InputLog.Builder builder() {
        return new InputLog.Builder("article", null, null, T0.plusSeconds(3600)).deployed(V1, T0.minusSeconds(60));
    }

    static final Map<String, Boolean> ALL_SUCCEED = ordered("A", true, "B", true, "C", true, "D", true);

    static Map<String, Boolean> ordered(Object... pairs) {
        var m = new java.util.LinkedHashMap<String, Boolean>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Boolean) pairs[i + 1]);
        }
        return m;
    }

    @Test
    void shouldFindTheSameDecisionsForTheSameDefinition() {
        var b = builder();
        log(b, "ok", ALL_SUCCEED);
        log(b, "failed-at-a", ordered("A", false));
        log(b, "failed-at-d", ordered("A", true, "C", true, "B", true, "D", false));
        DryRun.Report report = DryRun.run(b.build(), V1.withVersion(2));
        assertThat(report.instances())
                .extracting(DryRun.InstanceReport::verdict)
                .containsOnly(Verdict.SAME);
        assertThat(report.of("ok").inputs()).isEqualTo(5);
        assertThat(report.of("ok").baselineVersion()).isEqualTo(1);
    }

    @Test
    void shouldReportTheChangedTopicOfDAtTheDecisionThatStartsIt() {
        var b = builder();
        log(b, "ok", ALL_SUCCEED);
        log(b, "failed-at-b", ordered("A", true, "B", false, "C", true));
        DryRun.Report report = DryRun.run(b.build(), MOVES_D);

        DryRun.InstanceReport ok = report.of("ok");
        assertThat(ok.verdict()).isEqualTo(Verdict.DIFFERS);
        assertThat(ok.decision()).as("start, A, B, then C's outcome starts D").isEqualTo(3);
        assertThat(ok.input()).isEqualTo("outcome SUCCEEDED of ok/C/1 (baton.callbacks 0@3)");
        assertThat(ok.changes()).singleElement().satisfies(c -> {
            assertThat(c).containsEntry("change", "changed").containsEntry("field", "topic");
            assertThat(c).containsEntry("stepId", "D").containsEntry("commandId", "ok/D/1");
            assertThat(c)
                    .containsEntry("baseline", "service-d.commands")
                    .containsEntry("candidate", "notify-v2.commands");
        });
        assertThat(ok.reason()).contains("changed command execute of step D").contains("-> notify-v2.commands");
        assertThat(report.of("failed-at-b").verdict()).isEqualTo(Verdict.SAME);
        assertThat(report.count(Verdict.DIFFERS)).isEqualTo(1);
    }

    @Test
    void shouldReportAnAddedStepAsAnAddedCommandInsteadOfTheResult() {
        var b = builder();
        log(b, "ok", ALL_SUCCEED);
        DryRun.InstanceReport ok = DryRun.run(b.build(), ADDS_E).of("ok");
        assertThat(ok.verdict()).isEqualTo(Verdict.DIFFERS);
        assertThat(ok.decision()).isEqualTo(4);
        assertThat(ok.changes())
                .extracting(c -> c.get("change") + " " + c.get("type") + " " + c.get("stepId"))
                .containsExactlyInAnyOrder("removed result null", "added command E");
    }

    @Test
    void shouldFailInstancesThatRanAStepTheCandidateDoesNotHave() {
        var b = builder();
        log(b, "ok", ALL_SUCCEED);
        log(b, "failed-at-a", ordered("A", false));
        log(b, "c-running", ordered("A", true, "B", true));
        DryRun.Report report = DryRun.run(b.build(), WITHOUT_C);

        DryRun.InstanceReport ok = report.of("ok");
        assertThat(ok.verdict()).isEqualTo(Verdict.FAILS);
        assertThat(ok.decision()).isEqualTo(3);
        assertThat(ok.reason()).isEqualTo("the recorded outcome names step C, which the candidate does not have");
        assertThat(ok.changes())
                .as("and the first difference came before: A's outcome starts B only")
                .extracting(c -> c.get("change") + " " + c.get("stepId"))
                .containsExactly("removed C");
        assertThat(report.of("c-running").verdict()).isEqualTo(Verdict.FAILS);
        assertThat(report.of("c-running").reason()).contains("ran step C (RUNNING");
        assertThat(report.of("failed-at-a").verdict()).isEqualTo(Verdict.SAME);
        assertThat(report.count(Verdict.FAILS)).isEqualTo(2);
    }

    @Test
    void shouldFireATimeoutOfTheCandidateWhereTheLogShowsNothingInTime() {
        WorkflowDefinition timesOutB = definition(ARTICLE.replace(
                "    topic: service-b.commands\n", "    topic: service-b.commands\n    timeout: PT0.5S\n"));
        var b = builder();
        log(b, "ok", ALL_SUCCEED); // B's outcome at T0+2s, later than A's outcome (T0+1s) plus 0.5 s
        DryRun.InstanceReport ok = DryRun.run(b.build(), timesOutB).of("ok");
        assertThat(ok.verdict()).isEqualTo(Verdict.DIFFERS);
        assertThat(ok.timersFired()).isEqualTo(1);
        assertThat(ok.decision()).isEqualTo(2);
        assertThat(ok.reason()).contains("timer: timeout of ok/B/1 at 2026-03-01T10:00:01.500Z");
    }

    @Test
    void shouldFireADeadlineOfTheCandidateWhereTheLogShowsTheInstanceStillRunning() {
        WorkflowDefinition withDeadline =
                definition(ARTICLE.replace("version: 1\n", "version: 1\ndeadline: { after: PT1.5S }\n"));
        var b = builder();
        log(b, "ok", ALL_SUCCEED); // D's outcome at T0+4s: the order would take longer than its deadline
        DryRun.InstanceReport ok = DryRun.run(b.build(), withDeadline).of("ok");
        assertThat(ok.verdict()).isEqualTo(Verdict.DIFFERS);
        assertThat(ok.timersFired()).isEqualTo(1);
        assertThat(ok.reason()).contains("timer: deadline at 2026-03-01T10:00:01.500Z");
    }

    @Test
    void shouldFailWhenTheCandidateHasNoStepAnOperatorActedOn() {
        var b = builder();
        log(b, "skipped-c", ordered("A", true));
        b.request(
                "skipped-c",
                new OperatorRequest(OperatorRequest.Operation.SKIP, "C", "not needed"),
                T0.plusSeconds(5),
                "baton.requests 0@9");
        DryRun.InstanceReport r = DryRun.run(b.build(), WITHOUT_C).of("skipped-c");
        assertThat(r.verdict()).isEqualTo(Verdict.FAILS);
        assertThat(r.reason())
                .isEqualTo("the recorded operator request names step C, which the candidate does not have");
    }

    @Test
    void shouldTakeTheVersionDeployedBeforeTheStartAsTheBaseline() {
        var b = new InputLog.Builder("article", null, null, T0.plusSeconds(3600))
                .deployed(V1, T0.minusSeconds(60))
                .deployed(MOVES_D.withVersion(2), T0.plusSeconds(30));
        log(b, "ok", ALL_SUCCEED);
        InputLog log = b.build();
        assertThat(log.baselineOf(log.instances().get(0)).orElseThrow().version())
                .isEqualTo(1);
        assertThat(DryRun.run(log, MOVES_D).of("ok").verdict()).isEqualTo(Verdict.DIFFERS);
    }

    @Test
    void shouldMergeRequestsAndOutcomesByTimestampWithTheStartFirst() {
        var b = builder();
        b.request("x", new StartRequest("article", null, Map.of(), null), T0.plusSeconds(2), "baton.requests 0@0");
        b.outcome(
                new WorkerOutcome("x/A/1", "x", "A", true, null, null, 1),
                T0.plusSeconds(1),
                "baton.callbacks 0@1"); // skewed: earlier than the start
        b.request(
                "x",
                new OperatorRequest(OperatorRequest.Operation.CANCEL, null, "stop"),
                T0.plusSeconds(3),
                "baton.requests 0@1");
        b.outcome(new WorkerOutcome("x/B/1", "x", "B", true, null, null, 1), T0.plusSeconds(3), "baton.callbacks 0@2");
        List<InputLog.LoggedInput> inputs = b.build().instances().get(0).inputs();
        assertThat(inputs)
                .extracting(InputLog.LoggedInput::source)
                .as("each topic in its own order, by time, requests first on a tie, and the start always first")
                .containsExactly(
                        "baton.requests 0@0", "baton.callbacks 0@1", "baton.requests 0@1", "baton.callbacks 0@2");
    }

    @Test
    void shouldRefuseACandidateOfAnotherWorkflow() {
        assertThatThrownBy(() -> DryRun.run(builder().build(), definition(ARTICLE.replace("name: article", "name: x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not of 'article'");
    }
}
