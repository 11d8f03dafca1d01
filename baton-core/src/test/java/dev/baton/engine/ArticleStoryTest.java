package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.Notification.CompensationStarted;
import dev.baton.engine.Notification.InstanceCompleted;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.Notification.InstanceStarted;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The article's story, services A, B, C and D, told to the engine alone. */
class ArticleStoryTest {

    @Test
    void shouldRecordTheInstanceAndCommandServiceAFirst() {
        given(Workflows.article())
                .when()
                .started("item-1", Map.of("orderId", "o-1"))
                .then()
                .expectNotified(InstanceStarted.class)
                .expectCommands("execute A")
                .expectState(ProcessStatus.RUNNING, null)
                .expectStep("A", StepState.RUNNING)
                .expectStep("B", StepState.PENDING);
    }

    @Test
    void shouldStartBAndCTogetherOnceASucceeds() {
        given(Workflows.article())
                .started("item-1")
                .when()
                .stepSucceeded("A")
                .then()
                .expectCommands("execute B", "execute C");
    }

    @Test
    void shouldWaitForCBeforeStartingD() {
        given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .when()
                .stepSucceeded("B")
                .then()
                .expectNoCommands()
                .expectStep("C", StepState.RUNNING)
                .expectStep("D", StepState.PENDING);
    }

    @Test
    void shouldStartDWhenCFinallyAnswersHoursLater() {
        var story = given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .afterWaiting(Duration.ofHours(9))
                .when()
                .stepSucceeded("C")
                .then()
                .expectCommands("execute D");
        assertThat(story.instance().step("C").finishedAt())
                .isEqualTo(story.instance().startedAt().plus(Duration.ofHours(9)));
    }

    @Test
    void shouldCompleteWithEveryStepsOutputWhenDSucceeds() {
        var story = given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .when()
                .stepSucceeded("D", Map.of("delivered", true))
                .then()
                .expectResult(Outcome.SUCCEEDED)
                .expectNotified(InstanceCompleted.class)
                .expectState(ProcessStatus.COMPLETED, Outcome.SUCCEEDED);
        assertThat(story.result().output())
                .isEqualTo(Map.of(
                        "A",
                        Map.of("by", "A"),
                        "B",
                        Map.of("by", "B"),
                        "C",
                        Map.of("by", "C"),
                        "D",
                        Map.of("delivered", true)));
        assertThat(story.result().compensated()).isEmpty();
    }

    @Test
    void shouldPublishTheFailureAtOnceAndCompensateCAndBTogetherWhenDFails() {
        given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .when()
                .stepFailed("D", "Rejected")
                .then()
                .expectNotified(InstanceFailing.class)
                .expectCommands("compensate B", "compensate C")
                .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED)
                .expectNoResult();
    }

    @Test
    void shouldCompensateAOnlyAfterBothBAndCAreUndone() {
        given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .stepFailed("D", "Rejected")
                .when()
                .compensationSucceeded("C")
                .then()
                .expectNoCommands()
                .when()
                .compensationSucceeded("B")
                .then()
                .expectCommands("compensate A");
    }

    @Test
    void shouldEndWithProcessCompletedAndItemFailedOnceEverythingIsUndone() {
        var story = given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .stepFailed("D", "Rejected")
                .compensationSucceeded("C")
                .compensationSucceeded("B")
                .when()
                .compensationSucceeded("A")
                .then()
                .expectResult(Outcome.FAILED)
                .expectState(ProcessStatus.COMPLETED, Outcome.FAILED)
                .expectStep("A", StepState.COMPENSATED)
                .expectStep("D", StepState.FAILED);
        assertThat(story.result().compensated()).containsExactly("C", "B", "A");
        assertThat(story.result().error()).isEqualTo(new Failure("D", "Rejected", "D gave up"));
        assertThat(story.result().output()).isNull();
    }

    @Test
    void shouldSendCompensationsTheStepsOwnInputAndOutput() {
        var story = given(Workflows.article())
                .started("item-1", Map.of("orderId", "o-7"))
                .stepSucceeded("A", Map.of("reservation", "r-1"))
                .stepSucceeded("B")
                .stepSucceeded("C")
                .stepFailed("D", "Rejected")
                .compensationSucceeded("B")
                .compensationSucceeded("C");
        var undoA = story.commandsSoFar().get(story.commandsSoFar().size() - 1);
        assertThat(undoA.kind()).isEqualTo(CommandKind.COMPENSATE);
        assertThat(undoA.input())
                .isEqualTo(Map.of("input", Map.of("orderId", "o-7"), "output", Map.of("reservation", "r-1")));
        assertThat(undoA.topic()).isEqualTo("service-a.commands");
    }

    @Test
    void shouldLetCFinishBeforeCompensatingWhenBFailsWhileCIsStillRunning() {
        given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .when()
                .stepFailed("B", "OutOfStock")
                .then()
                .expectNotified(InstanceFailing.class)
                .expectNoCommands()
                .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED)
                .when()
                .stepSucceeded("C")
                .then()
                .expectCommands("compensate C")
                .expectStep("D", StepState.PENDING)
                .when()
                .compensationSucceeded("C")
                .then()
                .expectCommands("compensate A")
                .when()
                .compensationSucceeded("A")
                .then()
                .expectResult(Outcome.FAILED);
    }

    @Test
    void shouldCompleteWithoutCompensationsWhenTheFirstStepFails() {
        var story = given(Workflows.article())
                .started("item-1")
                .when()
                .stepFailed("A", "Invalid")
                .then()
                .expectNoCommands()
                .expectResult(Outcome.FAILED)
                .expectState(ProcessStatus.COMPLETED, Outcome.FAILED)
                .expectNotNotified(CompensationStarted.class);
        assertThat(story.result().compensated()).isEqualTo(List.of());
    }
}
