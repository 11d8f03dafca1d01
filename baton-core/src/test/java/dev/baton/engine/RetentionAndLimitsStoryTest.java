package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.TimerRequest.SchedulePurge;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the runtime may keep: completed instances are forgotten when their retention runs out, and no state grows
 * beyond what the runtime can store. The runtime passes these facts in ({@link RuntimeFacts}); the rules are here.
 */
class RetentionAndLimitsStoryTest {
    private static final Duration WEEK = Duration.ofDays(7);

    /**
     * A week's retention; a state's size is the length of its description, its input and its outputs, so a test
     * controls it with payloads (the runtime measures its own encoding instead).
     */
    private static RuntimeFacts facts(int stateLimit) {
        return new RuntimeFacts(WEEK, stateLimit, RetentionAndLimitsStoryTest::size);
    }

    private static int size(Instance i) {
        return i.toString().length()
                + String.valueOf(i.input()).length()
                + i.steps().values().stream()
                        .mapToInt(s ->
                                s.output() == null ? 0 : s.output().toString().length())
                        .sum();
    }

    @Test
    void shouldScheduleThePurgeWhenTheInstanceCompletes() {
        var story = given(Workflows.article())
                .withFacts(facts(0))
                .started("item-1")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .when()
                .stepSucceeded("D")
                .then()
                .expectResult(Outcome.SUCCEEDED)
                .expectTimers(SchedulePurge.class, 1);
        assertThat(story.recentTimers())
                .filteredOn(SchedulePurge.class::isInstance)
                .singleElement()
                .extracting(TimerRequest::dueAt)
                .isEqualTo(story.now().plus(WEEK));
    }

    @Test
    void shouldForgetACompletedInstanceWhenItsRetentionRunsOut() {
        given(Workflows.article())
                .withFacts(facts(0))
                .started("item-1")
                .stepFailed("A", "OutOfStock")
                .afterWaiting(WEEK)
                .when()
                .purgeFires()
                .then()
                .expectForgotten()
                .expectNoCommands();
    }

    @Test
    void shouldKeepAnInstanceWhoseLateWorkIsStillBeingCompensated() {
        var story = given(Workflows.articleWithTimeoutOnC())
                .withFacts(facts(0))
                .started("item-1")
                .stepSucceeded("A")
                .afterWaiting(Duration.ofHours(2))
                .timeoutFires("C")
                .stepSucceeded("B")
                .compensationSucceeded("B")
                .compensationSucceeded("A")
                .expectState(ProcessStatus.COMPLETED, Outcome.FAILED)
                .stepSucceeded("C")
                .expectStep("C", StepState.COMPENSATING)
                .afterWaiting(WEEK)
                .when()
                .purgeFires()
                .then()
                .expectTimers(SchedulePurge.class, 1)
                .expectStep("C", StepState.COMPENSATING);
        assertThat(story.instance()).as("still stored").isNotNull();

        story.compensationSucceeded("C")
                .afterWaiting(WEEK)
                .when()
                .purgeFires()
                .then()
                .expectForgotten();
    }

    @Test
    void shouldNotPurgeWithoutRetention() {
        given(Workflows.article())
                .started("item-1")
                .stepFailed("A", "OutOfStock")
                .then()
                .expectTimers(SchedulePurge.class, 0);
    }

    @Test
    void shouldFailAStepWhoseOutputWouldMakeTheStateTooLarge() {
        var story = given(Workflows.article()).withFacts(facts(2_000)).started("item-1");
        String huge = "x".repeat(5_000);

        story.when()
                .stepSucceeded("A", Map.of("blob", huge))
                .then()
                .expectStep("A", StepState.FAILED)
                .expectStepError("A", ErrorTypes.OUTPUT_TOO_LARGE)
                .expectState(ProcessStatus.COMPLETED, Outcome.FAILED)
                .expectResult(Outcome.FAILED);
        assertThat(story.instance().step("A").output())
                .as("the output is not kept")
                .isNull();
        assertThat(story.instance().step("A").error().message())
                .startsWith("the output would make the instance's state ")
                .endsWith(" bytes, more than the limit of 2000");
    }

    @Test
    void shouldRejectAnyOtherEventThatWouldMakeTheStateTooLarge() {
        given(Workflows.article())
                .withFacts(facts(300))
                .when()
                .feed(new StartInstance("item-1", Map.of("note", "y".repeat(400)), null, Instant.EPOCH))
                .then()
                .expectRejected(
                        "the instance's state would be " + sizeOfStart() + " bytes, more than the limit of 300");
    }

    private static int sizeOfStart() {
        Instance started = Engine.decide(
                        Workflows.article(),
                        null,
                        new StartInstance("item-1", Map.of("note", "y".repeat(400)), null, Instant.EPOCH))
                .instance();
        return size(started);
    }

    @Test
    void shouldRejectAnOutcomeForAnUnknownInstance() {
        given(Workflows.article())
                .when()
                .feed(ReportOutcome.success("ghost", "A", "ghost/A/1", null, Instant.EPOCH))
                .then()
                .expectRejected("unknown instance 'ghost'");
    }

    @Test
    void shouldRejectAStartOfAWorkflowThatIsNotDeployed() {
        Decision d =
                Engine.decide(null, null, new StartInstance("i-1", "billing", 3, Map.of(), null, null, Instant.EPOCH));
        assertThat(d.rejection()).isEqualTo("unknown workflow 'billing' version 3: deploy it first");
        assertThat(d.instance()).isNull();
        assertThat(d.outbound()).isEmpty();
    }
}
