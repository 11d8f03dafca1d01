package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.HttpRetry;
import dev.baton.definition.HttpStep;
import dev.baton.definition.UrlTemplate;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.FireRetry;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Notification.StepRetryScheduled;
import dev.baton.engine.Outbound.HttpCall;
import dev.baton.engine.TimerRequest.CancelRetry;
import dev.baton.engine.TimerRequest.ScheduleRetry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** HTTP steps: Baton calls the endpoint itself and owns the retries, scheduled with its timers. */
class HttpStepStoryTest {

    /** Reserve stock with a worker, then tell the CRM over HTTP: three calls at most, 1 s then 2 s apart. */
    static WorkflowDefinition crm() {
        return WorkflowDefinition.builder("crm")
                .version(1)
                .step("reserve", s -> s.topic("stock").compensate("stock"))
                .step(
                        "notify",
                        s -> s.after("reserve")
                                .input(Map.of("order", "$.request.orderId"))
                                .http(new HttpStep(
                                        "POST",
                                        UrlTemplate.parse("http://crm.local/orders/{$.request.orderId}"),
                                        Map.of(),
                                        Duration.ofSeconds(5),
                                        new HttpRetry(
                                                3,
                                                Duration.ofSeconds(1),
                                                2.0,
                                                Duration.ofSeconds(30),
                                                Set.of(429, 503)))))
                .build();
    }

    @Test
    void shouldCallAgainAfterTheBackoffAndSucceedOnTheThirdCall() {
        var story = given(crm()).started("i-1", Map.of("orderId", "o/1")).stepSucceeded("reserve");
        HttpCall first = story.httpCallsSoFar().get(0);
        assertThat(first.commandId()).isEqualTo("i-1/notify/1");
        assertThat(first.url()).isEqualTo("http://crm.local/orders/o%2F1");
        assertThat(first.body()).isEqualTo(Map.of("order", "o/1"));

        story.when()
                .httpCallFailed("notify", 503, true)
                .then()
                .expectStep("notify", StepState.WAITING_TO_RETRY)
                .expectTimers(ScheduleRetry.class, 1)
                .expectNotified(StepRetryScheduled.class)
                .expectNoCommands();
        assertThat(story.recentTimers())
                .singleElement()
                .extracting(TimerRequest::dueAt)
                .isEqualTo(story.now().plusSeconds(1));

        story.afterWaiting(Duration.ofSeconds(1)).when().retryFires("notify");
        HttpCall second = story.httpCallsSoFar().get(1);
        assertThat(second.commandId()).isEqualTo("i-1/notify/2");
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.idempotencyKey())
                .as("one key for every call of the run")
                .isEqualTo("i-1/notify/1");

