package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.Condition;
import dev.baton.definition.Repeat;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.FireWake;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Notification.IgnoredBecause;
import dev.baton.engine.Notification.StepRoundCompleted;
import dev.baton.engine.Notification.StepStarted;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.TimerRequest.CancelWake;
import dev.baton.engine.TimerRequest.ScheduleTimeout;
import dev.baton.engine.TimerRequest.ScheduleWake;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Loops in the article's story: after A takes the order, D's shipping service is asked for the parcel's status until
 * it says {@code shipped}, at most a few times, then the customer is told.
 */
class LoopStoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Map<String, Object> PACKING = Map.of("status", "packing");
    private static final Map<String, Object> SHIPPED = Map.of("status", "shipped");

    /** A, then {@code track} (D's status) until shipped, at most {@code max} rounds, then {@code notify}. */
    static WorkflowDefinition tracking(int max, Duration delay) {
        return WorkflowDefinition.builder("tracking")
                .version(1)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step(
                        "track",
                        s -> s.topic("service-d.status")
                                .after("A")
                                .timeout(Duration.ofMinutes(1))
                                .repeat(new Repeat(
                                        Condition.parse("$.steps.track.output.status == 'shipped'"), max, delay)))
                .step("notify", s -> s.topic("notify.commands").after("track"))
                .build();
    }

    private static EngineStory wakes(EngineStory story, String stepId) {
        StepExecution step = story.instance().step(stepId);
        return story.feed(new FireWake(story.instance().instanceId(), stepId, step.commandId(), story.now()));
    }

    private static List<String> trackCommandIds(EngineStory story) {
        return story.commandsSoFar().stream()
                .filter(c -> c.stepId().equals("track"))
                .map(StepCommand::commandId)
                .toList();
    }

    @Test
    void shouldRunRoundAfterRoundUntilTheConditionHolds() {
        var story = given(tracking(5, null)).started("o-1").stepSucceeded("A");
        assertThat(story.instance().step("track").round()).isEqualTo(1);
        story.when()
                .stepSucceeded("track", PACKING)
                .then()
                .expectCommands("execute track")
                .expectStep("track", StepState.RUNNING)
                .expectNotified(StepRoundCompleted.class)
                .expectNotified(StepStarted.class);
        assertThat(story.instance().step("track").round()).isEqualTo(2);
        story.when()
                .stepSucceeded("track", SHIPPED)
                .then()
                .expectStep("track", StepState.SUCCEEDED)
                .expectCommands("execute notify")
                .expectNotNotified(StepRoundCompleted.class);
        assertThat(story.instance().step("track").output()).isEqualTo(SHIPPED);
        assertThat(trackCommandIds(story)).containsExactly("o-1/track/1", "o-1/track/2");
        story.stepSucceeded("notify");
        assertThat(story.result().output())
                .isEqualTo(Map.of("A", Map.of("by", "A"), "track", SHIPPED, "notify", Map.of("by", "notify")));
    }

    @Test
    void shouldTellEachRoundInTheTimeline() {
        var story = given(tracking(5, null)).started("o-2").stepSucceeded("A").when();
        story.stepSucceeded("track", PACKING).stepSucceeded("track", PACKING).stepSucceeded("track", SHIPPED);
        List<StepRoundCompleted> rounds = story.recentNotifications().stream()
                .filter(StepRoundCompleted.class::isInstance)
                .map(StepRoundCompleted.class::cast)
                .toList();
        assertThat(rounds).extracting(StepRoundCompleted::round).containsExactly(1, 2);
        assertThat(rounds).extracting(StepRoundCompleted::commandId).containsExactly("o-2/track/1", "o-2/track/2");
        assertThat(story.instance().step("track").round()).isEqualTo(3);
    }

    @Test
    void shouldFailAsExhaustedWhenTheLastRoundEndsWithoutTheCondition() {
        var story = given(tracking(2, null)).started("o-3").stepSucceeded("A").stepSucceeded("track", PACKING);
        story.when()
                .stepSucceeded("track", PACKING)
                .then()
                .expectStep("track", StepState.FAILED)
                .expectStepError("track", ErrorTypes.REPEAT_EXHAUSTED)
                .expectCommands("compensate A")
                .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED);
        assertThat(story.instance().step("track").error().message())
                .isEqualTo("'$.steps.track.output.status == 'shipped'' did not hold after 2 rounds");
        assertThat(story.instance().step("track").output()).isEqualTo(PACKING);
    }

    @Test
    void shouldFailTheStepWhenARoundFails() {
        given(tracking(5, null))
                .started("o-4")
                .stepSucceeded("A")
                .stepSucceeded("track", PACKING)
                .when()
                .stepFailed("track", "TrackingDown")
                .then()
                .expectStep("track", StepState.FAILED)
                .expectStepError("track", "TrackingDown")
                .expectCommands("compensate A");
    }

    @Test
    void shouldIgnoreALateOutcomeOfAnEarlierRound() {
        var story = given(tracking(5, null)).started("o-5").stepSucceeded("A").stepSucceeded("track", PACKING);
        Instance inRoundTwo = story.instance();
        story.when()
                .feed(ReportOutcome.success("o-5", "track", "o-5/track/1", SHIPPED, story.now()))
                .then()
                .expectIgnored(IgnoredBecause.STALE)
                .expectNoCommands()
                .expectStep("track", StepState.RUNNING);
        assertThat(story.instance()).isEqualTo(inRoundTwo);
    }

    @Test
    void shouldWaitTheDelayBetweenRoundsOnAWakeTimer() {
        var story = given(tracking(5, Duration.ofMinutes(5))).started("o-6").stepSucceeded("A");
        story.when().stepSucceeded("track", PACKING).then().expectNoCommands().expectStep("track", StepState.RUNNING);
        assertThat(story.recentTimers())
                .contains(new ScheduleWake("o-6", "track", "o-6/track/1", T0.plus(Duration.ofMinutes(5))));
        assertThat(story.instance().step("track").dueAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(story.instance().step("track").output()).isEqualTo(PACKING);
        story.afterWaiting(Duration.ofMinutes(5)).when();
        wakes(story, "track").then().expectCommands("execute track").expectTimers(ScheduleTimeout.class, 1);
        assertThat(story.instance().step("track").round()).isEqualTo(2);
        assertThat(story.instance().step("track").commandId()).isEqualTo("o-6/track/2");
    }

    @Test
    void shouldIgnoreADuplicateOfTheRoundsOutcomeAndOfItsWakeWhileWaiting() {
        var story = given(tracking(5, Duration.ofMinutes(5)))
                .started("o-7")
                .stepSucceeded("A")
                .stepSucceeded("track", PACKING);
        Instance waiting = story.instance();
        story.when()
                .feed(ReportOutcome.success("o-7", "track", "o-7/track/1", SHIPPED, story.now()))
                .then()
                .expectIgnored(IgnoredBecause.DUPLICATE)
                .expectNoCommands();
        assertThat(story.instance()).isEqualTo(waiting);
        story.afterWaiting(Duration.ofMinutes(5));
        wakes(story, "track");
        Instance roundTwo = story.instance();
        story.when()
                .feed(new FireWake("o-7", "track", "o-7/track/1", story.now()))
                .then()
                .expectStateUnchanged();
        assertThat(story.instance()).isEqualTo(roundTwo);
        // A timeout of the first round that fires late changes nothing either.
        story.when()
                .feed(new Inbound.FireTimeout("o-7", "track", "o-7/track/1", story.now()))
                .then()
                .expectStateUnchanged();
        assertThat(story.instance()).isEqualTo(roundTwo);
    }

    @Test
    void shouldStopWaitingForTheNextRoundWhenCancelled() {
        var story = given(tracking(5, Duration.ofMinutes(5)))
                .started("o-8")
                .stepSucceeded("A")
                .stepSucceeded("track", PACKING);
        story.when().cancelled().then().expectStep("track", StepState.ABANDONED).expectCommands("compensate A");
        assertThat(story.recentTimers())
                .containsExactly(new CancelWake("o-8", "track", "o-8/track/1", T0.plus(Duration.ofMinutes(5))));
    }

    @Test
    void shouldHoldARoundThatComesDueWhilePausedUntilResumed() {
        var story = given(tracking(5, Duration.ofMinutes(5)))
                .started("o-9")
                .stepSucceeded("A")
                .stepSucceeded("track", PACKING)
                .paused()
                .afterWaiting(Duration.ofMinutes(5))
                .when();
        wakes(story, "track").then().expectNoCommands();
        story.when().resumed().then().expectCommands("execute track");
        assertThat(story.instance().step("track").round()).isEqualTo(2);
    }

    @Test
    void shouldHoldARoundWithoutDelayWhilePaused() {
        var story = given(tracking(5, null)).started("o-10").stepSucceeded("A").paused();
        story.when().stepSucceeded("track", PACKING).then().expectNoCommands();
        story.when().resumed().then().expectCommands("execute track");
    }

    @Test
    void shouldTimeOutARoundThatGetsNoAnswer() {
        var story = given(tracking(5, null))
                .started("o-11")
                .stepSucceeded("A")
                .stepSucceeded("track", PACKING)
                .afterWaiting(Duration.ofMinutes(1));
        story.when()
                .timeoutFires("track")
                .then()
                .expectStep("track", StepState.TIMED_OUT)
                .expectCommands("compensate A");
    }

    @Test
    void shouldStartAgainFromRoundOneWhenAnOperatorRetriesAnExhaustedLoop() {
        WorkflowDefinition waitOnFailure = WorkflowDefinition.builder("tracking")
                .version(1)
                .step(
                        "track",
                        s -> s.topic("service-d.status")
                                .onFailure(dev.baton.definition.FailurePolicy.WAIT)
                                .repeat(new Repeat(
                                        Condition.parse("$.steps.track.output.status == 'shipped'"), 2, null)))
                .build();
        var story = given(waitOnFailure)
                .started("o-12")
                .stepSucceeded("track", PACKING)
                .stepSucceeded("track", PACKING)
                .then()
                .expectState(ProcessStatus.INCIDENT, null);
        story.when().retried("track").then().expectCommands("execute track");
        assertThat(story.instance().step("track").round()).isEqualTo(1);
        assertThat(story.instance().step("track").commandId()).isEqualTo("o-12/track/3");
        story.when().stepSucceeded("track", SHIPPED).then().expectResult(Outcome.SUCCEEDED);
    }

    @Test
    void shouldRefuseToMoveALoopBetweenRoundsToAVersionThatDoesNotRepeatIt() {
        WorkflowDefinition once = WorkflowDefinition.builder("tracking")
                .version(2)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("track", s -> s.topic("service-d.status").after("A"))
                .step("notify", s -> s.topic("notify.commands").after("track"))
                .build();
        var story = given(tracking(5, Duration.ofMinutes(5)))
                .started("o-13")
                .stepSucceeded("A")
                .stepSucceeded("track", PACKING);
        story.when()
                .migratedTo(once, Map.of())
                .then()
                .expectRequestIgnored("step 'track' waits for its next round; version 2 does not repeat it");
        assertThat(story.instance().version()).isEqualTo(1);
    }
}
