package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionReader;
import dev.baton.engine.Outcome;
import dev.baton.protocol.Json;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.StartRequest;
import dev.baton.server.api.HttpApi;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.StepHandler;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time and loops on a real broker: a sleep of two seconds ends on its timer; a start a few seconds ahead happens
 * then, also when the orchestrator restarts before it is due; a deadline fails an order stuck on a worker that never
 * answers and undoes its first step; a loop asks for a parcel's status round after round until it has shipped.
 */
class TimeIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;
    static TopicReader results;
    static TopicReader status;
    static final List<Worker> workers = new ArrayList<>();
    /** When each command reached its worker, by instance id and step id. */
    static final Map<String, Instant> executedAt = new ConcurrentHashMap<>();

    static final List<String> compensated = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> trackRounds = new ConcurrentHashMap<>();
    static final HttpClient http = HttpClient.newHttpClient();

    static final String DEFINITIONS = """
            name: time-nap
            resultTopic: time.results
            steps:
              - id: A
                topic: time-a.commands
                compensate: time-a.commands
              - id: nap
                after: A
                sleep: PT2S
              - id: B
                topic: time-b.commands
                after: nap
            """;

    static OrchestratorSettings settings(String applicationId, Path stateDir, BatonTopics topics) {
        return OrchestratorSettings.newBuilder()
                .bootstrapServers(kafka.bootstrapServers())
                .applicationId(applicationId)
                .stateDir(stateDir)
                .topics(topics)
                .partitions(2)
                .timerResolution(Duration.ofMillis(200))
                .build();
    }

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(settings("time-it", dir.resolve("streams"), BatonTopics.defaults()))
                .start(Duration.ofSeconds(60));
        api = new HttpApi(orchestrator).start("127.0.0.1", 0);
        orchestrator.deploy(DefinitionReader.read(DEFINITIONS, "time-nap.yaml"));
        orchestrator.deploy(DefinitionReader.read("""
                name: time-deadline
                resultTopic: time.results
                deadline: { after: PT3S, then: fail }
                steps:
                  - id: A
                    topic: time-a.commands
                    compensate: time-a.commands
                  - id: stuck
                    topic: time-nobody.commands
                    after: A
                """, "time-deadline.yaml"));
        orchestrator.deploy(DefinitionReader.read("""
                name: time-track
                resultTopic: time.results
                steps:
                  - id: A
                    topic: time-a.commands
                    compensate: time-a.commands
                  - id: track
                    topic: time-track.commands
                    after: A
                    repeat: { until: "$.steps.track.output.status == 'shipped'", max: 5, delay: PT1S }
                """, "time-track.yaml"));
        worker("time-a.commands", ctx -> Map.of("reserved", ctx.instanceId()));
        worker("time-b.commands", ctx -> Map.of("charged", ctx.instanceId()));
        worker("time-track.commands", ctx -> {
            int round = trackRounds
                    .computeIfAbsent(ctx.instanceId(), k -> new AtomicInteger())
                    .incrementAndGet();
            return Map.of("status", round >= 3 ? "shipped" : "packing", "round", round);
        });
        results = new TopicReader(kafka.bootstrapServers(), "time.results");
        status = new TopicReader(kafka.bootstrapServers(), "baton.status");
    }

    static void worker(String topic, StepHandler execute) {
        Worker w = Worker.create(
                        WorkerOptions.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .commandTopic(topic)
                                .retryPolicy(
                                        RetryPolicy.newBuilder().maxAttempts(1).build())
                                .build(),
                        ctx -> {
                            executedAt.putIfAbsent(ctx.instanceId() + "/" + ctx.stepId(), Instant.now());
                            return execute.handle(ctx);
                        })
                .onCompensate(ctx -> {
                    compensated.add(ctx.instanceId() + "/" + ctx.stepId());
                    return null;
                });
        w.start();
        workers.add(w);
    }

    @AfterAll
    static void stop() throws Exception {
        workers.forEach(Worker::close);
        results.close();
        status.close();
        api.close();
        orchestrator.close();
        kafka.close();
    }

    @Test
    void shouldGoOnAfterASleepOfTwoSeconds() throws Exception {
        orchestrator.start("nap-1", new StartRequest("time-nap", null, Map.of(), null));
        await().atMost(Duration.ofSeconds(60)).until(() -> results("nap-1").size() == 1);
        ResultMessage result = results("nap-1").get(0);
        assertThat(result.status()).isEqualTo(Outcome.SUCCEEDED);
        Duration slept = Duration.between(executedAt.get("nap-1/A"), executedAt.get("nap-1/B"));
        assertThat(slept).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(20));
        assertThat(types("nap-1")).containsSubsequence("StepStarted", "StepSleeping", "StepCompleted");
    }

    @Test
    void shouldRecordADelayedStartAtOnceAndStartItWhenDue() throws Exception {
        Instant startAt = Instant.now().plusSeconds(4);
        var response = post(
                "/api/instances",
                "{\"workflow\":\"time-nap\",\"instanceId\":\"later-1\",\"startAt\":\"" + startAt + "\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> instance("later-1").path("startsAt").asText().equals(startAt.toString()));
        JsonNode waiting = instance("later-1");
        assertThat(waiting.path("status").asText()).isEqualTo("RUNNING");
        assertThat(executedAt).doesNotContainKey("later-1/A");
        await().atMost(Duration.ofSeconds(60)).until(() -> executedAt.containsKey("later-1/A"));
        assertThat(executedAt.get("later-1/A")).isAfterOrEqualTo(startAt);
        assertThat(post("/api/instances", "{\"workflow\":\"time-nap\",\"startAt\":\"soon\"}")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void shouldStartADelayedInstanceThatCameDueWhileTheOrchestratorWasDown() throws Exception {
        var topics = BatonTopics.withPrefix("restart.");
        var settings = settings("time-it-restart", dir.resolve("streams-restart"), topics);
        Instant startAt;
        try (var first = new Orchestrator(settings).start(Duration.ofSeconds(60));
                var restartResults = new TopicReader(kafka.bootstrapServers(), "restart.time.results")) {
            first.deploy(DefinitionReader.read(
                    DEFINITIONS.replace("time.results", "restart.time.results"), "time-nap.yaml"));
            startAt = Instant.now().plusSeconds(6);
            first.start("restart-1", new StartRequest("time-nap", null, Map.of(), null, null, startAt));
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> first.localInstance("restart-1").isPresent());
            assertThat(first.localInstance("restart-1").orElseThrow().startsAt())
                    .isEqualTo(startAt);
            first.close();
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), startAt).toMillis()) + 1000);
            assertThat(executedAt)
                    .as("nothing started while no orchestrator ran")
                    .doesNotContainKey("restart-1/A");
            try (var second = new Orchestrator(settings).start(Duration.ofSeconds(60))) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> restartResults.withKey("restart-1").size() == 1);
                assertThat(ResultMessage.parse(restartResults
                                        .withKey("restart-1")
                                        .get(0)
                                        .value())
                                .status())
                        .isEqualTo(Outcome.SUCCEEDED);
                assertThat(executedAt.get("restart-1/A")).isAfter(startAt);
            }
        }
    }

    @Test
    void shouldFailAnOrderStuckOnAWorkerThatNeverAnswersAtItsDeadlineAndUndoItsFirstStep() throws Exception {
        orchestrator.start("late-1", new StartRequest("time-deadline", null, Map.of(), null));
        await().atMost(Duration.ofSeconds(60)).until(() -> results("late-1").size() == 1);
        ResultMessage result = results("late-1").get(0);
        assertThat(result.status()).isEqualTo(Outcome.FAILED);
        assertThat(result.error()).containsEntry("type", "DeadlineExceeded");
        assertThat(result.compensated()).containsExactly("A");
        assertThat(compensated).contains("late-1/A");
        JsonNode instance = instance("late-1");
        assertThat(step(instance, "stuck").path("state").asText()).isEqualTo("ABANDONED");
        assertThat(instance.path("deadlineAt").asText()).isNotEmpty();
    }

    @Test
    void shouldAskRoundAfterRoundUntilTheParcelHasShipped() throws Exception {
        orchestrator.start("track-1", new StartRequest("time-track", null, Map.of(), null));
        await().atMost(Duration.ofSeconds(60)).until(() -> results("track-1").size() == 1);
        ResultMessage result = results("track-1").get(0);
        assertThat(result.status()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(Json.mapper()
                        .valueToTree(result.output())
                        .path("track")
                        .path("round")
                        .asInt())
                .isEqualTo(3);
        assertThat(trackRounds.get("track-1").get()).isEqualTo(3);
        assertThat(types("track-1").stream().filter("StepRoundCompleted"::equals))
                .hasSize(2);
        JsonNode track = step(instance("track-1"), "track");
        assertThat(track.path("round").asInt()).isEqualTo(3);
        assertThat(track.path("commandId").asText()).isEqualTo("track-1/track/3");
    }

    private static List<ResultMessage> results(String id) {
        return results.withKey(id).stream()
                .map(r -> ResultMessage.parse(r.value()))
                .toList();
    }

    private static List<String> types(String id) throws Exception {
        var out = new ArrayList<String>();
        for (var r : status.withKey(id)) {
            out.add(Json.mapper().readTree(r.value()).path("type").asText());
        }
        return out;
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode instance(String id) throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/instances/" + id))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(r.body());
    }

    private static JsonNode step(JsonNode instance, String stepId) {
        for (JsonNode s : instance.path("steps")) {
            if (s.path("id").asText().equals(stepId)) {
                return s;
            }
        }
        throw new AssertionError("no step " + stepId + " in " + instance);
    }
}
