package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.Inbound.StartInstance;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A trigger derives the instance id from the record, so a record read twice, or two records about one order, send
 * the same start: the engine starts the instance once and ignores every later start, whatever it carries.
 */
class TriggeredStartStoryTest {
    private static final String ID = "article-triggered:o-1";

    @Test
    void shouldStartOnceAndIgnoreLaterStartsForTheSameIdEvenWithAnotherInput() {
        var story = given(Workflows.articleTriggered())
                .started(ID, Map.of("orderId", "o-1", "amount", 25))
                .stepSucceeded("A");
        Instance before = story.instance();
        story.when()
                .feed(new StartInstance(ID, Map.of("orderId", "o-1", "amount", 99), "o-1", Instant.EPOCH))
                .then()
                .expectNoCommands()
                .expectStateUnchanged()
                .expectRequestIgnored("an instance with this id exists already");
        assertThat(story.instance()).isEqualTo(before);
        assertThat(story.instance().input()).isEqualTo(Map.of("orderId", "o-1", "amount", 25));
    }

    @Test
    void shouldIgnoreAStartForACompletedInstanceRatherThanRunItAgain() {
        var story = given(Workflows.articleTriggered())
                .started(ID, Map.of("orderId", "o-1", "amount", 25))
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .stepSucceeded("D")
                .expectState(ProcessStatus.COMPLETED, Outcome.SUCCEEDED);
        story.when()
                .feed(new StartInstance(ID, Map.of("orderId", "o-1", "amount", 25), "o-1", Instant.EPOCH))
                .then()
                .expectNoCommands()
                .expectNoResult()
                .expectRequestIgnored("an instance with this id exists already");
        assertThat(story.recentEmits()).isEmpty();
    }
}
