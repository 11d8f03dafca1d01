package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.Notification.StepAbandoned;
import dev.baton.engine.Notification.StepFailed;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Every change of a step's state is told as a notification and stamps its time, because every change goes through
 * the one move of {@link StepLifecycle}; these stories cover the moves that were silent or unstamped before it.
 */
class StepNotificationsStoryTest {

    @Test
    void shouldTellOfEveryRunningStepThatACancelAbandons() {
        var story = given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .when()
                .cancelled()
                .then()
                .expectStep("B", StepState.ABANDONED)
                .expectStep("C", StepState.ABANDONED);
        assertThat(story.recentNotifications())
                .filteredOn(StepAbandoned.class::isInstance)
                .map(n -> ((StepAbandoned) n).stepId())
                .containsExactlyInAnyOrder("B", "C");
        assertThat(story.instance().step("B").finishedAt()).isEqualTo(story.now());
    }

    @Test
    void shouldStampTheTimeOfALateFailure() {
        var story = given(Workflows.articleWithTimeoutOnC())
                .started("item-1")
                .stepSucceeded("A")
                .afterWaiting(Duration.ofHours(2))
                .timeoutFires("C");
        Instant timedOutAt = story.instance().step("C").finishedAt();

        story.afterWaiting(Duration.ofMinutes(5))
                .when()
                .stepFailed("C", "OutOfStock")
                .then()
                .expectStep("C", StepState.FAILED)
                .expectNotified(StepFailed.class)
                .expectNoCommands();
        assertThat(story.instance().step("C").finishedAt())
                .as("when the failure arrived, not when the step timed out")
                .isEqualTo(story.now())
                .isAfter(timedOutAt);
    }
}
