package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.EmitStep;
import dev.baton.definition.InputMapping;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Notification.RequestIgnored;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Emit steps publish one record with the decision that starts them and succeed in it. */
class EmitStoryTest {
    private static final Map<String, Object> ORDER = Map.of("orderId", "o-1", "amount", 25);

    @Test
    void shouldPublishTheRecordAndCompleteInTheDecisionThatStartsTheStep() {
        var story = given(Workflows.articleTriggered())
                .started("article-triggered:o-1", ORDER)
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .when()
                .stepSucceeded("D", Map.of("mail", "sent"))
                .then()
                .expectStep("E", StepState.SUCCEEDED)
                .expectResult(Outcome.SUCCEEDED);
        assertThat(story.recentEmits())
                .containsExactly(new Outbound.Emit(
                        "article-triggered:o-1",
                        "E",
                        "orders.processed",
                        "o-1",
                        Map.of("orderId", "o-1", "amount", 25, "notified", Map.of("mail", "sent")),
                        "com.example.order.processed",
                        "article-triggered:o-1/E/1"));
        assertThat(story.instance().step("E").output()).isEqualTo(Map.of("topic", "orders.processed", "key", "o-1"));
        assertThat(story.result().output())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("E", Map.of("topic", "orders.processed", "key", "o-1"));
    }

    @Test
    void shouldNotPublishAgainForADuplicateOfTheOutcomeThatLedToIt() {
        var story = given(Workflows.articleTriggered())
                .started("article-triggered:o-1", ORDER)
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .stepSucceeded("D");
        story.when()
                .feed(ReportOutcome.success(
                        "article-triggered:o-1", "D", "article-triggered:o-1/D/1", Map.of(), Instant.EPOCH))
                .feed(new StartInstance("article-triggered:o-1", ORDER, "o-1", Instant.EPOCH))
                .then()
                .expectStateUnchanged()
                .expectNotified(RequestIgnored.class);
        assertThat(story.recentEmits()).isEmpty();
        assertThat(story.emitsSoFar()).hasSize(1);
    }

    @Test
    void shouldKeyTheRecordByTheInstanceIdWhenTheStepNamesNoKey() {
        var story = given(emitFirst(null)).started("i-1", ORDER);
        assertThat(story.emitsSoFar()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("i-1");
            assertThat(e.type()).isEqualTo(EmitStep.DEFAULT_TYPE);
        });
        story.then().expectStep("announce", StepState.SUCCEEDED).expectCommands("execute after");
    }

    @Test
    void shouldFailTheStepWhenTheKeyFindsNothing() {
        var story = given(emitFirst("$.request.missing")).started("i-2", ORDER);
        story.then()
                .expectStep("announce", StepState.FAILED)
                .expectStepError("announce", ErrorTypes.EMIT_KEY_MISSING)
                .expectNoCommands()
                .expectResult(Outcome.FAILED);
        assertThat(story.emitsSoFar()).isEmpty();
    }

    @Test
    void shouldTakeANumberAsTheKey() {
        var story = given(emitFirst("$.request.amount")).started("i-3", ORDER);
        assertThat(story.emitsSoFar())
                .singleElement()
                .extracting(Outbound.Emit::key)
                .isEqualTo("25");
    }

    @Nested
    class WhilePaused {
        @Test
        void shouldPublishOnlyOnceResumed() {
            var story = given(Workflows.articleTriggered())
                    .started("article-triggered:o-2", ORDER)
                    .stepSucceeded("A")
                    .stepSucceeded("B")
                    .stepSucceeded("C")
                    .paused()
                    .when()
                    .stepSucceeded("D");
            assertThat(story.recentEmits()).isEmpty();
            story.then().expectStep("E", StepState.PENDING);
            story.when().resumed().then().expectStep("E", StepState.SUCCEEDED);
            assertThat(story.emitsSoFar()).hasSize(1);
        }
    }

    private static WorkflowDefinition emitFirst(String key) {
        return WorkflowDefinition.builder("emit-first")
                .version(1)
                .step(
                        "announce",
                        s -> s.emit(new EmitStep(
                                "orders.announced",
                                key == null ? null : InputMapping.of(key),
                                InputMapping.of("$.request"),
                                null)))
                .step("after", s -> s.topic("after.commands").after("announce"))
                .build();
    }
}
