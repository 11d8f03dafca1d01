package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.Inbound.DeliverSignal;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.TimerRequest.CancelTimeout;
import dev.baton.engine.TimerRequest.ScheduleTimeout;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Steps that wait for an external signal instead of commanding a worker. */
class SignalStoryTest {

    @Test
    void shouldWaitWithoutCommandingAnyoneUntilTheSignalArrives() {
        given(Workflows.refundWithApproval())
                .started("r-1")
                .when()
                .stepSucceeded("check")
                .then()
                .expectNoCommands()
                .expectStep("approval", StepState.RUNNING)
                .expectTimers(ScheduleTimeout.class, 1)
                .when()
                .feed(new DeliverSignal("r-1", "approved", Map.of("by", "ana"), Instant.EPOCH))
                .then()
                .expectCommands("execute pay")
                .expectStep("approval", StepState.SUCCEEDED)
                .expectTimers(CancelTimeout.class, 1);
    }

    @Test
    void shouldPassTheSignalsPayloadOnAsTheStepsOutput() {
        var story = given(Workflows.refundWithApproval())
                .started("r-2")
                .stepSucceeded("check")
                .feed(new DeliverSignal("r-2", "approved", Map.of("by", "ana"), Instant.EPOCH));
        var pay = story.commandsSoFar().get(story.commandsSoFar().size() - 1);
        assertThat(pay.input()).isEqualTo(Map.of("approvedBy", "ana"));
    }

    @Test
    void shouldIgnoreASignalNoStepWaitsFor() {
        var story = given(Workflows.refundWithApproval()).started("r-3");
        Instance before = story.instance();
        story.when()
                .feed(new DeliverSignal("r-3", "approved", Map.of(), Instant.EPOCH))
                .then()
                .expectNotified(RequestIgnored.class)
                .expectNoCommands();
        assertThat(story.instance()).isEqualTo(before);
        story.when()
                .stepSucceeded("check")
                .feed(new DeliverSignal("r-3", "rejected", Map.of(), Instant.EPOCH))
                .then()
                .expectNotified(RequestIgnored.class)
                .expectStep("approval", StepState.RUNNING);
    }

    @Test
    void shouldFailAndUndoTheCheckWhenNoSignalComesInTime() {
        given(Workflows.refundWithApproval())
                .started("r-4")
                .stepSucceeded("check")
                .afterWaiting(Duration.ofHours(24))
                .when()
                .timeoutFires("approval")
                .then()
                .expectStep("approval", StepState.TIMED_OUT)
                .expectCommands("compensate check")
                .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED);
    }
}
