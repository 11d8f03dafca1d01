package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.EventWait.Consume;
import dev.baton.engine.Inbound.DeliverEvent;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.Outbound.ReturnEvent;
import dev.baton.engine.Outbound.SubscribeEvent;
import dev.baton.engine.Outbound.UnsubscribeEvent;
import dev.baton.engine.TimerRequest.CancelTimeout;
import dev.baton.engine.TimerRequest.ScheduleTimeout;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The article's D waits for the mail service's {@code mail.delivered} event of its order. */
class EventStoryTest {
    private static final Map<String, Object> ORDER = Map.of("orderId", "o-1", "amount", 25);
    private static final Map<String, Object> DELIVERED =
            Map.of("topic", "mail.delivered", "key", "o-1", "value", Map.of("orderId", "o-1", "by", "post"));

    private static EngineStory waitingForDelivery(String id) {
        return given(Workflows.articleWaitingForDelivery(Consume.ONE))
                .started(id, ORDER)
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C");
    }

    @Test
    void shouldSubscribeUnderTheOrderIdWhenDStartsAndCommandNobody() {
        given(Workflows.articleWaitingForDelivery(Consume.ONE))
                .started("o-1", ORDER)
                .stepSucceeded("A")
                .stepSucceeded("B")
                .when()
                .stepSucceeded("C")
                .then()
                .expectNoCommands()
                .expectStep("D", StepState.RUNNING)
                .expectTimers(ScheduleTimeout.class, 1);
        var story = waitingForDelivery("o-2");
        assertThat(story.instance().step("D").input())
                .isEqualTo(Map.of("topic", "mail.delivered", "field", "$.orderId", "correlation", "o-1"));
    }

    @Test
    void shouldPublishTheSubscriptionWithTheStepsCommandId() {
        var story = given(Workflows.articleWaitingForDelivery(Consume.ALL))
                .started("o-3", ORDER)
                .stepSucceeded("A")
                .stepSucceeded("B")
                .when()
                .stepSucceeded("C");
        assertThat(story.recentOutbound())
                .containsExactly(
                        new SubscribeEvent("o-3", "D", "o-3/D/1", "mail.delivered", "$.orderId", "o-1", Consume.ALL));
    }

    @Test
    void shouldSucceedDWithTheEventAsItsOutputAndCompleteTheInstance() {
        var story = waitingForDelivery("o-4")
                .when()
                .feed(new DeliverEvent(
                        "o-4",
                        "D",
                        "o-4/D/1",
                        DELIVERED,
                        waitingForDelivery("x").now()))
                .then()
                .expectStep("D", StepState.SUCCEEDED)
                .expectTimers(CancelTimeout.class, 1)
                .expectResult(Outcome.SUCCEEDED);
        assertThat(story.instance().step("D").output()).isEqualTo(DELIVERED);
        // The correlation dropped the subscription as it delivered: no unsubscribe is needed.
        assertThat(story.recentOutbound()).noneMatch(UnsubscribeEvent.class::isInstance);
    }

    @Test
    void shouldIgnoreADeliveryForAStepThatNoLongerWaits() {
        var story = waitingForDelivery("o-5").afterWaiting(Duration.ofHours(25)).timeoutFires("D");
        Instance timedOut = story.instance();
        story.when()
                .feed(new DeliverEvent("o-5", "D", "o-5/D/1", DELIVERED, story.now()))
                .then()
                .expectNotified(RequestIgnored.class)
                .expectNoCommands();
        assertThat(story.instance()).isEqualTo(timedOut);
    }

    @Test
    void shouldGiveATakenEventBackWhenItsStepNoLongerWaits() {
        var story =
                waitingForDelivery("o-13").afterWaiting(Duration.ofHours(25)).timeoutFires("D");
        var taken = new DeliverEvent.Taken(
                "mail.delivered|$.orderId|o-1", story.now().plus(Duration.ofMinutes(30)));
        story.when().feed(new DeliverEvent("o-13", "D", "o-13/D/1", DELIVERED, taken, story.now()));
        assertThat(story.recentOutbound())
                .containsExactly(new ReturnEvent(
                        "o-13",
                        "mail.delivered|$.orderId|o-1",
                        DELIVERED,
                        story.now().plus(Duration.ofMinutes(30))));
        // One that was only read (consume: all), or whose time is up, stays with the correlation or is gone.
        story.when()
                .feed(new DeliverEvent("o-13", "D", "o-13/D/1", DELIVERED, story.now()))
                .feed(new DeliverEvent(
                        "o-13",
                        "D",
                        "o-13/D/1",
                        DELIVERED,
                        new DeliverEvent.Taken("mail.delivered|$.orderId|o-1", story.now()),
                        story.now()));
        assertThat(story.recentOutbound()).isEmpty();
    }

