package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** StatusFeed's lines, from status notifications as the orchestrator writes them; no Kafka. */
class StatusFeedTest {

    private final List<String> lines = new ArrayList<>();
    private final StatusFeed feed = new StatusFeed("localhost:1", lines::add);

    private void status(String type, String instanceId, String more) {
        feed.accept("{\"type\":\"" + type + "\",\"workflow\":\"article\",\"instanceId\":\"" + instanceId + "\""
                + (more.isEmpty() ? "" : "," + more) + ",\"at\":\"2026-11-26T10:15:02.113Z\"}");
    }

    private void step(String type, String instanceId, String stepId) {
        status(type, instanceId, "\"stepId\":\"" + stepId + "\",\"commandId\":\"" + instanceId + "/" + stepId + "/1\"");
    }

    @Test
    void theFailureStory() {
        feed.serviceCWindowChanged(false);
        status("InstanceStarted", "order-000123", "\"version\":1");
        step("StepStarted", "order-000123", "A");
        step("StepCompleted", "order-000123", "A");
        step("StepStarted", "order-000123", "B");
        step("StepStarted", "order-000123", "C");
        step("StepCompleted", "order-000123", "B");
        assertThat(feed.waitingOnC()).isEqualTo(1);
        assertThat(feed.summaryLine())
                .isEqualTo("summary: started 1, completed ok 0, failed+compensated 0, waiting on C 1");
        feed.serviceCWindowChanged(true);
        step("StepCompleted", "order-000123", "C");
        step("StepStarted", "order-000123", "D");
        status(
                "StepFailed",
                "order-000123",
                "\"stepId\":\"D\",\"commandId\":\"x\",\"error\":{\"stepId\":\"D\","
                        + "\"type\":\"MailboxRejected\",\"message\":\"customer mailbox rejected the message\"}");
        status(
                "InstanceFailing",
                "order-000123",
                "\"outcome\":\"FAILED\",\"failure\":{\"stepId\":\"D\","
                        + "\"type\":\"MailboxRejected\",\"message\":\"customer mailbox rejected the message\"}");
        step("CompensationStarted", "order-000123", "C");
        step("CompensationStarted", "order-000123", "B");
        step("CompensationCompleted", "order-000123", "C");
        step("CompensationCompleted", "order-000123", "B");
        step("CompensationStarted", "order-000123", "A");
        step("CompensationCompleted", "order-000123", "A");
        status("InstanceCompleted", "order-000123", "\"outcome\":\"FAILED\"");

        assertThat(lines)
                .containsExactly(
                        "service C offline (batch window closed)",
                        "order-000123  started",
                        "order-000123  waiting on C (service-c offline)",
                        "service C online: catching up on 1 command",
                        "order-000123  FAILED at D (MailboxRejected: customer mailbox rejected the message) → compensating C, B, A",
                        "order-000123  completed: process completed, item FAILED, compensated [C, B, A]");
        assertThat(feed.summaryLine())
                .isEqualTo("summary: started 1, completed ok 0, failed+compensated 1, waiting on C 0");
        assertThat(feed.failedCompensated()).isEqualTo(1);
    }

    @Test
    void theSuccessStoryWhileCIsOnlineIsShort() {
        status("InstanceStarted", "order-000001", "\"version\":1");
        for (String s : List.of("A", "B", "C", "D")) {
            step("StepStarted", "order-000001", s);
            step("StepCompleted", "order-000001", s);
        }
        status("InstanceCompleted", "order-000001", "\"outcome\":\"SUCCEEDED\"");
        assertThat(lines).containsExactly("order-000001  started", "order-000001  completed: SUCCEEDED");
        assertThat(feed.completedOk()).isEqualTo(1);
        assertThat(feed.started()).isEqualTo(1);
    }

    @Test
    void compensationsAreListedLastDoneFirst() {
        status("InstanceStarted", "order-000002", "\"version\":1");
        step("StepCompleted", "order-000002", "A");
        step("StepCompleted", "order-000002", "C");
        step("StepCompleted", "order-000002", "B");
        status(
                "InstanceFailing",
                "order-000002",
                "\"outcome\":\"FAILED\",\"failure\":{\"stepId\":\"D\",\"type\":\"Timeout\",\"message\":\"no outcome in time\"}");
        assertThat(lines)
                .last()
                .isEqualTo("order-000002  FAILED at D (Timeout: no outcome in time) → compensating B, C, A");
    }

    @Test
    void catchingUpCountsStartedCommandsForC() {
        feed.serviceCWindowChanged(false);
        for (int i = 1; i <= 3; i++) {
            status("InstanceStarted", "o" + i, "");
            step("StepStarted", "o" + i, "C");
        }
        step("CompensationStarted", "o9", "C");
        feed.serviceCWindowChanged(true);
        assertThat(lines).last().isEqualTo("service C online: catching up on 4 commands");
        assertThat(feed.waitingOnC()).isEqualTo(3);
    }

    @Test
    void otherLinesAndThingsToIgnore() {
        status("RequestIgnored", "order-000001", "\"request\":\"start\",\"reason\":\"duplicate start request\"");
        step("OutcomeIgnored", "order-000001", "B");
        status("IncidentRaised", "order-000001", "\"stepId\":\"B\",\"reason\":\"compensation failed\"");
        status(
                "CompensationFailed",
                "order-000001",
                "\"stepId\":\"B\",\"error\":{\"type\":\"Boom\",\"message\":\"refund failed\"}");
        status(
                "InstanceFailing",
                "order-000004",
                "\"outcome\":\"CANCELLED\",\"failure\":{\"type\":\"Cancelled\",\"message\":\"by operator\"}");
        status("InstanceCompleted", "order-000004", "\"outcome\":\"CANCELLED\"");
        int shown = lines.size();
        status("SomethingNew", "order-000001", "");
        feed.accept("{\"type\":\"InstanceStarted\",\"workflow\":\"other\",\"instanceId\":\"x\"}");
        feed.accept("not json");
        feed.accept("[1,2]");

        assertThat(lines)
                .hasSize(shown)
                .containsExactly(
                        "order-000001  request ignored: duplicate start request",
                        "order-000001  outcome of B ignored (?)",
                        "order-000001  INCIDENT at B: compensation failed",
                        "order-000001  compensation of B FAILED (Boom: refund failed)",
                        "order-000004  CANCELLED → nothing to compensate",
                        "order-000004  completed: process completed, item CANCELLED, compensated []");
        assertThat(feed.summaryLine())
                .isEqualTo(
                        "summary: started 0, completed ok 0, failed+compensated 0, waiting on C 0, cancelled 1, incidents 1");
    }

    @Test
    void aFeedForAllWorkflowsShowsThemAll() {
        StatusFeed all = new StatusFeed("localhost:1", null, lines::add);
        all.accept("{\"type\":\"InstanceStarted\",\"workflow\":\"other\",\"instanceId\":\"x\"}");
        assertThat(lines).containsExactly("x  started");
    }
}
