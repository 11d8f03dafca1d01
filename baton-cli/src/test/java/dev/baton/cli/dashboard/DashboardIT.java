package dev.baton.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.examples.ArticleServices;
import dev.baton.protocol.Json;
import dev.baton.server.api.HttpApi;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import dev.baton.worker.NonRetryableException;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard as a person sees it, in a real headless Chromium, against a real stack: embedded Kafka, the
 * orchestrator, the HTTP API and the article's services A to D (D fails orders above 900). One order succeeds,
 * one fails at D and is compensated (C and B, then A), and four wait on a worker that never runs. A step whose
 * worker fails its first attempt and succeeds the next makes an incident, and an item that fails (to redrive).
 * Each test leaves a screenshot in target/screenshots/.
 */
class DashboardIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;
    static ArticleServices services;
    static Worker flaky;
    static HeadlessChromium browser;
    static final HttpClient http = HttpClient.newHttpClient();

    static final String OK = "order-ok";
    static final String FAILED = "order-failed";
    static final String STUCK = "stuck-1";
    static final String TO_CANCEL = "stuck-2";
    static final String INCIDENT = "incident-1";
    static final String TO_PAUSE = "stuck-3";
    static final String TO_COMPLETE = "stuck-4";
    static final String TO_REDRIVE = "fails-once-1";
    static final String OFFLINE_TOPIC = "dashboard-it.offline.commands";
    static final String FLAKY_TOPIC = "dashboard-it.flaky.commands";

    /** A workflow whose only step's worker never runs: the article's service C while it is offline. */
    static final String OFFLINE_WORKFLOW = """
            name: offline-batch
            steps:
              - id: ship
                topic: %s
                compensate: { topic: %s }
            """.formatted(OFFLINE_TOPIC, OFFLINE_TOPIC);

    /** A step that waits for an operator when it fails; its worker fails the first attempt and succeeds the next. */
    static final String INCIDENT_WORKFLOW = """
            name: needs-operator
            steps:
              - id: check
                topic: %s
                onFailure: wait
            """.formatted(FLAKY_TOPIC);

    /** The same worker, but a failure fails the item: run again (redriven), the next attempt succeeds. */
    static final String FAILS_ONCE_WORKFLOW = """
            name: fails-once
            steps:
              - id: check
                topic: %s
            """.formatted(FLAKY_TOPIC);

    /** The article's nightly batch: it starts by itself at 02:00 Berlin time, so not while the test runs. */
    static final String NIGHTLY_WORKFLOW = """
            name: nightly-reconciliation
            schedule: { cron: "0 2 * * *", timeZone: Europe/Berlin, overlap: skip, catchUp: latest }
            steps:
              - id: reconcile
                topic: %s
            """.formatted(OFFLINE_TOPIC);

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("dashboard-it")
                        .stateDir(dir.resolve("streams"))
                        .partitions(1)
                        .schedules(true)
                        .build())
                .start(Duration.ofSeconds(60));
        api = new HttpApi(orchestrator).start("127.0.0.1", 0);
        assertThat(post("/api/workflows?source=article.yaml", ArticleServices.definitionYaml())
                        .statusCode())
                .isEqualTo(201);
        assertThat(post("/api/workflows?source=offline.yaml", OFFLINE_WORKFLOW).statusCode())
                .isEqualTo(201);
        assertThat(post("/api/workflows?source=incident.yaml", INCIDENT_WORKFLOW)
                        .statusCode())
                .isEqualTo(201);
        assertThat(post("/api/workflows?source=fails-once.yaml", FAILS_ONCE_WORKFLOW)
                        .statusCode())
                .isEqualTo(201);
        assertThat(post("/api/workflows?source=nightly.yaml", NIGHTLY_WORKFLOW).statusCode())
                .isEqualTo(201);
        services = ArticleServices.start(ArticleServices.Settings.of(kafka.bootstrapServers())
                .withoutLatency()
                .withAlwaysOnlineC()
                .withRetryPolicy(RetryPolicy.newBuilder()
                        .maxAttempts(2)
                        .initialBackoff(Duration.ofMillis(5))
                        .build()));
        flaky = Worker.create(
                WorkerOptions.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .commandTopic(FLAKY_TOPIC)
                        .retryPolicy(RetryPolicy.newBuilder().maxAttempts(1).build())
                        .build(),
                ctx -> {
                    if (ctx.attempt() == 1) {
                        throw NonRetryableException.ofType("ScannerOffline", "the scanner is offline");
                    }
                    return Map.of("checked", true);
                });
        flaky.start();

        startInstance(ArticleServices.WORKFLOW, OK, "o-ok", Map.of("orderId", "o-ok", "sku", "book-42", "amount", 25));
        startInstance(
                ArticleServices.WORKFLOW,
                FAILED,
                "o-failed",
                Map.of("orderId", "o-failed", "sku", "book-42", "amount", 950));
        startInstance("offline-batch", STUCK, "b-1", Map.of("batch", 1));
        startInstance("offline-batch", TO_CANCEL, "b-2", Map.of("batch", 2));
        startInstance("needs-operator", INCIDENT, "c-1", Map.of("parcel", "p-1"));
        startInstance("offline-batch", TO_PAUSE, "b-3", Map.of("batch", 3));
        startInstance("offline-batch", TO_COMPLETE, "b-4", Map.of("batch", 4));
        startInstance("fails-once", TO_REDRIVE, "f-1", Map.of("parcel", "p-2"));
        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> outcome(OK).equals("SUCCEEDED")
                        && outcome(FAILED).equals("FAILED")
                        && instance(FAILED).path("compensated").size() == 3
                        && instance(STUCK).path("status").asText().equals("RUNNING")
                        && instance(TO_CANCEL).path("status").asText().equals("RUNNING")
                        && instance(INCIDENT).path("status").asText().equals("INCIDENT")
                        && instance(TO_PAUSE).path("status").asText().equals("RUNNING")
                        && instance(TO_COMPLETE).path("status").asText().equals("RUNNING")
                        && outcome(TO_REDRIVE).equals("FAILED"));

        browser = HeadlessChromium.start(Path.of("target", "screenshots"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (flaky != null) {
            flaky.close();
        }
        if (services != null) {
            services.close();
        }
        if (api != null) {
            api.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void screenshotAndConsole(TestInfo test) {
        String name = test.getTestMethod().map(m -> m.getName()).orElse("dashboard");
        browser.screenshot(name);
        // A script error, or a library or file that failed to load, shows up here first.
        assertThat(browser.consoleErrors()).as("browser console errors").isEmpty();
    }

    @Test
    void overviewShowsCountsChartsAndWorkflows() {
        browser.open(url("/#/"));
        browser.waitFor(
                "counts loaded", d -> count("COMPLETED") >= 2 && count("SUCCEEDED") >= 1 && count("FAILED") >= 1);
        assertThat(count("RUNNING")).isGreaterThanOrEqualTo(1);
        assertThat(browser.waitForElement(".kpi[data-kpi='FAILED'] .kpi-value").getText())
                .isNotEqualTo("0");

        browser.waitFor("throughput chart drawn", d -> browser.canvasHasPixels("#chart-throughput"));
        assertThat(browser.canvasHasPixels("#chart-failures")).isTrue();

        WebElement article = browser.waitForElement("#workflow-table tr[data-workflow='article']");
        assertThat(article.getText()).contains("article");
        assertThat(browser.all("#workflow-table tr[data-workflow='offline-batch']"))
                .hasSize(1);
        assertThat(browser.attr("#live", "data-state")).isIn("open", "connecting");
    }

    @Test
    void succeededInstanceShowsFourGreenStepsAndItsStatus() {
        openInstance(OK);
        assertThat(stepStates())
                .isEqualTo(Map.of("A", "SUCCEEDED", "B", "SUCCEEDED", "C", "SUCCEEDED", "D", "SUCCEEDED"));
        WebElement status = browser.waitForElement("#status-line");
        assertThat(status.getDomAttribute("data-status")).isEqualTo("COMPLETED");
        assertThat(status.getDomAttribute("data-outcome")).isEqualTo("SUCCEEDED");
        assertThat(status.getText()).contains("COMPLETED").contains("SUCCEEDED").doesNotContain("FAILED");

        assertGraphDrawn();
        for (String step : List.of("A", "B", "C", "D")) {
            assertThat(nodeColour(step)).as("colour of " + step).isEqualTo("rgb(22,163,74)");
        }
        assertThat(browser.all("#compensated")).isEmpty();
        assertThat(timelineEvents())
                .contains("InstanceStarted", "StepCompleted", "InstanceCompleted")
                .doesNotContain("StepFailed");

        // Selecting a step shows its payloads.
        browser.driver.findElement(By.cssSelector("#steps [data-step-id='B']")).click();
        browser.waitFor(
                "step B selected",
                d -> "B".equals(d.findElement(By.id("step-details")).getDomAttribute("data-step-id")));
        assertThat(browser.text("#step-details")).contains("service-b.commands").contains("paymentId");
    }

    @Test
    void failedInstanceShowsFailureAtDAndCompensationOfCBThenA() {
        openInstance(FAILED);
        assertThat(stepStates())
                .isEqualTo(Map.of("A", "COMPENSATED", "B", "COMPENSATED", "C", "COMPENSATED", "D", "FAILED"));
        WebElement status = browser.waitForElement("#status-line");
        assertThat(status.getDomAttribute("data-status")).isEqualTo("COMPLETED");
        assertThat(status.getDomAttribute("data-outcome")).isEqualTo("FAILED");
        assertThat(status.getText()).containsPattern("COMPLETED[\\s\\S]*FAILED");

        assertGraphDrawn();
        assertThat(nodeColour("D")).isEqualTo("rgb(220,38,38)");
        for (String step : List.of("A", "B", "C")) {
            assertThat(nodeColour(step)).as("colour of " + step).isEqualTo("rgb(124,58,237)");
            assertThat(nodeStyle(step, "border-style")).isEqualTo("dashed");
        }
        Number undoEdges = (Number) browser.js("return document.getElementById('graph').cy.edges('[?undo]').length");
        assertThat(undoEdges.intValue())
                .as("dashed undo edges A<-B, A<-C, B<-D, C<-D")
                .isEqualTo(4);

        List<String> compensated = browser.attrs("#compensated .chip[data-step-id]", "data-step-id");
        assertThat(compensated).hasSize(3);
        assertThat(compensated.subList(0, 2)).containsExactlyInAnyOrder("B", "C");
        assertThat(compensated.get(2)).isEqualTo("A");

        WebElement failure = browser.waitForElement("#timeline li[data-event='StepFailed'][data-step-id='D']");
        assertThat(failure.getText()).contains("failed").contains("MailboxRejected");
        assertThat(browser.all("#timeline li[data-event='CompensationCompleted']"))
                .hasSize(3);
        assertThat(browser.text("#failure-callout")).contains("D").contains("MailboxRejected");
        assertThat(browser.attr("#step-details", "data-step-id")).isEqualTo("D");
    }

    @Test
    void instancesListFiltersByOutcomeAndOpensAnInstance() {
        browser.open(url("/#/instances"));
        browser.waitFor(
                "both orders listed", d -> !rows(OK).isEmpty() && !rows(FAILED).isEmpty());

        new Select(browser.waitForElement("#f-outcome")).selectByValue("FAILED");
        browser.waitFor(
                "only failed items", d -> rows(OK).isEmpty() && !rows(FAILED).isEmpty());
        assertThat(browser.attrs("#instance-table tbody tr", "data-outcome"))
                .isNotEmpty()
                .containsOnly("FAILED");
        assertThat(browser.driver.getCurrentUrl()).contains("outcome=FAILED");
        assertThat(browser.text(row(FAILED)))
                .contains("COMPLETED")
                .contains("FAILED")
                .contains("MailboxRejected");

        new Select(browser.waitForElement("#f-outcome")).selectByValue("");
        new Select(browser.waitForElement("#f-status")).selectByValue("RUNNING");
        browser.waitFor(
                "only running instances",
                d -> rows(FAILED).isEmpty() && !rows(STUCK).isEmpty());
        assertThat(browser.text(row(STUCK))).contains("ship");

        browser.open(url("/#/instances?outcome=FAILED"));
        browser.waitFor("failed row clicked", d -> {
            d.findElement(By.cssSelector(row(FAILED))).click();
            return true;
        });
        browser.waitFor("instance view", d -> d.getCurrentUrl().endsWith("#/instance/" + FAILED));
        browser.waitForElement("#instance-view[data-loaded='true']");
    }

    @Test
    void aNewInstanceAppearsLiveWithoutAReload() throws Exception {
        browser.open(url("/#/instances?workflow=" + ArticleServices.WORKFLOW));
        browser.waitFor("list loaded", d -> !rows(OK).isEmpty());
        browser.waitFor(
                "live updates connected",
                d -> "open".equals(d.findElement(By.id("live")).getDomAttribute("data-state")));
        browser.js("window.__sameDocument = true");

        String id = "order-live";
        startInstance(
                ArticleServices.WORKFLOW, id, "o-live", Map.of("orderId", "o-live", "sku", "pen-1", "amount", 10));
        browser.waitFor("the new instance to appear", d -> !rows(id).isEmpty());
        browser.waitFor("the new instance to complete", d -> {
            List<WebElement> r = rows(id);
            return !r.isEmpty() && "SUCCEEDED".equals(r.get(0).getDomAttribute("data-outcome"));
        });
        assertThat(browser.js("return window.__sameDocument === true"))
                .as("no page reload")
                .isEqualTo(true);
        assertThat(Integer.parseInt(browser.attr("#live", "data-events"))).isPositive();
    }

    @Test
    void waitingOnShowsTheStepWhoseWorkerIsOffline() {
        browser.open(url("/#/waiting"));
        String row = "#waiting-table tr[data-workflow='offline-batch'][data-step-id='ship']";
        browser.waitForElement(row);
        assertThat(browser.attr(row, "data-topic")).isEqualTo(OFFLINE_TOPIC);
        assertThat(Integer.parseInt(browser.attr(row, "data-waiting"))).isGreaterThanOrEqualTo(1);
        assertThat(browser.text(row)).contains(OFFLINE_TOPIC).containsPattern("ago|just now");
        assertThat(browser.all("#waiting-table tr[data-workflow='article']")).isEmpty();
        browser.screenshot("waiting-on");

        // The instance itself says what it waits for, and for how long.
        browser.waitFor("row clicked", d -> {
            d.findElement(By.cssSelector(row + " td:nth-child(4)")).click();
            return true;
        });
        browser.waitFor(
                "the instances waiting",
                d -> d.getCurrentUrl().contains("#/instances?workflow=offline-batch&status=RUNNING"));
        browser.waitFor("stuck instance listed", d -> !rows(STUCK).isEmpty());
        openInstance(STUCK);
        assertThat(stepStates()).isEqualTo(Map.of("ship", "RUNNING"));
        assertThat(browser.text("#timeline li[data-event='Waiting'][data-step-id='ship']"))
                .contains("waiting for its worker")
                .contains(OFFLINE_TOPIC);
        assertThat(nodeColour("ship")).isEqualTo("rgb(37,99,235)");
    }

    @Test
    void cancelAsksForConfirmationThenCancels() {
        openInstance(TO_CANCEL);
        assertThat(stepStates()).isEqualTo(Map.of("ship", "RUNNING"));
        assertThat(browser.enabled("#act-cancel")).isTrue();

        browser.waitForElement("#act-cancel").click();
        WebElement dialog = visibleDialog();
        assertThat(dialog.getText()).contains("Cancel this instance?");
        dialog.findElement(By.id("cancel-reason")).sendKeys("customer withdrew the order");
        browser.screenshot("cancel-dialog");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();

        browser.waitFor(
                "cancelled",
                d -> "CANCELLED".equals(d.findElement(By.id("status-line")).getDomAttribute("data-outcome")));
        assertThat(browser.text("#status-line")).contains("CANCELLED");
        assertThat(browser.enabled("#act-cancel")).isFalse();
    }

    @Test
    void retryOfAnIncidentAsksForConfirmationThenRunsTheStepAgain() {
        openInstance(INCIDENT);
        assertThat(stepStates()).isEqualTo(Map.of("check", "FAILED"));
        assertThat(browser.attr("#status-line", "data-status")).isEqualTo("INCIDENT");
        assertThat(browser.text("#instance-callouts")).contains("Incident").contains("ScannerOffline");
        assertThat(browser.enabled("#act-cancel")).isTrue();
        assertThat(browser.enabled("#act-retry")).isTrue();

        browser.waitForElement("#act-retry").click();
        WebElement dialog = visibleDialog();
        assertThat(dialog.getText()).contains("Retry a step?");
        assertThat(new Select(dialog.findElement(By.id("retry-step")))
                        .getFirstSelectedOption()
                        .getDomAttribute("value"))
                .isEqualTo("check");
        browser.screenshot("retry-dialog");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();

        browser.waitFor(
                "retried and succeeded",
                d -> "SUCCEEDED".equals(d.findElement(By.id("status-line")).getDomAttribute("data-outcome")));
        assertThat(stepStates()).isEqualTo(Map.of("check", "SUCCEEDED"));
        assertThat(browser.text("#step-details")).contains(INCIDENT + "/check/2");
        assertThat(browser.enabled("#act-retry")).isFalse();
    }

    @Test
    void pauseAndResumeTakeAReasonAndShowThePausedBadge() throws Exception {
        openInstance(TO_PAUSE);
        awaitLive();
        assertThat(stepStates()).isEqualTo(Map.of("ship", "RUNNING"));
        assertThat(browser.enabled("#act-pause")).isTrue();
        assertThat(browser.waitForElement("#act-resume").isDisplayed()).isFalse();
        assertThat(browser.enabled("#act-redrive"))
                .as("a running instance is not redriven")
                .isFalse();
        assertThat(browser.all("#paused-badge")).isEmpty();

        browser.waitForElement("#act-pause").click();
        WebElement dialog = visibleDialog();
        assertThat(dialog.getText()).contains("Pause this instance?");
        // Without a reason the API refuses: the dialog shows its answer and stays open.
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();
        String refusal = browser.waitFor("the API's refusal in the dialog", d -> {
            WebElement error = d.findElement(By.cssSelector("#confirm .dialog-error"));
            return error.isDisplayed() ? error.getText() : null;
        });
        assertThat(refusal).contains("say why in field 'reason'");
        assertThat(dialog.isDisplayed()).isTrue();
        assertThat(browser.consoleErrors())
                .as("the refused request, and nothing else")
                .singleElement()
                .satisfies(m -> assertThat(m)
                        .contains("/api/instances/" + TO_PAUSE + "/pause")
                        .contains("400"));
        assertThat(instance(TO_PAUSE).path("paused").asBoolean()).isFalse();

        dialog.findElement(By.id("action-reason")).sendKeys("payments maintenance");
        browser.screenshot("pause-dialog");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();
        browser.waitFor("dialog closed", d -> !d.findElement(By.id("confirm")).isDisplayed());

        browser.waitForElement("#paused-badge");
        // Read through browser.text: live updates re-render the header and the timeline under the test's feet.
        assertThat(browser.text("#paused-badge")).isEqualTo("paused");
        assertThat(instance(TO_PAUSE).path("paused").asBoolean()).isTrue();
        assertThat(browser.text("#paused-callout")).contains("Paused");
        assertThat(browser.waitForElement("#act-pause").isDisplayed()).isFalse();
        assertThat(browser.enabled("#act-resume")).isTrue();
        String pausedEntry = "#timeline li[data-event='OperatorActed'][data-action='PAUSE']";
        browser.waitForElement(pausedEntry);
        assertThat(browser.text(pausedEntry)).contains("anonymous paused: payments maintenance");
        browser.screenshot("paused");

        browser.waitForElement("#act-resume").click();
        dialog = visibleDialog();
        assertThat(dialog.getText()).contains("Resume this instance?");
        dialog.findElement(By.id("action-reason")).sendKeys("payments are back");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();

        browser.waitFor(
                "the badge to go", d -> d.findElements(By.id("paused-badge")).isEmpty());
        assertThat(instance(TO_PAUSE).path("paused").asBoolean()).isFalse();
        assertThat(browser.enabled("#act-pause")).isTrue();
        assertThat(browser.text("#timeline li[data-event='OperatorActed'][data-action='RESUME']"))
                .contains("anonymous resumed: payments are back");
        assertThat(stepStates()).isEqualTo(Map.of("ship", "RUNNING"));
    }

    @Test
    void completeByHandChecksTheOutputIsJsonThenSettlesTheStep() throws Exception {
        openInstance(TO_COMPLETE);
        awaitLive();
        assertThat(browser.attr("#step-details", "data-step-id")).isEqualTo("ship");
        assertThat(browser.enabled("#step-details [data-skip='ship']")).isTrue();
        assertThat(browser.enabled("#step-details [data-complete='ship']")).isTrue();

        browser.waitForElement("#step-details [data-complete='ship']").click();
        WebElement dialog = visibleDialog();
        assertThat(dialog.getText()).contains("Complete step ship by hand?");
        WebElement output = dialog.findElement(By.id("complete-output"));
        assertThat(output.getDomProperty("value")).isEqualTo("{}");
        output.clear();
        output.sendKeys("{\"trackingId\": ");
        dialog.findElement(By.id("action-reason")).sendKeys("handed to the courier desk");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();
        String error = browser.waitFor("the JSON error in the dialog", d -> {
            WebElement e = d.findElement(By.cssSelector("#confirm .dialog-error"));
            return e.isDisplayed() ? e.getText() : null;
        });
        assertThat(error).contains("not valid JSON");
        assertThat(dialog.isDisplayed()).isTrue();
        assertThat(instance(TO_COMPLETE).path("status").asText()).isEqualTo("RUNNING");

        output.clear();
        output.sendKeys("{\"trackingId\": \"t-77\"}");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();
        browser.waitFor(
                "completed by hand",
                d -> "SUCCEEDED".equals(d.findElement(By.id("status-line")).getDomAttribute("data-outcome")));
        assertThat(stepStates()).isEqualTo(Map.of("ship", "SUCCEEDED"));
        assertThat(instance(TO_COMPLETE)
                        .path("steps")
                        .get(0)
                        .path("output")
                        .path("trackingId")
                        .asText())
                .isEqualTo("t-77");
        assertThat(browser.text("#step-details")).contains("t-77");
        assertThat(browser.text("#timeline li[data-event='OperatorActed'][data-action='COMPLETE_STEP']"))
                .contains("anonymous completed ship by hand: handed to the courier desk");
        assertThat(browser.enabled("#step-details [data-complete='ship']")).isFalse();
        assertThat(browser.enabled("#step-details [data-skip='ship']")).isFalse();
    }

    @Test
    void redriveOfAFailedInstanceRunsItAgain() throws Exception {
        openInstance(TO_REDRIVE);
        awaitLive();
        assertThat(browser.attr("#status-line", "data-outcome")).isEqualTo("FAILED");
        assertThat(stepStates()).isEqualTo(Map.of("check", "FAILED"));
        assertThat(browser.all("#redrive-count")).isEmpty();
        assertThat(browser.enabled("#act-redrive")).isTrue();
        assertThat(browser.enabled("#act-pause"))
                .as("a completed instance is not paused")
                .isFalse();
        assertThat(browser.enabled("#step-details [data-complete='check']"))
                .as("the item's outcome is decided")
                .isFalse();

        browser.waitForElement("#act-redrive").click();
        WebElement dialog = visibleDialog();
        assertThat(dialog.getText()).contains("Redrive this instance?");
        dialog.findElement(By.id("action-reason")).sendKeys("the scanner is back");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();

        browser.waitFor(
                "redriven and succeeded",
                d -> "SUCCEEDED".equals(d.findElement(By.id("status-line")).getDomAttribute("data-outcome")));
        assertThat(stepStates()).isEqualTo(Map.of("check", "SUCCEEDED"));
        assertThat(browser.attr("#redrive-count", "data-redrives")).isEqualTo("1");
        assertThat(browser.text("#redrive-count")).contains("redriven 1");
        assertThat(instance(TO_REDRIVE).path("redrives").asInt()).isEqualTo(1);
        assertThat(browser.text("#step-details")).contains(TO_REDRIVE + "/check/2");
        assertThat(browser.text("#timeline li[data-event='OperatorActed'][data-action='REDRIVE']"))
                .contains("anonymous redrove the instance: the scanner is back");
        assertThat(browser.all("#timeline li[data-event='StepRedriven'][data-step-id='check']"))
                .hasSize(1);
        assertThat(browser.enabled("#act-redrive")).isFalse();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(resultStatuses(TO_REDRIVE))
                        .as("a second result")
                        .containsExactly("FAILED", "SUCCEEDED"));
    }

    @Test
    void rerunFromAStepOfACompletedInstanceRunsItAgainWithTheNewInput() throws Exception {
        String id = "order-rerun";
        startInstance(
                ArticleServices.WORKFLOW, id, "o-rerun", Map.of("orderId", "o-rerun", "sku", "book-42", "amount", 25));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> outcome(id).equals("SUCCEEDED"));
        openInstance(id);
        awaitLive();
        browser.driver.findElement(By.cssSelector("#steps [data-step-id='C']")).click();
        browser.waitFor(
                "step C selected",
                d -> "C".equals(d.findElement(By.id("step-details")).getDomAttribute("data-step-id")));
        assertThat(browser.enabled("#step-details [data-rerun='C']")).isTrue();

        browser.waitForElement("#step-details [data-rerun='C']").click();
        WebElement dialog = visibleDialog();
        assertThat(dialog.getText()).contains("Rerun from step C?");
        WebElement input = dialog.findElement(By.id("rerun-input"));
        assertThat(input.getDomProperty("value"))
                .as("empty: keep the mapped input")
                .isEmpty();
        input.sendKeys("{\"orderId\": \"o-rerun\", \"address\": ");
        dialog.findElement(By.id("action-reason")).sendKeys("wrong address");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();
        String error = browser.waitFor("the JSON error in the dialog", d -> {
            WebElement e = d.findElement(By.cssSelector("#confirm .dialog-error"));
            return e.isDisplayed() ? e.getText() : null;
        });
        assertThat(error).contains("not valid JSON");
        assertThat(instance(id).path("redrives").asInt()).isZero();

        input.clear();
        input.sendKeys("{\"orderId\": \"o-rerun\", \"sku\": \"book-42\", \"address\": \"Main St 2\"}");
        browser.screenshot("rerun-dialog");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();
        browser.waitFor("dialog closed", d -> !d.findElement(By.id("confirm")).isDisplayed());

        browser.waitFor(
                "rerun and completed again",
                d -> "1".equals(d.findElement(By.id("instance-view")).getDomAttribute("data-redrives"))
                        && "SUCCEEDED"
                                .equals(d.findElement(By.id("status-line")).getDomAttribute("data-outcome")));
        assertThat(stepStates())
                .isEqualTo(Map.of("A", "SUCCEEDED", "B", "SUCCEEDED", "C", "SUCCEEDED", "D", "SUCCEEDED"));
        JsonNode steps = instance(id).path("steps");
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        steps.forEach(st -> byId.put(st.path("id").asText(), st));
        assertThat(byId.get("A").path("attempt").asInt())
                .as("A, before C, does not run again")
                .isEqualTo(1);
        assertThat(byId.get("B").path("attempt").asInt())
                .as("B, beside C, does not run again")
                .isEqualTo(1);
        assertThat(byId.get("C").path("attempt").asInt()).isEqualTo(2);
        assertThat(byId.get("C").path("input").path("address").asText()).isEqualTo("Main St 2");
        assertThat(byId.get("D").path("attempt").asInt())
                .as("D, after C, runs again")
                .isEqualTo(2);
        browser.waitFor(
                "step C's second attempt shown",
                d -> browser.text("#step-details").contains(id + "/C/2"));
        assertThat(browser.text("#step-details")).contains("Main St 2");
        assertThat(browser.text("#timeline li[data-event='OperatorActed'][data-action='RERUN_STEP']"))
                .contains("anonymous reran C: wrong address");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(resultStatuses(id))
                        .as("a result of the new run")
                        .containsExactly("SUCCEEDED", "SUCCEEDED"));
    }

    @Test
    void migrateMovesARunningInstanceToAnotherVersionAndShowsARefusalInTheDialog() throws Exception {
        String topic = "dashboard-it.migrating.commands";
        String v1 = """
                name: migrating
                steps:
                  - id: approve
                    topic: %s
                """.formatted(topic);
        String v2 = v1 + """
                  - id: notify
                    topic: %s
                    after: [approve]
                """.formatted(topic);
        assertThat(post("/api/workflows?source=migrating-v1.yaml", v1).statusCode())
                .isEqualTo(201);
        String id = "migrate-1";
        startInstance("migrating", id, "m-1", Map.of("request", 1));
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> instance(id)
                        .path("steps")
                        .path(0)
                        .path("state")
                        .asText()
                        .equals("RUNNING"));
        var deployed = post("/api/workflows?source=migrating-v2.yaml", v2);
        assertThat(deployed.statusCode()).isEqualTo(201);
        assertThat(Json.mapper().readTree(deployed.body()).path("version").asInt())
                .isEqualTo(2);

        openInstance(id);
        awaitLive();
        assertThat(browser.attr("#instance-version", "data-version")).isEqualTo("1");
        assertThat(stepStates()).isEqualTo(Map.of("approve", "RUNNING"));
        assertThat(browser.enabled("#step-details [data-rerun='approve']"))
                .as("a running instance reruns no step")
                .isFalse();
        assertThat(browser.attr("#step-details [data-rerun='approve']", "title"))
                .contains("Only a completed instance, or one in an incident");
        assertThat(browser.enabled("#act-migrate")).isTrue();

        browser.waitForElement("#act-migrate").click();
        WebElement dialog = visibleDialog();
        assertThat(dialog.getText()).contains("Migrate this instance?");
        Select version = new Select(dialog.findElement(By.id("migrate-version")));
        assertThat(version.getOptions())
                .extracting(o -> o.getDomAttribute("value"))
                .as("the other deployed versions")
                .containsExactly("2");
        // approve's command is out, and its outcome names it: it cannot be renamed now.
        WebElement mapping = dialog.findElement(By.id("migrate-mapping"));
        mapping.sendKeys("approve=notify");
        dialog.findElement(By.id("action-reason")).sendKeys("add the notification");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();
        String refusal = browser.waitFor("the API's refusal in the dialog", d -> {
            WebElement error = d.findElement(By.cssSelector("#confirm .dialog-error"));
            return error.isDisplayed() ? error.getText() : null;
        });
        assertThat(refusal).contains("step 'approve' has work in flight (RUNNING)");
        assertThat(dialog.isDisplayed()).isTrue();
        assertThat(browser.consoleErrors())
                .as("the refused request, and nothing else")
                .singleElement()
                .satisfies(m -> assertThat(m)
                        .contains("/api/instances/" + id + "/migrate")
                        .contains("409"));
        browser.screenshot("migrate-refused");
        assertThat(instance(id).path("version").asInt()).isEqualTo(1);

        mapping.clear();
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();
        browser.waitFor("dialog closed", d -> !d.findElement(By.id("confirm")).isDisplayed());

        browser.waitForElement("#instance-version[data-version='2']");
        browser.waitFor(
                "the new version's steps", d -> stepStates().equals(Map.of("approve", "RUNNING", "notify", "PENDING")));
        assertThat(instance(id).path("version").asInt()).isEqualTo(2);
        assertThat(browser.text("#timeline li[data-event='OperatorActed'][data-action='MIGRATE']"))
                .contains("anonymous migrated the instance: add the notification");
        assertThat(browser.text("#timeline li[data-event='InstanceMigrated']")).contains("moved from version 1 to 2");
    }

    @Test
    void schedulesShowTheNextRunAndPauseAndResumeWithAReason() {
        browser.open(url("/#/schedules"));
        String row = "#schedules-table tr[data-workflow='nightly-reconciliation']";
        browser.waitForElement(row + "[data-state='running']");
        assertThat(browser.text(row + " [data-col='expression']")).isEqualTo("0 2 * * *");
        assertThat(browser.text(row))
                .contains("Europe/Berlin")
                .contains("skip")
                .contains("latest")
                .contains("never");
        assertThat(browser.text(row + " [data-col='next-run']"))
                .startsWith("in ")
                .contains(":00:00");
        assertThat(browser.text(".nav a[data-nav='schedules']")).isEqualTo("Schedules");

        browser.waitForElement(row + " button[data-action='pause']").click();
        WebElement dialog = visibleDialog();
        assertThat(dialog.getText()).contains("Pause the schedule of nightly-reconciliation?");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();
        browser.waitFor(
                "the API's refusal of an empty reason",
                d -> d.findElement(By.cssSelector("#confirm .dialog-error")).isDisplayed());
        assertThat(browser.text("#confirm .dialog-error")).contains("say why in field 'reason'");
        assertThat(browser.consoleErrors()) // reading the log empties it
                .as("the refused request, and nothing else")
                .singleElement()
                .satisfies(m -> assertThat(m)
                        .contains("/api/schedules/nightly-reconciliation/pause")
                        .contains("400"));
        dialog.findElement(By.id("schedule-reason")).sendKeys("month-end freeze");
        browser.screenshot("schedule-pause-dialog");
        dialog.findElement(By.cssSelector("[data-role='confirm']")).click();
        browser.waitForElement(row + "[data-paused='true']");
        assertThat(browser.text(row + " [data-col='state']")).contains("paused").contains("month-end freeze");

        browser.waitForElement(row + " button[data-action='resume']").click();
        WebElement resume = visibleDialog();
        resume.findElement(By.id("schedule-reason")).sendKeys("freeze over");
        resume.findElement(By.cssSelector("[data-role='confirm']")).click();
        browser.waitForElement(row + "[data-paused='false'][data-state='running']");
    }

    @Test
    void aForEachStepShowsItsItemCountsAndOpensEachItem() throws Exception {
        String topic = "dashboard-it.lines.commands";
        assertThat(post("/api/workflows?source=order-lines.yaml", """
                        name: order-lines
                        steps:
                          - id: B
                            topic: %s
                            forEach: { items: $.request.lines, maxConcurrency: 4, toleratedFailures: 1 }
                        """.formatted(topic))
                        .statusCode())
                .isEqualTo(201);
        var lines = new java.util.ArrayList<Map<String, Object>>();
        for (int i = 0; i < 25; i++) {
            lines.add(Map.of("sku", i == 22 ? "discontinued" : "book-" + i));
        }
        try (Worker b = Worker.create(
                WorkerOptions.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .commandTopic(topic)
                        .retryPolicy(RetryPolicy.newBuilder().maxAttempts(1).build())
                        .build(),
                ctx -> {
                    String sku = ctx.input().path("sku").asText();
                    if (sku.equals("discontinued")) {
                        throw NonRetryableException.ofType("OutOfStock", "line " + sku + " is no longer sold");
                    }
                    return Map.of("charged", sku);
                })) {
            b.start();
            startInstance("order-lines", "lines-1", "o-lines", Map.of("lines", lines));
            await().atMost(Duration.ofSeconds(40))
                    .until(() -> outcome("lines-1").equals("SUCCEEDED"));
        }

        openInstance("lines-1");
        assertThat(browser.text("#steps [data-step-id='B'] .items-done")).isEqualTo("25/25");
        browser.driver.findElement(By.cssSelector("#steps [data-step-id='B']")).click();
        browser.waitForElement("#step-details .item-counts");
        assertThat(browser.text("#step-details .item-count[data-count='succeeded']"))
                .isEqualTo("24 succeeded");
        assertThat(browser.text("#step-details .item-count[data-count='failed']"))
                .isEqualTo("1 failed");
        browser.waitFor(
                "first page of items",
                d -> d.findElements(By.cssSelector("#items details[data-index]"))
                                .size()
                        == 20);
        assertThat(browser.text("#items .items-pager")).contains("items 1–20 of 25");

        browser.driver.findElement(By.cssSelector("#items [data-page='1']")).click();
        browser.waitFor(
                "second page of items",
                d -> d.findElements(By.cssSelector("#items details[data-index]"))
                                .size()
                        == 5);
        WebElement failed = browser.waitForElement("#items details[data-index='22']");
        assertThat(failed.getDomAttribute("data-state")).isEqualTo("FAILED");
        failed.findElement(By.tagName("summary")).click();
        browser.waitFor(
                "item 22 open",
                d -> d.findElement(By.cssSelector("#items details[data-index='22'] .item-body"))
                        .isDisplayed());
        assertThat(browser.text("#items details[data-index='22'] .item-body"))
                .contains("no longer sold")
                .contains("lines-1/B#22/1");
        WebElement ok = browser.waitForElement("#items details[data-index='21']");
        ok.findElement(By.tagName("summary")).click();
        browser.waitFor(
                "item 21 open",
                d -> d.findElement(By.cssSelector("#items details[data-index='21'] .item-body"))
                        .isDisplayed());
        assertThat(browser.text("#items details[data-index='21'] .item-body")).contains("book-21");
    }

    // ---- helpers ----

    /** Waits until the page gets live updates, so that the notifications an action causes reach its timeline. */
    static void awaitLive() {
        browser.waitFor(
                "live updates connected",
                d -> "open".equals(d.findElement(By.id("live")).getDomAttribute("data-state")));
    }

    /** The {@code status} of every result of the instance on baton.results, in order. */
    static List<String> resultStatuses(String instanceId) throws Exception {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("baton.results").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            var statuses = new java.util.ArrayList<String>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (instanceId.equals(r.key())) {
                        statuses.add(
                                Json.mapper().readTree(r.value()).path("status").asText());
                    }
                }
            }
            return statuses;
        }
    }

    static WebElement visibleDialog() {
        return browser.waitFor("confirmation dialog", d -> {
            WebElement el = d.findElement(By.id("confirm"));
            return el.isDisplayed() ? el : null;
        });
    }

    static void openInstance(String id) {
        browser.open(url("/#/instance/" + id));
        browser.waitForElement("#instance-view[data-loaded='true']");
        browser.waitForElement("#graph[data-rendered='true']");
    }

    static void assertGraphDrawn() {
        WebElement graph = browser.waitForElement("#graph");
        assertThat(graph.getDomAttribute("data-node-count"))
                .isEqualTo(String.valueOf(browser.all("#steps [data-step-id]").size()));
        assertThat(graph.findElements(By.tagName("canvas"))).isNotEmpty();
        browser.waitFor("graph pixels", d -> browser.canvasHasPixels("#graph canvas"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> stepStates() {
        var pairs = (List<List<String>>)
                browser.js(
                        "return [...document.querySelectorAll('#steps [data-step-id]')].map(e => [e.dataset.stepId, e.dataset.state])");
        var states = new LinkedHashMap<String, String>();
        pairs.forEach(p -> states.put(p.get(0), p.get(1)));
        return states;
    }

    static String nodeColour(String step) {
        return nodeStyle(step, "background-color").replace(" ", "");
    }

    static String nodeStyle(String step, String property) {
        return (String) browser.js(
                "return document.getElementById('graph').cy.getElementById(arguments[0]).style(arguments[1])",
                step,
                property);
    }

    static List<String> timelineEvents() {
        return browser.attrs("#timeline li[data-event]", "data-event");
    }

    static List<WebElement> rows(String instanceId) {
        return browser.driver.findElements(By.cssSelector(row(instanceId)));
    }

    static String row(String instanceId) {
        return "#instance-table tr[data-instance-id='" + instanceId + "']";
    }

    static int count(String kpi) {
        List<WebElement> found = browser.all(".kpi[data-kpi='" + kpi + "'][data-count]");
        return found.isEmpty() ? -1 : Integer.parseInt(found.get(0).getDomAttribute("data-count"));
    }

    static String url(String path) {
        return "http://127.0.0.1:" + api.port() + path;
    }

    static void startInstance(String workflow, String id, String businessKey, Map<String, Object> input)
            throws Exception {
        var body = Json.mapper()
                .writeValueAsString(
                        Map.of("workflow", workflow, "instanceId", id, "businessKey", businessKey, "input", input));
        assertThat(post("/api/instances", body).statusCode()).isEqualTo(202);
    }

    static JsonNode instance(String id) throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(URI.create(url("/api/instances/" + id)))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200
                ? Json.mapper().readTree(r.body())
                : Json.mapper().createObjectNode();
    }

    static String outcome(String id) throws Exception {
        return instance(id).path("outcome").asText("");
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url(path)))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
