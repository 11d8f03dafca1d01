package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.Notification.IgnoredBecause;
import dev.baton.engine.Notification.OperatorAction;
import dev.baton.engine.Notification.StepRedriven;
import dev.baton.engine.Outbound.HttpCall;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.TimerRequest.CancelTimeout;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Operator recovery: pause and resume, redrive, and settling a step by hand. */
class RecoveryStoryTest {

    @Nested
    class Pausing {
        @Test
        void shouldRecordAnOutcomeWhilePausedAndSendWhatFollowsOnResume() {
            given(Workflows.article())
                    .started("item-1")
                    .when()
                    .paused()
                    .stepSucceeded("A")
                    .then()
                    .expectOperatorActed(OperatorAction.PAUSE)
                    .expectStep("A", StepState.SUCCEEDED)
                    .expectStep("B", StepState.PENDING)
                    .expectNoCommands()
                    .when()
                    .resumed()
                    .then()
                    .expectOperatorActed(OperatorAction.RESUME)
                    .expectCommands("execute B", "execute C");
        }

        @Test
        void shouldHoldTheCompensationOfAStepThatTimesOutWhilePaused() {
            given(Workflows.articleWithTimeoutOnC())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .paused()
                    .afterWaiting(Duration.ofHours(2))
                    .when()
                    .timeoutFires("C")
                    .then()
                    .expectStep("C", StepState.TIMED_OUT)
                    .expectNoCommands()
                    .expectNoResult()
                    .when()
                    .resumed()
                    .then()
                    .expectCommands("compensate B")
                    .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED);
        }

        @Test
        void shouldMakeTheCallWhoseBackoffEndedWhilePausedOnResume() {
            var story = given(HttpStepStoryTest.crm())
                    .started("i-1", Map.of("orderId", "o-1"))
                    .stepSucceeded("reserve")
                    .httpCallFailed("notify", 503, true)
                    .paused()
                    .afterWaiting(Duration.ofSeconds(5))
                    .when()
                    .retryFires("notify")
                    .then()
                    .expectStep("notify", StepState.WAITING_TO_RETRY);
            assertThat(story.httpCallsSoFar()).as("no call while paused").hasSize(1);

            story.when().resumed().then().expectStep("notify", StepState.RUNNING);
            assertThat(story.httpCallsSoFar())
                    .extracting(HttpCall::commandId)
                    .containsExactly("i-1/notify/1", "i-1/notify/2");
        }

        @Test
        void shouldRefuseAnOperatorRetryWhilePaused() {
            given(Workflows.waitingOnFailure())
                    .started("item-1")
                    .stepSucceeded("prepare")
                    .stepFailed("approve", "Rejected")
                    .paused()
                    .when()
                    .retried("approve")
                    .then()
                    .expectRequestIgnored("the instance is paused: resume it first")
                    .expectNoCommands();
        }

        @Test
        void shouldRefuseToPauseACompletedInstanceOrResumeOneThatIsNotPaused() {
            given(Workflows.article())
                    .started("item-1")
                    .when()
                    .resumed()
                    .then()
                    .expectRequestIgnored("the instance is not paused")
                    .stepFailed("A", "OutOfStock")
                    .when()
                    .paused()
                    .then()
                    .expectRequestIgnored("the instance has completed");
        }