        story.when().httpCallFailed("notify", 503, true);
        assertThat(story.recentTimers())
                .singleElement()
                .extracting(TimerRequest::dueAt)
                .isEqualTo(story.now().plusSeconds(2));
        story.afterWaiting(Duration.ofSeconds(2))
                .retryFires("notify")
                .when()
                .stepSucceeded("notify", Map.of("status", 200))
                .then()
                .expectStep("notify", StepState.SUCCEEDED)
                .expectResult(Outcome.SUCCEEDED);
        assertThat(story.httpCallsSoFar())
                .extracting(HttpCall::idempotencyKey)
                .containsOnly("i-1/notify/1")
                .hasSize(3);
        assertThat(story.instance().step("notify").workerAttempts())
                .as("calls made")
                .isEqualTo(3);
    }

    @Test
    void shouldFailAtOnceOnAnAnswerThatIsNotRetryable() {
        given(crm())
                .started("i-2", Map.of("orderId", "o-2"))
                .stepSucceeded("reserve")
                .when()
                .httpCallFailed("notify", 400, false)
                .then()
                .expectStep("notify", StepState.FAILED)
                .expectTimers(ScheduleRetry.class, 0)
                .expectCommands("compensate reserve")
                .expectState(ProcessStatus.COMPENSATING, Outcome.FAILED);
    }

    @Test
    void shouldFailAndCompensateWhenTheAttemptsAreUsedUp() {
        var story = given(crm())
                .started("i-3", Map.of("orderId", "o-3"))
                .stepSucceeded("reserve")
                .httpCallFailed("notify", 503, true)
                .retryFires("notify")
                .httpCallFailed("notify", 503, true)
                .retryFires("notify")
                .when()
                .httpCallFailed("notify", 503, true)
                .then()
                .expectStep("notify", StepState.FAILED)
                .expectTimers(ScheduleRetry.class, 0)
                .expectCommands("compensate reserve");
        assertThat(story.instance().step("notify").error().type()).isEqualTo("HTTP_503");
        assertThat(story.instance().step("notify").workerAttempts()).isEqualTo(3);
        assertThat(story.httpCallsSoFar()).hasSize(3);
    }

    @Test
    void shouldIgnoreARepeatedFailureButTakeARepeatedSuccessWhileWaitingToCallAgain() {
        var story = given(crm())
                .started("i-4", Map.of("orderId", "o-4"))
                .stepSucceeded("reserve")
                .httpCallFailed("notify", 503, true)
                .when()
                .httpCallFailed("notify", 503, true)
                .then()
                .expectIgnored(Notification.IgnoredBecause.DUPLICATE)
                .expectTimers(ScheduleRetry.class, 0);
        // The executor called again after a crash and this time the call went through: the work is done.
        story.when()
                .stepSucceeded("notify", Map.of("status", 200))
                .then()
                .expectStep("notify", StepState.SUCCEEDED)
                .expectTimers(CancelRetry.class, 1)
                .when()
                .feed(new FireRetry("i-4", "notify", "i-4/notify/1", story.now()))
                .then()
                .expectStateUnchanged();
        assertThat(story.httpCallsSoFar()).hasSize(1);
    }

    @Test
    void shouldStopWaitingToCallAgainWhenTheInstanceIsCancelled() {
        given(crm())
                .started("i-5", Map.of("orderId", "o-5"))
                .stepSucceeded("reserve")
                .httpCallFailed("notify", 429, true)
                .when()
                .cancelled()
                .then()
                .expectStep("notify", StepState.ABANDONED)
                .expectTimers(CancelRetry.class, 1)
                .expectCommands("compensate reserve");
    }

    @Test
    void shouldNotCallAgainOnceTheItemHasFailedElsewhere() {
        var def = WorkflowDefinition.builder("pair")
                .version(1)
                .step(
                        "notify",
                        s -> s.http(new HttpStep("GET", UrlTemplate.parse("http://a.local/"), Map.of(), null, null)))
                .step("charge", s -> s.topic("payments"))
                .build();
        var story = given(def)
                .started("i-6")
                .httpCallFailed("notify", 502, true)
                .when()
                .stepFailed("charge", "Declined")
                .then()
                .expectStep("notify", StepState.ABANDONED)
                .expectTimers(CancelRetry.class, 1)
                .expectState(ProcessStatus.COMPLETED, Outcome.FAILED);
        assertThat(story.httpCallsSoFar()).hasSize(1);
    }

    @Test
    void shouldStartAFreshRunWithANewKeyWhenAnOperatorRetries() {
        var def = WorkflowDefinition.builder("manual")
                .version(1)
                .step(
                        "notify",
                        s -> s.onFailure(dev.baton.definition.FailurePolicy.WAIT)
                                .http(new HttpStep(
                                        "PUT",
                                        UrlTemplate.parse("http://a.local/x"),
                                        Map.of(),
                                        null,
                                        HttpRetry.none())))
                .build();
        var story = given(def)
                .started("i-7")
                .httpCallFailed("notify", 503, true)
                .then()
                .expectState(ProcessStatus.INCIDENT, null)
                .when()
                .retried("notify");
        List<HttpCall> calls = story.httpCallsSoFar();
        assertThat(calls).extracting(HttpCall::idempotencyKey).containsExactly("i-7/notify/1", "i-7/notify/2");
        story.when().stepSucceeded("notify").then().expectResult(Outcome.SUCCEEDED);
    }

    @Test
    void shouldBackOffByTheMultiplierUpToTheMaximum() {
        var retry = new HttpRetry(10, Duration.ofMillis(200), 3.0, Duration.ofSeconds(5), Set.of(503));
        assertThat(List.of(1, 2, 3, 4, 5).stream().map(retry::backoffAfter))
                .containsExactly(
                        Duration.ofMillis(200),
                        Duration.ofMillis(600),
                        Duration.ofMillis(1800),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5));
        assertThat(new ReportOutcome("i", "s", "c", false, null, null, 1, java.time.Instant.EPOCH).retryable())
                .isFalse();
    }
}