    @Test
    void shouldIgnoreADeliveryForAnEarlierAttemptAndADuplicate() {
        var story = waitingForDelivery("o-6")
                .feed(new DeliverEvent(
                        "o-6",
                        "D",
                        "o-6/D/1",
                        DELIVERED,
                        waitingForDelivery("x").now()));
        Instance done = story.instance();
        story.when()
                .feed(new DeliverEvent("o-6", "D", "o-6/D/1", DELIVERED, story.now()))
                .then()
                .expectNotified(RequestIgnored.class);
        assertThat(story.instance()).isEqualTo(done);
        waitingForDelivery("o-7")
                .when()
                .feed(new DeliverEvent("o-7", "D", "o-7/D/0", DELIVERED, story.now()))
                .then()
                .expectNotified(RequestIgnored.class)
                .expectStep("D", StepState.RUNNING);
    }

    @Test
    void shouldUnsubscribeAndFailTheItemWhenNoEventComesInTime() {
        var story = waitingForDelivery("o-8")
                .afterWaiting(Duration.ofHours(24))
                .when()
                .timeoutFires("D")
                .then()
                .expectStep("D", StepState.TIMED_OUT)
                .expectCommands("compensate A")
                .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED);
        assertThat(story.recentOutbound())
                .contains(new UnsubscribeEvent("o-8", "D", "o-8/D/1", "mail.delivered", "$.orderId", "o-1"));
    }

    @Test
    void shouldUnsubscribeWhenTheInstanceIsCancelledOrTheStepSkipped() {
        var cancelled = waitingForDelivery("o-9").when().cancelled().then().expectStep("D", StepState.ABANDONED);
        assertThat(cancelled.recentOutbound())
                .contains(new UnsubscribeEvent("o-9", "D", "o-9/D/1", "mail.delivered", "$.orderId", "o-1"));
        var skipped =
                waitingForDelivery("o-10").when().skippedByHand("D").then().expectResult(Outcome.SUCCEEDED);
        assertThat(skipped.recentOutbound())
                .contains(new UnsubscribeEvent("o-10", "D", "o-10/D/1", "mail.delivered", "$.orderId", "o-1"));
    }

    @Test
    void shouldFailDWhenTheInstanceHasNoOrderIdToCorrelateOn() {
        var story = given(Workflows.articleWaitingForDelivery(Consume.ONE))
                .started("o-11", Map.of("amount", 25))
                .stepSucceeded("A")
                .stepSucceeded("B")
                .when()
                .stepSucceeded("C")
                .then()
                .expectStep("D", StepState.FAILED)
                .expectStepError("D", ErrorTypes.NO_CORRELATION_VALUE)
                .expectCommands("compensate A");
        assertThat(story.recentOutbound()).noneMatch(o -> o instanceof SubscribeEvent || o instanceof UnsubscribeEvent);
    }

    @Test
    void shouldSubscribeAgainUnderTheNextAttemptWhenRedriven() {
        var story = waitingForDelivery("o-12")
                .afterWaiting(Duration.ofHours(24))
                .timeoutFires("D")
                .compensationSucceeded("A")
                .when()
                .redriven();
        // B and C still stand, so D waits again at once, under its second attempt; a delivery for the first is stale.
        assertThat(story.recentOutbound())
                .contains(
                        new SubscribeEvent("o-12", "D", "o-12/D/2", "mail.delivered", "$.orderId", "o-1", Consume.ONE));
        story.when()
                .feed(new DeliverEvent("o-12", "D", "o-12/D/1", DELIVERED, story.now()))
                .then()
                .expectNotified(RequestIgnored.class)
                .expectStep("D", StepState.RUNNING);
    }
}
