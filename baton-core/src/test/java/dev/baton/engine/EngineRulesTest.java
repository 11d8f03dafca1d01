package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.Inbound.FireTimeout;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Notification.IgnoredBecause;
import dev.baton.engine.Notification.IncidentRaised;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.Notification.StepSkipped;
import dev.baton.engine.TimerRequest.CancelTimeout;
import dev.baton.engine.TimerRequest.ScheduleTimeout;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EngineRulesTest {

    @Nested
    class Outcomes {
        @Test
        void shouldIgnoreASecondSuccessForTheSameCommand() {
            var story = given(Workflows.article()).started("item-1").stepSucceeded("A");
            Instance before = story.instance();
            story.when()
                    .feed(ReportOutcome.success("item-1", "A", "item-1/A/1", Map.of("other", 1), Instant.EPOCH))
                    .then()
                    .expectIgnored(IgnoredBecause.DUPLICATE)
                    .expectNoCommands()
                    .expectStateUnchanged();
            assertThat(story.instance()).isEqualTo(before);
        }

        @Test
        void shouldIgnoreAFailureThatArrivesAfterTheSuccessOfTheSameCommand() {
            given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .when()
                    .feed(ReportOutcome.failure(
                            "item-1", "A", "item-1/A/1", new Failure("A", "X", "late"), Instant.EPOCH))
                    .then()
                    .expectIgnored(IgnoredBecause.DUPLICATE)
                    .expectState(ProcessStatus.RUNNING, null)
                    .expectStep("A", StepState.SUCCEEDED);
        }

        @Test
        void shouldIgnoreOutcomesForUnknownStepsAndCommands() {
            given(Workflows.article())
                    .started("item-1")
                    .when()
                    .feed(ReportOutcome.success("item-1", "Z", "item-1/Z/1", null, Instant.EPOCH))
                    .then()
                    .expectIgnored(IgnoredBecause.UNKNOWN_STEP)
                    .when()
                    .feed(ReportOutcome.success("item-1", "A", "forged", null, Instant.EPOCH))
                    .then()
                    .expectIgnored(IgnoredBecause.UNKNOWN_COMMAND)
                    .expectStep("A", StepState.RUNNING);
        }

        @Test
        void shouldIgnoreTheOutcomeOfAnEarlierAttempt() {
            given(Workflows.waitingOnFailure())
                    .started("item-1")
                    .stepSucceeded("prepare")
                    .stepFailed("approve", "Rejected")
                    .retried("approve")
                    .when()
                    .feed(ReportOutcome.success("item-1", "approve", "item-1/approve/1", null, Instant.EPOCH))
                    .then()
                    .expectIgnored(IgnoredBecause.STALE)
                    .expectStep("approve", StepState.RUNNING)
                    .expectNoCommands();
        }

        @Test
        void shouldIgnoreASecondStartForTheSameInstanceId() {
            var story = given(Workflows.article()).started("item-1");
            story.when()
                    .feed(new StartInstance("item-1", Map.of(), null, Instant.EPOCH))
                    .then()
                    .expectNoCommands()
                    .expectNotified(RequestIgnored.class);
        }

        @Test
        void shouldRejectOutcomesForAnUnknownInstanceWithoutCreatingOne() {
            Decision d = Engine.decide(
                    Workflows.article(), null, ReportOutcome.success("ghost", "A", "ghost/A/1", null, Instant.EPOCH));
            assertThat(d.instance()).isNull();
            assertThat(d.outbound()).isEmpty();
            assertThat(d.notifications()).isEmpty();
            assertThat(d.rejection())
                    .as("the runtime dead-letters it with this reason")
                    .isEqualTo("unknown instance 'ghost'");
        }
    }

    @Nested
    class Joins {
        @Test
        void shouldFireAJoinExactlyOnce() {
            var story = given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .stepSucceeded("C");
            story.when()
                    .feed(ReportOutcome.success("item-1", "C", "item-1/C/1", null, Instant.EPOCH))
                    .then()
                    .expectNoCommands();
            assertThat(story.commandsSoFar())
                    .filteredOn(c -> c.stepId().equals("D"))
                    .hasSize(1);
        }

        @Test
        void shouldSkipAStepWhoseConditionIsFalseAndStillRunTheJoin() {
            given(Workflows.orderFulfilment())
                    .started("o-1", Map.of("orderId", "o-1", "express", false))
                    .when()
                    .stepSucceeded("reserve", Map.of("reservationId", "r-9"))
                    .then()
                    .expectCommands("execute charge")
                    .expectNotified(StepSkipped.class)
                    .expectStep("ship", StepState.SKIPPED)
                    .when()
                    .stepSucceeded("charge")
                    .then()
                    .expectCommands("execute notify");
        }

        @Test
        void shouldRunAConditionalStepWhenItsConditionHolds() {
            given(Workflows.orderFulfilment())
                    .started("o-1", Map.of("orderId", "o-1", "express", true))
                    .when()
                    .stepSucceeded("reserve")
                    .then()
                    .expectCommands("execute charge", "execute ship");
        }

        @Test
        void shouldMapAStepsInputFromTheRequestAndEarlierOutputs() {
            var story = given(Workflows.orderFulfilment())
                    .started("o-1", Map.of("orderId", "o-1", "express", false))
                    .stepSucceeded("reserve", Map.of("reservationId", "r-9"));
            var charge = story.commandsSoFar().get(story.commandsSoFar().size() - 1);
            assertThat(charge.input()).isEqualTo(Map.of("orderId", "o-1", "reservation", "r-9"));
            assertThat(story.instance().step("charge").input()).isEqualTo(charge.input());
        }

        @Test
        void shouldLeaveSkippedStepsOutOfTheResult() {
            var story = given(Workflows.orderFulfilment())
                    .started("o-1", Map.of("orderId", "o-1", "express", false))
                    .stepSucceeded("reserve")
                    .stepSucceeded("charge")
                    .stepSucceeded("notify");
            assertThat(((Map<?, ?>) story.result().output()).keySet())
                    .isEqualTo(java.util.Set.of("reserve", "charge", "notify"));
        }
    }

    @Nested
    class Timeouts {
        @Test
        void shouldScheduleATimeoutWhenTheStepStartsAndCancelItWhenItAnswers() {
            given(Workflows.articleWithTimeoutOnC())
                    .started("item-1")
                    .when()
                    .stepSucceeded("A")
                    .then()
                    .expectTimers(ScheduleTimeout.class, 1)
                    .when()
                    .stepSucceeded("C")
                    .then()
                    .expectTimers(CancelTimeout.class, 1);
        }

        @Test
        void shouldFailTheItemWhenCDoesNotAnswerInTime() {
            given(Workflows.articleWithTimeoutOnC())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .afterWaiting(Duration.ofHours(2))
                    .when()
                    .timeoutFires("C")
                    .then()
                    .expectStep("C", StepState.TIMED_OUT)
                    .expectNotified(InstanceFailing.class)
                    .expectCommands("compensate B");
        }

        @Test
        void shouldCompensateALateSuccessAfterTheItemFailed() {
            // A timed-out step is not waited for, so A is undone before C's late success arrives; C is undone then.
            var story = given(Workflows.articleWithTimeoutOnC())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .timeoutFires("C")
                    .when()
                    .compensationSucceeded("B")
                    .then()
                    .expectCommands("compensate A")
                    .when()
                    .stepSucceeded("C")
                    .then()
                    .expectCommands("compensate C")
                    .expectStep("C", StepState.COMPENSATING)
                    .when()
                    .compensationSucceeded("A")
                    .then()
                    .expectNoResult()
                    .when()
                    .compensationSucceeded("C")
                    .then()
                    .expectResult(Outcome.FAILED)
                    .expectState(ProcessStatus.COMPLETED, Outcome.FAILED);
            assertThat(story.result().compensated()).containsExactly("B", "A", "C");
        }

        @Test
        void shouldUndoALateSuccessThatArrivesAfterTheResult() {
            given(Workflows.articleWithTimeoutOnC())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .timeoutFires("C")
                    .compensationSucceeded("B")
                    .compensationSucceeded("A")
                    .then()
                    .expectState(ProcessStatus.COMPLETED, Outcome.FAILED)
                    .when()
                    .stepSucceeded("C")
                    .then()
                    .expectCommands("compensate C")
                    .expectNoResult()
                    .expectState(ProcessStatus.COMPLETED, Outcome.FAILED);
        }

        @Test
        void shouldIgnoreATimerThatFiresAfterTheStepAnswered() {
            var story = given(Workflows.articleWithTimeoutOnC())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("C");
            Instance before = story.instance();
            story.when()
                    .feed(new FireTimeout("item-1", "C", "item-1/C/1", Instant.EPOCH))
                    .then()
                    .expectStateUnchanged()
                    .expectStep("C", StepState.SUCCEEDED);
            assertThat(story.instance()).isEqualTo(before);
        }
    }

    @Nested
    class Cancellation {
        @Test
        void shouldCompensateCompletedStepsAndAbandonRunningOnes() {
            given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .when()
                    .cancelled()
                    .then()
                    .expectCommands("compensate B")
                    .expectStep("C", StepState.ABANDONED)
                    .expectState(ProcessStatus.COMPENSATING, Outcome.CANCELLED);
        }

        @Test
        void shouldCompleteCancelledAndCompensateAStepThatSucceedsLater() {
            var story = given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .cancelled()
                    .compensationSucceeded("B")
                    .when()
                    .compensationSucceeded("A")
                    .then()
                    .expectResult(Outcome.CANCELLED)
                    .expectState(ProcessStatus.COMPLETED, Outcome.CANCELLED)
                    .when()
                    .stepSucceeded("C")
                    .then()
                    .expectCommands("compensate C")
                    .expectNoResult()
                    .when()
                    .compensationSucceeded("C")
                    .then()
                    .expectNoResult()
                    .expectStep("C", StepState.COMPENSATED);
            assertThat(story.result().outcome()).isEqualTo(Outcome.CANCELLED);
        }

        @Test
        void shouldRefuseToCancelACompletedInstance() {
            given(Workflows.article())
                    .started("item-1")
                    .stepFailed("A", "X")
                    .when()
                    .cancelled()
                    .then()
                    .expectNotified(RequestIgnored.class)
                    .expectNoResult()
                    .expectState(ProcessStatus.COMPLETED, Outcome.FAILED);
        }
    }

    @Nested
    class Incidents {
        @Test
        void shouldRaiseAnIncidentWhenACompensationFailsAndSendItAgainOnRetry() {
            given(Workflows.chain())
                    .started("item-1")
                    .stepSucceeded("one")
                    .stepSucceeded("two")
                    .stepFailed("three", "X")
                    .when()
                    .compensationFailed("two")
                    .then()
                    .expectNotified(IncidentRaised.class)
                    .expectState(ProcessStatus.INCIDENT, Outcome.FAILED)
                    .expectNoCommands()
                    .expectNoResult()
                    .when()
                    .retried("two")
                    .then()
                    .expectCommands("compensate two")
                    .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED)
                    .when()
                    .compensationSucceeded("two")
                    .then()
                    .expectCommands("compensate one")
                    .when()
                    .compensationSucceeded("one")
                    .then()
                    .expectResult(Outcome.FAILED);
        }

        @Test
        void shouldUndoAChainInReverseOrder() {
            var story = given(Workflows.chain())
                    .started("item-1")
                    .stepSucceeded("one")
                    .stepSucceeded("two")
                    .stepSucceeded("three")
                    .when()
                    .stepFailed("four", "X")
                    .then()
                    .expectCommands("compensate three")
                    .when()
                    .compensationSucceeded("three")
                    .then()
                    .expectCommands("compensate two")
                    .when()
                    .compensationSucceeded("two")
                    .then()
                    .expectCommands("compensate one")
                    .when()
                    .compensationSucceeded("one")
                    .then()
                    .expectResult(Outcome.FAILED);
            assertThat(story.result().compensated()).containsExactly("three", "two", "one");
        }

        @Test
        void shouldWaitForAnOperatorWhenAStepSaysSo() {
            given(Workflows.waitingOnFailure())
                    .started("item-1")
                    .stepSucceeded("prepare")
                    .when()
                    .stepFailed("approve", "Rejected")
                    .then()
                    .expectNotified(IncidentRaised.class)
                    .expectNotNotified(InstanceFailing.class)
                    .expectState(ProcessStatus.INCIDENT, null)
                    .expectNoCommands()
                    .when()
                    .retried("approve")
                    .then()
                    .expectCommands("execute approve")
                    .expectState(ProcessStatus.RUNNING, null)
                    .when()
                    .stepSucceeded("approve")
                    .then()
                    .expectCommands("execute finish");
        }

        @Test
        void shouldCompensateWhenAnOperatorCancelsAWaitingInstance() {
            given(Workflows.waitingOnFailure())
                    .started("item-1")
                    .stepSucceeded("prepare")
                    .stepFailed("approve", "Rejected")
                    .when()
                    .cancelled()
                    .then()
                    .expectCommands("compensate prepare")
                    .expectState(ProcessStatus.COMPENSATING, Outcome.CANCELLED);
        }

        @Test
        void shouldRefuseARetryWhenNothingFailed() {
            given(Workflows.article())
                    .started("item-1")
                    .when()
                    .retried(null)
                    .then()
                    .expectNotified(RequestIgnored.class)
                    .expectNoCommands();
        }

        @Test
        void shouldSendTheRetriedStepANewCommandIdAndAttempt() {
            var story = given(Workflows.waitingOnFailure())
                    .started("item-1")
                    .stepSucceeded("prepare")
                    .stepFailed("approve", "Rejected")
                    .retried("approve");
            var command = story.commandsSoFar().get(story.commandsSoFar().size() - 1);
            assertThat(command.commandId()).isEqualTo("item-1/approve/2");
            assertThat(command.attempt()).isEqualTo(2);
        }
    }

    @Test
    void shouldKeepTheDefinitionVersionItStartedWith() {
        var v1 = Workflows.article();
        var v2 = v1.withVersion(2);
        var story = given(v1).started("item-1");
        assertThat(story.instance().version()).isEqualTo(1);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(story.stepSucceeded("A").instance().version()).isEqualTo(1);
    }

    @Test
    void shouldDecideTheSameWayTwiceForTheSameInputs() {
        var event = new StartInstance("item-1", Map.of("x", 1), "bk", Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(Engine.decide(Workflows.article(), null, event))
                .isEqualTo(Engine.decide(Workflows.article(), null, event));
    }
}