        @Test
        void shouldIgnoreAPauseThatIsDeliveredTwice() {
            var story = given(Workflows.article()).started("item-1").paused();
            Instance paused = story.instance();
            story.when().paused().then().expectRequestIgnored("the instance is paused already");
            assertThat(story.instance()).isEqualTo(paused);
        }
    }

    @Nested
    class Redriving {
        @Test
        void shouldRunTheCompensatedAndFailedStepsAgainAndKeepWorkThatStands() {
            var story = given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .stepFailed("C", "OutOfStock")
                    .compensationSucceeded("B")
                    .compensationSucceeded("A")
                    .expectState(ProcessStatus.COMPLETED, Outcome.FAILED);

            story.when()
                    .redriven()
                    .then()
                    .expectOperatorActed(OperatorAction.REDRIVE)
                    .expectNotified(StepRedriven.class)
                    .expectState(ProcessStatus.RUNNING, null)
                    .expectCommands("execute A")
                    .expectStep("B", StepState.PENDING)
                    .expectStep("C", StepState.PENDING);
            assertThat(story.commandsSoFar()
                            .get(story.commandsSoFar().size() - 1)
                            .commandId())
                    .as("a new attempt, so a new command id")
                    .isEqualTo("item-1/A/2");

            story.stepSucceeded("A")
                    .stepSucceeded("B")
                    .stepSucceeded("C")
                    .when()
                    .stepSucceeded("D")
                    .then()
                    .expectResult(Outcome.SUCCEEDED);
            assertThat(story.instance().redrives()).isEqualTo(1);
            assertThat(story.instance().compensated())
                    .as("the new run compensated nothing")
                    .isEmpty();
        }

        @Test
        void shouldKeepASucceededStepThatHasNoCompensation() {
            // 'record' has no compensation: once it succeeded, nothing undid its work, so a redrive keeps it.
            var definition = dev.baton.definition.WorkflowDefinition.builder("ledger")
                    .version(1)
                    .step("record", s -> s.topic("ledger"))
                    .step("post", s -> s.topic("bank").after("record"))
                    .build();
            given(definition)
                    .started("item-1")
                    .stepSucceeded("record")
                    .stepFailed("post", "BankDown")
                    .expectState(ProcessStatus.COMPLETED, Outcome.FAILED)
                    .when()
                    .redriven()
                    .then()
                    .expectCommands("execute post")
                    .expectStep("record", StepState.SUCCEEDED);
        }

        @Test
        void shouldIgnoreALateSuccessOfTheAttemptBeforeTheRedrive() {
            var story = given(Workflows.articleWithTimeoutOnC())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .afterWaiting(Duration.ofHours(2))
                    .timeoutFires("C")
                    .compensationSucceeded("B")
                    .compensationSucceeded("A")
                    .redriven()
                    .stepSucceeded("A");
            assertThat(story.instance().step("C").commandId()).isEqualTo("item-1/C/2");

            // The first attempt's worker answers only now: that attempt was given up before the redrive.
            story.when()
                    .stepSucceededFor("C", "item-1/C/1")
                    .then()
                    .expectIgnored(IgnoredBecause.STALE)
                    .expectStep("C", StepState.RUNNING)
                    .expectNoCommands();
            story.stepSucceeded("B")
                    .stepSucceeded("C")
                    .stepSucceeded("D")
                    .then()
                    .expectState(ProcessStatus.COMPLETED, Outcome.SUCCEEDED);
        }

        @Test
        void shouldRefuseToRedriveAnInstanceThatIsRunningOrSucceeded() {
            var story = given(Workflows.article()).started("item-1");
            story.when()
                    .redriven()
                    .then()
                    .expectRequestIgnored("only a completed instance whose item failed or was cancelled is redriven");
            story.stepSucceeded("A").stepSucceeded("B").stepSucceeded("C").stepSucceeded("D");
            story.when()
                    .redriven()
                    .then()
                    .expectRequestIgnored("only a completed instance whose item failed or was cancelled is redriven")
                    .expectNoCommands();
        }

        @Test
        void shouldRedriveACancelledInstance() {
            given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .cancelled()
                    .compensationSucceeded("A")
                    .expectState(ProcessStatus.COMPLETED, Outcome.CANCELLED)
                    .when()
                    .redriven()
                    .then()
                    .expectCommands("execute A")
                    .expectStep("B", StepState.PENDING);
        }
    }

    @Nested
    class Rerunning {
        @Test
        void shouldRerunAStepWithANewInputAndTheStepsAfterIt() {
            var story = given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .stepSucceeded("C")
                    .stepSucceeded("D")
                    .expectState(ProcessStatus.COMPLETED, Outcome.SUCCEEDED);

            story.when()
                    .rerun("B", Map.of("address", "Main St 2"))
                    .then()
                    .expectOperatorActed(OperatorAction.RERUN_STEP)
                    .expectCommands("execute B")
                    .expectStep("A", StepState.SUCCEEDED)
                    .expectStep("C", StepState.SUCCEEDED)
                    .expectStep("D", StepState.PENDING)
                    .expectState(ProcessStatus.RUNNING, null);
            StepCommand b = story.commandsSoFar().get(story.commandsSoFar().size() - 1);
            assertThat(b.commandId()).isEqualTo("item-1/B/2");
            assertThat(b.input()).isEqualTo(Map.of("address", "Main St 2"));

            story.stepSucceeded("B").when().stepSucceeded("D").then().expectResult(Outcome.SUCCEEDED);
            assertThat(story.instance().redrives()).as("a new run").isEqualTo(1);
        }

        @Test
        void shouldRefuseToRerunAStepWhoseUpstreamWasCompensated() {
            given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .stepFailed("C", "OutOfStock")
                    .compensationSucceeded("B")
                    .compensationSucceeded("A")
                    .when()
                    .rerun("C", null)
                    .then()
                    .expectRequestIgnored(
                            "step 'A' before it is COMPENSATED: rerun from there, or redrive the instance")
                    .expectNoCommands();
        }

        @Test
        void shouldRefuseToRerunWhileTheInstanceRuns() {
            given(Workflows.article())
                    .started("item-1")
                    .when()
                    .rerun("A", null)
                    .then()
                    .expectRequestIgnored("only a completed instance, or one in an incident, reruns a step");
        }
    }

    @Nested
    class SettlingAStepByHand {
        @Test
        void shouldCompleteAFailedStepThatWaitsForAnOperatorAndGoOn() {
            given(Workflows.waitingOnFailure())
                    .started("item-1")
                    .stepSucceeded("prepare")
                    .stepFailed("approve", "Rejected")
                    .expectState(ProcessStatus.INCIDENT, null)
                    .when()
                    .completedByHand("approve", Map.of("approvedBy", "phone"))
                    .then()
                    .expectOperatorActed(OperatorAction.COMPLETE_STEP)
                    .expectStep("approve", StepState.SUCCEEDED)
                    .expectState(ProcessStatus.RUNNING, null)
                    .expectCommands("execute finish");
        }

        @Test
        void shouldCompleteARunningStepAndIgnoreItsWorkersLaterAnswer() {
            var story = given(Workflows.articleWithTimeoutOnC())
                    .started("item-1")
                    .stepSucceeded("A")
                    .when()
                    .completedByHand("C", Map.of("by", "hand"))
                    .then()
                    .expectStep("C", StepState.SUCCEEDED)
                    .expectTimers(CancelTimeout.class, 1);
            assertThat(story.instance().step("C").output()).isEqualTo(Map.of("by", "hand"));

            story.when().stepSucceeded("C").then().expectIgnored(IgnoredBecause.DUPLICATE);
        }

        @Test
        void shouldSkipAStepSoThatItsSuccessorsStart() {
            given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .when()
                    .skippedByHand("C")
                    .then()
                    .expectOperatorActed(OperatorAction.SKIP_STEP)
                    .expectStep("C", StepState.SKIPPED)
                    .expectCommands("execute D");
        }

        @Test
        void shouldRefuseToSettleAStepOnceTheItemFailed() {
            given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .stepFailed("B", "Broken")
                    .when()
                    .completedByHand("C", Map.of())
                    .then()
                    .expectRequestIgnored("the item has already failed or was cancelled: redrive the instance instead")
                    .expectStep("C", StepState.RUNNING);
        }

        @Test
        void shouldRefuseToSettleAStepThatSucceeded() {
            given(Workflows.article())
                    .started("item-1")
                    .stepSucceeded("A")
                    .when()
                    .skippedByHand("A")
                    .then()
                    .expectRequestIgnored("step 'A' is SUCCEEDED: there is nothing to settle");
        }
    }
}
