package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.Deadline;
import dev.baton.definition.Sleep;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.FireDeadline;
import dev.baton.engine.Inbound.FireStart;
import dev.baton.engine.Inbound.FireWake;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Notification.InstanceScheduled;
import dev.baton.engine.Notification.InstanceStarted;
import dev.baton.engine.Notification.StepSleeping;
import dev.baton.engine.TimerRequest.CancelDeadline;
import dev.baton.engine.TimerRequest.CancelStart;
import dev.baton.engine.TimerRequest.CancelWake;
import dev.baton.engine.TimerRequest.ScheduleDeadline;
import dev.baton.engine.TimerRequest.ScheduleStart;
import dev.baton.engine.TimerRequest.ScheduleWake;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Time in the article's story: service C's nightly batch only takes work after 02:00, so the order sleeps until then;
 * a whole order must be done within a day; an order can be placed now to start later.
 */
class TimeStoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A, then a ten-minute sleep, then B. */
    static WorkflowDefinition napThenB() {
        return WorkflowDefinition.builder("nap")
                .version(1)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("nap", s -> s.after("A").sleep(Sleep.lasting(Duration.ofMinutes(10))))
                .step("B", s -> s.topic("service-b.commands").after("nap"))
                .build();
    }

    /** A, then a sleep until the request's {@code batchAt}, then C, which runs in the nightly batch. */
    static WorkflowDefinition nightlyBatch() {
        return WorkflowDefinition.builder("nightly")
                .version(1)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("untilBatch", s -> s.after("A").sleep(Sleep.until("$.request.batchAt")))
                .step("C", s -> s.topic("service-c.commands").after("untilBatch"))
                .build();
    }

    /** A, then B and a sleep in parallel, then D. */
    static WorkflowDefinition sleepBesideB() {
        return WorkflowDefinition.builder("beside")
                .version(1)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("B", s -> s.topic("service-b.commands").after("A"))
                .step("nap", s -> s.after("A").sleep(Sleep.lasting(Duration.ofHours(1))))
                .step("D", s -> s.topic("service-d.commands").after("B", "nap"))
                .build();
    }

    /** The article's A, B, C, D with a deadline on the whole order. */
    static WorkflowDefinition articleWithDeadline(Deadline.Action then) {
        return WorkflowDefinition.builder("article")
                .version(1)
                .deadline(new Deadline(Duration.ofHours(24), then))
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("B", s -> s.topic("service-b.commands").after("A").compensate("service-b.commands"))
                .step("C", s -> s.topic("service-c.commands").after("A").compensate("service-c.commands"))
                .step("D", s -> s.topic("service-d.commands").after("B", "C"))
                .build();
    }

    private static EngineStory wakes(EngineStory story, String stepId) {
        StepExecution step = story.instance().step(stepId);
        return story.feed(new FireWake(story.instance().instanceId(), stepId, step.commandId(), story.now()));
    }

    // --- sleep ------------------------------------------------------------------------------------------------------

    @Test
    void shouldSleepWithoutCommandingAnyoneAndGoOnWhenItWakes() {
        var story = given(napThenB()).started("o-1").when().stepSucceeded("A");
        story.then()
                .expectNoCommands()
                .expectStep("nap", StepState.RUNNING)
                .expectNotified(StepSleeping.class)
                .expectTimers(ScheduleWake.class, 1);
        assertThat(story.instance().step("nap").dueAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        story.afterWaiting(Duration.ofMinutes(10)).when();
        wakes(story, "nap").then().expectStep("nap", StepState.SUCCEEDED).expectCommands("execute B");
        assertThat(story.instance().step("nap").output()).isEqualTo(Map.of("sleptUntil", "2026-01-01T00:10:00Z"));
        assertThat(story.instance().step("nap").dueAt()).isNull();
    }

    @Test
    void shouldIgnoreADuplicateWakeAndOneForAnotherCommand() {
        var story = given(napThenB()).started("o-2").stepSucceeded("A");
        String napCommand = story.instance().step("nap").commandId();
        story.when()
                .feed(new FireWake("o-2", "nap", "o-2/nap/7", story.now()))
                .then()
                .expectStateUnchanged()
                .expectStep("nap", StepState.RUNNING);
        wakes(story, "nap");
        Instance afterWake = story.instance();
        story.when()
                .feed(new FireWake("o-2", "nap", napCommand, story.now()))
                .then()
                .expectStateUnchanged()
                .expectNoCommands();
        assertThat(story.instance()).isEqualTo(afterWake);
    }

    @Test
    void shouldSleepUntilTheTimeTheRequestNames() {
        var story = given(nightlyBatch())
                .started("o-3", Map.of("batchAt", "2026-01-01T02:00:00+00:00"))
                .when()
                .stepSucceeded("A");
        story.then().expectNoCommands().expectStep("untilBatch", StepState.RUNNING);
        assertThat(story.recentTimers())
                .containsExactly(new ScheduleWake(
                        "o-3", "untilBatch", "o-3/untilBatch/1", Instant.parse("2026-01-01T02:00:00Z")));
        story.afterWaiting(Duration.ofHours(2)).when();
        wakes(story, "untilBatch").then().expectCommands("execute C");
    }

    @Test
    void shouldGoOnAtOnceWhenTheWakeTimeHasPassed() {
        given(nightlyBatch())
                .started("o-4", Map.of("batchAt", "2025-12-31T02:00:00Z"))
                .when()
                .stepSucceeded("A")
                .then()
                .expectStep("untilBatch", StepState.SUCCEEDED)
                .expectCommands("execute C")
                .expectTimers(ScheduleWake.class, 0);
    }

    @Test
    void shouldFailTheStepAndUndoAWhenTheWakeTimeIsNoInstant() {
        var story = given(nightlyBatch())
                .started("o-5", Map.of("batchAt", "tonight"))
                .when()
                .stepSucceeded("A");
        story.then()
                .expectStep("untilBatch", StepState.FAILED)
                .expectStepError("untilBatch", ErrorTypes.WAKE_TIME_UNREADABLE)
                .expectCommands("compensate A")
                .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED);
        assertThat(story.instance().step("untilBatch").error().message())
                .isEqualTo("the wake time at $.request.batchAt is 'tonight', not an ISO-8601 instant such as "
                        + "2026-06-01T02:00:00Z");
    }

    @Test
    void shouldFailTheStepWhenTheWakeTimeIsMissing() {
        given(nightlyBatch())
                .started("o-6", Map.of())
                .when()
                .stepSucceeded("A")
                .then()
                .expectStepError("untilBatch", ErrorTypes.WAKE_TIME_UNREADABLE)
                .expectCommands("compensate A");
    }

    @Test
    void shouldStopSleepingWhenCancelledAndIgnoreTheLateWake() {
        var story = given(napThenB()).started("o-7").stepSucceeded("A");
        StepExecution napping = story.instance().step("nap");
        story.when().cancelled().then().expectStep("nap", StepState.ABANDONED).expectCommands("compensate A");
        assertThat(story.recentTimers())
                .containsExactly(new CancelWake("o-7", "nap", napping.commandId(), napping.dueAt()));
        story.compensationSucceeded("A").then().expectState(ProcessStatus.COMPLETED, Outcome.CANCELLED);
        Instance done = story.instance();
        story.when()
                .feed(new FireWake("o-7", "nap", napping.commandId(), story.now()))
                .then()
                .expectStateUnchanged()
                .expectNoResult();
        assertThat(story.instance()).isEqualTo(done);
    }

    @Test
    void shouldStopSleepingWhenABranchBesideItFails() {
        given(sleepBesideB())
                .started("o-8")
                .stepSucceeded("A")
                .when()
                .stepFailed("B", "OutOfStock")
                .then()
                .expectStep("nap", StepState.ABANDONED)
                .expectCommands("compensate A")
                .expectTimers(CancelWake.class, 1);
    }

    @Test
    void shouldWakeWhilePausedButGoOnOnlyWhenResumed() {
        var story = given(napThenB()).started("o-9").stepSucceeded("A").paused();
        story.afterWaiting(Duration.ofMinutes(10)).when();
        wakes(story, "nap").then().expectStep("nap", StepState.SUCCEEDED).expectNoCommands();
        story.when().resumed().then().expectCommands("execute B");
    }

    @Test
    void shouldStopTheWakeTimerWhenAnOperatorCompletesTheSleep() {
        var story = given(napThenB()).started("o-10").stepSucceeded("A");
        story.when()
                .completedByHand("nap", Map.of())
                .then()
                .expectStep("nap", StepState.SUCCEEDED)
                .expectCommands("execute B")
                .expectTimers(CancelWake.class, 1);
    }

    // --- delayed start ----------------------------------------------------------------------------------------------

    private static EngineStory startedAt(WorkflowDefinition definition, String id, Instant startAt) {
        return given(definition)
                .feed(new StartInstance(id, null, null, Map.of(), null, null, startAt, null, T0))
                .then();
    }

    @Test
    void shouldRecordADelayedStartAtOnceAndStartItsStepsWhenItsTimeComes() {
        Instant inAnHour = T0.plus(Duration.ofHours(1));
        var story = startedAt(Workflows.article(), "o-20", inAnHour);
        story.expectNoCommands()
                .expectState(ProcessStatus.RUNNING, null)
                .expectStep("A", StepState.PENDING)
                .expectNotified(InstanceScheduled.class)
                .expectNotNotified(InstanceStarted.class);
        assertThat(story.instance().startsAt()).isEqualTo(inAnHour);
        assertThat(story.recentTimers()).containsExactly(new ScheduleStart("o-20", inAnHour));
        story.afterWaiting(Duration.ofHours(1))
                .when()
                .feed(new FireStart("o-20", inAnHour))
                .then()
                .expectCommands("execute A")
                .expectNotified(InstanceStarted.class);
        assertThat(story.instance().startsAt()).isNull();
        story.when()
                .feed(new FireStart("o-20", inAnHour))
                .then()
                .expectStateUnchanged()
                .expectNoCommands();
    }

    @Test
    void shouldStartAtOnceWhenTheStartTimeHasPassed() {
        startedAt(Workflows.article(), "o-21", T0.minusSeconds(5))
                .expectCommands("execute A")
                .expectNotified(InstanceStarted.class)
                .expectTimers(ScheduleStart.class, 0);
    }

    @Test
    void shouldCancelADelayedStartBeforeItStarts() {
        Instant later = T0.plus(Duration.ofHours(1));
        var story = startedAt(Workflows.article(), "o-22", later)
                .when()
                .cancelled()
                .then()
                .expectState(ProcessStatus.COMPLETED, Outcome.CANCELLED)
                .expectResult(Outcome.CANCELLED)
                .expectNoCommands();
        assertThat(story.recentTimers()).containsExactly(new CancelStart("o-22", later));
        story.when()
                .feed(new FireStart("o-22", later))
                .then()
                .expectStateUnchanged()
                .expectNoCommands();
    }

    @Test
    void shouldHoldADelayedStartThatComesDueWhilePaused() {
        Instant later = T0.plus(Duration.ofHours(1));
        startedAt(Workflows.article(), "o-23", later)
                .paused()
                .when()
                .feed(new FireStart("o-23", later))
                .then()
                .expectNoCommands()
                .when()
                .resumed()
                .then()
                .expectCommands("execute A");
    }

    // --- deadline ---------------------------------------------------------------------------------------------------

    @Test
    void shouldFailAnOrderStillRunningAtItsDeadlineAndUndoWhatWasDone() {
        var story = given(articleWithDeadline(Deadline.Action.FAIL)).started("o-30");
        Instant deadline = T0.plus(Duration.ofHours(24));
        assertThat(story.recentTimers()).contains(new ScheduleDeadline("o-30", deadline));
        assertThat(story.instance().deadlineAt()).isEqualTo(deadline);
        story.stepSucceeded("A").stepSucceeded("B"); // C's worker never answers
        story.afterWaiting(Duration.ofHours(24))
                .when()
                .feed(new FireDeadline("o-30", story.now()))
                .then()
                .expectStep("C", StepState.ABANDONED)
                .expectCommands("compensate B")
                .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED);
        assertThat(story.instance().failure().type()).isEqualTo(ErrorTypes.DEADLINE_EXCEEDED);
        story.when()
                .compensationSucceeded("B")
                .then()
                .expectCommands("compensate A")
                .when()
                .compensationSucceeded("A")
                .then()
                .expectResult(Outcome.FAILED);
        // C's worker answers after all: its late work is undone too.
        story.when().stepSucceeded("C").then().expectCommands("compensate C");
    }

    @Test
    void shouldCancelAnOrderStillRunningAtItsDeadlineWhenToldTo() {
        var story = given(articleWithDeadline(Deadline.Action.CANCEL))
                .started("o-31")
                .stepSucceeded("A")
                .afterWaiting(Duration.ofHours(24));
        story.when()
                .feed(new FireDeadline("o-31", story.now()))
                .then()
                .expectState(ProcessStatus.COMPENSATING, Outcome.CANCELLED)
                .expectStep("B", StepState.ABANDONED)
                .expectStep("C", StepState.ABANDONED)
                .expectCommands("compensate A");
    }

    @Test
    void shouldLetAFinishedOrderIgnoreItsDeadline() {
        var story = given(articleWithDeadline(Deadline.Action.FAIL))
                .started("o-32")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .when()
                .stepSucceeded("D")
                .then()
                .expectResult(Outcome.SUCCEEDED);
        assertThat(story.recentTimers()).contains(new CancelDeadline("o-32", T0.plus(Duration.ofHours(24))));
        Instance done = story.instance();
        story.afterWaiting(Duration.ofHours(24))
                .when()
                .feed(new FireDeadline("o-32", story.now()))
                .then()
                .expectStateUnchanged()
                .expectNoResult();
        assertThat(story.instance()).isEqualTo(done);
    }

    @Test
    void shouldTakeADeadlineOnceWhenItFiresTwice() {
        var story = given(articleWithDeadline(Deadline.Action.FAIL))
                .started("o-33")
                .stepSucceeded("A")
                .afterWaiting(Duration.ofHours(24));
        story.feed(new FireDeadline("o-33", story.now()));
        Instance once = story.instance();
        story.when().feed(new FireDeadline("o-33", story.now())).then().expectStateUnchanged();
        assertThat(story.instance()).isEqualTo(once);
    }

    @Test
    void shouldIgnoreADeadlineThatFiresEarly() {
        var story = given(articleWithDeadline(Deadline.Action.FAIL)).started("o-34");
        story.when()
                .feed(new FireDeadline("o-34", story.now().plus(Duration.ofHours(1))))
                .then()
                .expectStateUnchanged()
                .expectState(ProcessStatus.RUNNING, null);
    }

    @Test
    void shouldCountTheDeadlineFromADelayedStart() {
        Instant later = T0.plus(Duration.ofHours(3));
        var story = startedAt(articleWithDeadline(Deadline.Action.FAIL), "o-35", later);
        assertThat(story.recentTimers()).contains(new ScheduleDeadline("o-35", later.plus(Duration.ofHours(24))));
        assertThat(story.instance().deadlineAt()).isEqualTo(later.plus(Duration.ofHours(24)));
    }

    @Test
    void shouldTakeTheRequestsOwnDeadlineInsteadOfTheWorkflows() {
        var story = given(articleWithDeadline(Deadline.Action.CANCEL))
                .feed(new StartInstance("o-37", null, null, Map.of(), null, null, null, Duration.ofHours(2), T0));
        assertThat(story.instance().deadlineAt()).isEqualTo(T0.plus(Duration.ofHours(2)));
        story.stepSucceeded("A").afterWaiting(Duration.ofHours(2));
        story.when()
                .feed(new FireDeadline("o-37", story.now()))
                .then()
                .expectState(ProcessStatus.COMPENSATING, Outcome.CANCELLED)
                .expectCommands("compensate A");
    }

    @Test
    void shouldFailAtTheRequestsDeadlineAWorkflowThatHasNone() {
        var story = given(Workflows.article())
                .feed(new StartInstance("o-38", null, null, Map.of(), null, null, null, Duration.ofMinutes(30), T0));
        assertThat(story.recentTimers()).contains(new ScheduleDeadline("o-38", T0.plus(Duration.ofMinutes(30))));
        story.afterWaiting(Duration.ofMinutes(30))
                .when()
                .feed(new FireDeadline("o-38", story.now()))
                .then()
                .expectState(ProcessStatus.COMPLETED, Outcome.FAILED)
                .expectStep("A", StepState.ABANDONED)
                .expectResult(Outcome.FAILED);
        assertThat(story.instance().failure().type()).isEqualTo(ErrorTypes.DEADLINE_EXCEEDED);
        assertThat(story.instance().failure().message())
                .isEqualTo("the instance's deadline passed at 2026-01-01T00:30:00Z");
    }

    @Test
    void shouldStopWaitingForAWorkerThatNeverAnswersWhenTheDeadlinePassesOnAFailingOrder() {
        var story = given(articleWithDeadline(Deadline.Action.CANCEL))
                .started("o-36")
                .stepSucceeded("A")
                .when()
                .stepFailed("B", "OutOfStock") // the item fails, but C's command is still out: it is waited for
                .then()
                .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED)
                .expectNoCommands()
                .afterWaiting(Duration.ofHours(24));
        story.when()
                .feed(new FireDeadline("o-36", story.now()))
                .then()
                .expectStep("C", StepState.ABANDONED)
                .expectCommands("compensate A")
                .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED);
        assertThat(story.instance().failure().type())
                .as("the first cause stands")
                .isEqualTo("OutOfStock");
    }
}
