package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.Inbound.DeliverSignal;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.TimerRequest.ScheduleTimeout;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A signal that arrives while its step still waits for the steps before it is kept, and taken when the step starts. */
class EarlySignalStoryTest {
    private static final RuntimeFacts KEEP_AN_HOUR = RuntimeFacts.NONE.withSignalBuffer(Duration.ofHours(1), 2);

    private static EngineStory refund(String id) {
        return given(Workflows.refundWithApproval()).withFacts(KEEP_AN_HOUR).started(id);
    }

    private static DeliverSignal approved(EngineStory story, String by) {
        return new DeliverSignal(story.instance().instanceId(), "approved", Map.of("by", by), story.now());
    }

    @Test
    void shouldKeepASignalThatArrivesBeforeItsStepWaits() {
        var story = refund("r-1");
        story.when().feed(approved(story, "ana")).then().expectNotNotified(RequestIgnored.class);
        assertThat(story.instance().bufferedSignals())
                .extracting(BufferedSignal::name, BufferedSignal::payload)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("approved", Map.of("by", "ana")));
        assertThat(story.instance().step("approval").state()).isEqualTo(StepState.PENDING);
    }

    @Test
    void shouldTakeTheKeptSignalWhenTheStepStartsAndGoOn() {
        var story = refund("r-2");
        story.feed(approved(story, "ana"));
        story.when()
                .stepSucceeded("check")
                .then()
                .expectStep("approval", StepState.SUCCEEDED)
                .expectCommands("execute pay")
                .expectTimers(ScheduleTimeout.class, 0);
        assertThat(story.instance().bufferedSignals()).isEmpty();
        assertThat(story.commandsSoFar().get(story.commandsSoFar().size() - 1).input())
                .isEqualTo(Map.of("approvedBy", "ana"));
    }

    @Test
    void shouldTakeTheOldestKeptSignalFirstAndEachOnlyOnce() {
        var story = refund("r-3");
        story.feed(approved(story, "ana")).afterWaiting(Duration.ofMinutes(1));
        story.feed(approved(story, "bo"));
        story.stepSucceeded("check");
        assertThat(story.instance().step("approval").output()).isEqualTo(Map.of("by", "ana"));
        assertThat(story.instance().bufferedSignals())
                .extracting(BufferedSignal::payload)
                .containsExactly(Map.of("by", "bo"));
    }

    @Test
    void shouldNotTakeASignalKeptLongerThanTheBufferTime() {
        var story = refund("r-4");
        story.feed(approved(story, "ana")).afterWaiting(Duration.ofMinutes(61));
        story.when()
                .stepSucceeded("check")
                .then()
                .expectStep("approval", StepState.RUNNING)
                .expectNoCommands();
        assertThat(story.instance().bufferedSignals()).isEmpty();
    }

    @Test
    void shouldKeepNoMoreSignalsThanTheLimit() {
        var story = refund("r-5");
        story.feed(approved(story, "ana")).feed(approved(story, "bo"));
        story.when().feed(approved(story, "cy")).then().expectNotified(RequestIgnored.class);
        assertThat(story.instance().bufferedSignals())
                .extracting(BufferedSignal::payload)
                .containsExactly(Map.of("by", "ana"), Map.of("by", "bo"));
    }

    @Test
    void shouldIgnoreASignalNoStepWillWaitFor() {
        var story = refund("r-6");
        Instance before = story.instance();
        story.when()
                .feed(new DeliverSignal("r-6", "rejected", Map.of(), story.now()))
                .then()
                .expectNotified(RequestIgnored.class);
        assertThat(story.instance()).isEqualTo(before);
        story.stepSucceeded("check").feed(approved(story, "ana")).stepSucceeded("pay");
        story.when().feed(approved(story, "bo")).then().expectNotified(RequestIgnored.class);
        assertThat(story.instance().bufferedSignals()).isEmpty();
    }

    @Test
    void shouldDropSignalsWithoutABufferAsBefore() {
        var story = given(Workflows.refundWithApproval()).started("r-7");
        story.when().feed(approved(story, "ana")).then().expectNotified(RequestIgnored.class);
        assertThat(story.instance().bufferedSignals()).isEmpty();
    }
}
