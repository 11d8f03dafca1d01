package dev.baton.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleDefinitionTest {
    private static final String NIGHTLY = """
            name: nightly-reconciliation
            schedule:
              cron: "0 2 * * *"
              timeZone: Europe/Berlin
              overlap: skip
              catchUp: latest
              input: { batch: nightly }
            steps:
              - id: reconcile
                topic: service-d.commands
            """;

    @Test
    void shouldReadTheNightlyBatchSchedule() {
        WorkflowDefinition d = DefinitionReader.read(NIGHTLY, "nightly.yaml");
        Schedule s = d.schedule().orElseThrow();
        assertThat(s.cron()).isEqualTo("0 2 * * *");
        assertThat(s.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(s.overlap()).isEqualTo(Schedule.Overlap.SKIP);
        assertThat(s.catchUp()).isEqualTo(Schedule.CatchUp.LATEST);
        assertThat(s.input()).isEqualTo(Map.of("batch", "nightly"));
        assertThat(s.nextTick(Instant.parse("2026-12-03T00:00:00Z"))).isEqualTo(Instant.parse("2026-12-03T01:00:00Z"));
        assertThat(s.expression()).isEqualTo("0 2 * * *");
    }

    @Test
    void shouldReadTheExampleOfTheDocs() throws Exception {
        WorkflowDefinition d =
                DefinitionReader.read(java.nio.file.Path.of("../docs/examples/nightly-reconciliation.yaml"));
        assertThat(d.schedule())
                .isEqualTo(DefinitionReader.read(NIGHTLY, "nightly.yaml").schedule());
        assertThat(d.step("reconcile").orElseThrow().topic()).isEqualTo("service-d.commands");
    }

    @Test
    void shouldApplyDefaultsToAnIntervalSchedule() {
        WorkflowDefinition d = DefinitionReader.read(
                "name: poll\nschedule: { every: PT15M }\nsteps:\n  - id: a\n    topic: a.commands\n", "poll.yaml");
        Schedule s = d.schedule().orElseThrow();
        assertThat(s.every()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.overlap()).isEqualTo(Schedule.Overlap.SKIP);
        assertThat(s.catchUp()).isEqualTo(Schedule.CatchUp.LATEST);
        assertThat(s.catchUpLimit()).isEqualTo(Schedule.DEFAULT_CATCH_UP_LIMIT);
        assertThat(s.nextTick(Instant.parse("2026-12-03T10:07:00Z"))).isEqualTo(Instant.parse("2026-12-03T10:15:00Z"));
        assertThat(s.expression()).isEqualTo("every PT15M");
    }

    @Test
    void shouldRoundTripThroughTheWriterAndKeepVersionsDistinct() {
        WorkflowDefinition d = DefinitionReader.read(NIGHTLY, "nightly.yaml");
        WorkflowDefinition back = DefinitionReader.read(DefinitionWriter.toJson(d), "definitions topic");
        assertThat(back).isEqualTo(d);
        assertThat(back.schedule()).isEqualTo(d.schedule());
        assertThat(d.withVersion(3).schedule()).isEqualTo(d.schedule());
        WorkflowDefinition unscheduled =
                DefinitionReader.read(NIGHTLY.replaceAll("(?s)schedule:.*?steps:", "steps:"), "nightly.yaml");
        assertThat(unscheduled.schedule()).isEmpty();
        assertThat(unscheduled).isNotEqualTo(d);
    }

    @Test
    void shouldRejectEveryBadScheduleFieldWithItsLine() {
        assertThat(problems("""
                        name: n
                        schedule:
                          cron: "0 25 * * *"
                          timeZone: Europe/Bielefeld
                          overlap: sometimes
                          catchUp: everything
                          catchUpLimit: 0
                          every: PT1M
                          cronn: x
                        steps:
                          - id: a
                            topic: a.commands
                        """))
                .containsExactlyInAnyOrder(
                        "n.yaml:9: schedule.cronn: unknown field (did you mean 'cron'?); allowed: catchUp,"
                                + " catchUpLimit, cron, every, input, overlap, timeZone",
                        "n.yaml:5: schedule.overlap: 'sometimes' is not one of: skip, queueOne, all",
                        "n.yaml:6: schedule.catchUp: 'everything' is not one of: none, latest, all");
        assertThat(problems("""
                        name: n
                        schedule:
                          cron: "0 25 * * *"
                          timeZone: Europe/Bielefeld
                          catchUpLimit: 0
                          every: PT1M
                        steps:
                          - id: a
                            topic: a.commands
                        """))
                .containsExactlyInAnyOrder(
                        "n.yaml:6: schedule.every: give either 'cron' or 'every', not both",
                        "n.yaml:3: schedule.cron: bad cron expression '0 25 * * *': hour: value 25 is out of range"
                                + " 0-23",
                        "n.yaml:4: schedule.timeZone: 'Europe/Bielefeld' is not a time zone such as Europe/Berlin or"
                                + " UTC",
                        "n.yaml:5: schedule.catchUpLimit: must be 1 to 1000");
        assertThat(problems("name: n\nschedule: {}\nsteps:\n  - id: a\n    topic: a.commands\n"))
                .containsExactly("n.yaml:2: schedule: needs 'cron' (such as \"0 2 * * *\") or 'every' (such as PT15M)");
        assertThat(problems("name: n\nschedule: { every: PT0.5S }\nsteps:\n  - id: a\n    topic: a.commands\n"))
                .containsExactly("n.yaml:2: schedule.every: must be at least one second (PT1S)");
        assertThat(problems("name: n\nschedule: { every: soon }\nsteps:\n  - id: a\n    topic: a.commands\n"))
                .containsExactly(
                        "n.yaml:2: schedule.every: 'soon' is not an ISO-8601 duration such as PT30S, PT5M or PT2H");
        assertThat(problems("name: n\nschedule: nightly\nsteps:\n  - id: a\n    topic: a.commands\n"))
                .containsExactly("n.yaml:2: schedule: must be an object such as { cron: \"0 2 * * *\", timeZone:"
                        + " Europe/Berlin }");
        assertThat(
                        problems(
                                "name: n\nschedule:\n  every: PT1M\n  timeZone: UTC\nsteps:\n  - id: a\n    topic: a.commands\n"))
                .containsExactly("n.yaml:4: schedule.timeZone: applies to 'cron' only; 'every' counts from"
                        + " 1970-01-01T00:00Z");
    }

    @Test
    void shouldRejectABadScheduleFromTheBuilderToo() {
        try {
            WorkflowDefinition.builder("b")
                    .schedule(Schedule.cron("every night", null))
                    .step("a", s -> s.topic("a.commands"))
                    .build();
            throw new AssertionError("expected a rejection");
        } catch (InvalidDefinitionException e) {
            assertThat(e.problems()).extracting(DefinitionProblem::field).containsExactly("schedule.cron");
        }
    }

    private static List<String> problems(String text) {
        try {
            WorkflowDefinition d = DefinitionReader.read(text, "n.yaml");
            throw new AssertionError("expected a rejection, read " + d);
        } catch (InvalidDefinitionException e) {
            return e.problems().stream().map(DefinitionProblem::toString).toList();
        }
    }
}
