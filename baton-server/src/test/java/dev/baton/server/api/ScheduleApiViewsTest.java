package dev.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.Schedule;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.ScheduleState;
import dev.baton.server.runtime.BatonTopics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the API says about a schedule: its row in {@code GET /api/schedules}, and the AsyncAPI document. */
class ScheduleApiViewsTest {
    static final WorkflowDefinition NIGHTLY = WorkflowDefinition.builder("nightly-reconciliation")
            .version(3)
            .schedule(Schedule.cron("0 2 * * *", "Europe/Berlin"))
            .step("reconcile", s -> s.topic("service-d.commands"))
            .build();

    @Test
    void shouldShowTheNextRunFromTheStateAndWhoPausedIt() {
        var state = new ScheduleState(
                "nightly-reconciliation",
                Instant.parse("2026-12-03T01:00:00Z"),
                Instant.parse("2026-12-03T01:00:00Z"),
                List.of("nightly-reconciliation@2026-12-03T01:00:00Z"),
                null,
                new ScheduleState.Pause("ops-alice", "month-end freeze", Instant.parse("2026-12-03T08:00:00Z")));
        Map<String, Object> row = ScheduleView.of(
                NIGHTLY,
                NIGHTLY.schedule().orElseThrow(),
                Optional.of(state),
                Instant.parse("2026-12-03T09:00:00Z"),
                true);
        assertThat(row)
                .containsEntry("workflow", "nightly-reconciliation")
                .containsEntry("version", 3)
                .containsEntry("expression", "0 2 * * *")
                .containsEntry("timeZone", "Europe/Berlin")
                .containsEntry("overlap", "skip")
                .containsEntry("catchUp", "latest")
                .containsEntry("nextRun", "2026-12-04T01:00:00Z")
                .containsEntry("lastRun", "2026-12-03T01:00:00Z")
                .containsEntry("lastInstanceId", "nightly-reconciliation@2026-12-03T01:00:00Z")
                .containsEntry("paused", true)
                .containsEntry("pausedBy", "ops-alice")
                .containsEntry("pauseReason", "month-end freeze")
                .containsEntry("stateKnown", true);
    }

    @Test
    void shouldComputeTheNextRunFromNowWithoutState() {
        Map<String, Object> row = ScheduleView.of(
                NIGHTLY,
                NIGHTLY.schedule().orElseThrow(),
                Optional.empty(),
                Instant.parse("2026-07-01T12:00:00Z"),
                false);
        assertThat(row)
                .containsEntry("nextRun", "2026-07-02T00:00:00Z") // 02:00 CEST
                .containsEntry("lastRun", null)
                .containsEntry("paused", false)
                .containsEntry("enabled", false)
                .containsEntry("stateKnown", false);
    }

    @Test
    void shouldTellAsyncApiReadersThatBatonStartsAScheduledWorkflowItself() {
        @SuppressWarnings("unchecked")
        var operations = (Map<String, Object>) AsyncApiDocument.of(NIGHTLY, BatonTopics.defaults(), "kafka:9092")
                .get("operations");
        assertThat(operations).containsKey("sendScheduledStartRequest");
        assertThat(String.valueOf(operations.get("sendScheduledStartRequest")))
                .contains("0 2 * * *")
                .contains("Europe/Berlin")
                .contains("baton.schedules");
        var unscheduled = WorkflowDefinition.builder("article")
                .step("A", s -> s.topic("service-a.commands"))
                .build();
        @SuppressWarnings("unchecked")
        var plain = (Map<String, Object>) AsyncApiDocument.of(unscheduled, BatonTopics.defaults(), "kafka:9092")
                .get("operations");
        assertThat(plain).doesNotContainKey("sendScheduledStartRequest");
    }
}
