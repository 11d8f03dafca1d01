package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionReader;
import dev.baton.protocol.Json;
import dev.baton.server.api.HttpApi;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules on a real broker: an every-second schedule starts one instance per tick through a restart, a second
 * orchestrator process and a fail-over, with no tick doubled and none lost (catch-up {@code all}); a paused schedule
 * starts nothing until it is resumed; a skip schedule never runs two instances at once.
 */
class ScheduleIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    static OrchestratorSettings settings(String prefix, String stateDir) {
        return OrchestratorSettings.newBuilder()
                .bootstrapServers(kafka.bootstrapServers())
                .applicationId(prefix + "-it")
                .topics(BatonTopics.withPrefix(prefix + "."))
                .stateDir(dir.resolve(stateDir))
                .partitions(2)
                .schedules(true)
                // why: ticks that pass while no process runs are then missed, so catch-up is what brings them back
                .scheduleGrace(Duration.ofSeconds(1))
                .build();
    }

    @Test
    void shouldStartEachTickOnceThroughARestartASecondProcessAndAFailOver() throws Exception {
        String workflow = "tick";
        // why first: a reader that asks for a topic before the orchestrator creates it has it auto-created, unsized
        var first = new Orchestrator(settings("ticks", "first")).start(Duration.ofSeconds(60));
        try (var requests = new TopicReader(kafka.bootstrapServers(), "ticks.requests");
                var status = new TopicReader(kafka.bootstrapServers(), "ticks.status")) {
            first.deploy(DefinitionReader.read("""
                    name: tick
                    schedule: { every: PT1S, overlap: all, catchUp: all, catchUpLimit: 100, input: { batch: ticks } }
                    steps:
                      - id: count
                        topic: ticks-count.commands
                    """, "tick.yaml"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> starts(requests, workflow).size() >= 3);

            first.close(); // a restart: ticks pass while nothing runs
            Thread.sleep(3_000);
            var second = new Orchestrator(settings("ticks", "second")).start(Duration.ofSeconds(60));
            int beforeThird = starts(requests, workflow).size();
            var third = new Orchestrator(settings("ticks", "third")).start(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> starts(requests, workflow).size() >= beforeThird + 3);

            second.close(); // a fail-over to the third process, wherever the schedules' task was
            int beforeFailOver = starts(requests, workflow).size();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> starts(requests, workflow).size() >= beforeFailOver + 4);
            // every start request became an instance, once; checked while a process still runs to process them
            List<String> written = starts(requests, workflow);
            // why long: right after the fail-over the third process restores the instances' partitions it took over
            await().atMost(Duration.ofSeconds(120))
                    .untilAsserted(() -> assertThat(instancesStarted(status, workflow))
                            .doesNotHaveDuplicates()
                            .containsAll(written));
            third.close();

            List<String> ids = starts(requests, workflow);
            assertThat(ids).as("no tick started twice").doesNotHaveDuplicates();
            List<Instant> ticks = ids.stream()
                    .map(id -> Instant.parse(id.substring(id.indexOf('@') + 1)))
                    .toList();
            var sorted = new TreeSet<>(ticks);
            for (Instant t = sorted.first(); t.isBefore(sorted.last()); t = t.plusSeconds(1)) {
                assertThat(sorted).as("tick %s started (catch-up all)", t).contains(t);
            }
            assertThat(sorted.size()).isGreaterThanOrEqualTo(13);
            assertThat(ids).containsAll(instancesStarted(status, workflow));
            var request = json(requests.withKey(ids.get(0)).get(0));
            assertThat(request.path("input").path("batch").asText()).isEqualTo("ticks");
        }
    }

    @Test
    void shouldStartNothingWhilePausedAndNeverOverlapWithSkip() throws Exception {
        var metrics = new OrchestratorMetrics(new SimpleMeterRegistry());
        List<Worker> workers = new ArrayList<>();
        try (var orchestrator = new Orchestrator(settings("paused", "paused"), metrics).start(Duration.ofSeconds(60));
                var api = new HttpApi(orchestrator).start("127.0.0.1", 0);
                var requests = new TopicReader(kafka.bootstrapServers(), "paused.requests");
                var status = new TopicReader(kafka.bootstrapServers(), "paused.status")) {
            orchestrator.deploy(DefinitionReader.read("""
                    name: nightly
                    schedule: { every: PT1S, overlap: skip }
                    steps:
                      - id: reconcile
                        topic: paused-reconcile.commands
                    """, "nightly.yaml"));
            // a reconciliation takes 1.5 s, so every other tick or so finds it still running
            Worker worker = Worker.create(
                    WorkerOptions.newBuilder()
                            .bootstrapServers(kafka.bootstrapServers())
                            .commandTopic("paused-reconcile.commands")
                            .retryPolicy(RetryPolicy.newBuilder().maxAttempts(1).build())
                            .build(),
                    ctx -> {
                        Thread.sleep(1_500);
                        return Map.of("reconciled", true);
                    });
            worker.start();
            workers.add(worker);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> starts(requests, "nightly").size() >= 3);

            var paused = post(api, "/api/schedules/nightly/pause", "{\"reason\":\"month-end freeze\"}");
            assertThat(paused.statusCode()).isEqualTo(202);
            assertThat(post(api, "/api/schedules/nightly/pause", "{}").statusCode())
                    .as("a reason is required")
                    .isEqualTo(400);
            assertThat(post(api, "/api/schedules/nobody/pause", "{\"reason\":\"x\"}")
                            .statusCode())
                    .isEqualTo(404);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> schedule(api, "nightly").path("paused").asBoolean());
            JsonNode row = schedule(api, "nightly");
            assertThat(row.path("pausedBy").asText()).isNotBlank();
            assertThat(row.path("pauseReason").asText()).isEqualTo("month-end freeze");
            assertThat(row.path("expression").asText()).isEqualTo("every PT1S");
            assertThat(row.path("overlap").asText()).isEqualTo("skip");
            assertThat(Instant.parse(row.path("nextRun").asText()))
                    .isAfter(Instant.now().minusSeconds(2));
            int atPause = starts(requests, "nightly").size();
            Thread.sleep(3_000);
            assertThat(starts(requests, "nightly")).as("no start while paused").hasSize(atPause);

            assertThat(post(api, "/api/schedules/nightly/resume", "{\"reason\":\"freeze over\"}")
                            .statusCode())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> starts(requests, "nightly").size() >= atPause + 2);
            assertThat(schedule(api, "nightly").path("paused").asBoolean()).isFalse();
            assertThat(schedule(api, "nightly").path("lastRun").isTextual()).isTrue();

            // skip: an instance starts only after the one before it completed
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> completions(status).size() >= atPause + 2);
            List<JsonNode> events = status.records().stream()
                    .map(ScheduleIT::json)
                    .filter(s -> s.path("instanceId").asText().startsWith("nightly@"))
                    .filter(s -> List.of("InstanceStarted", "InstanceCompleted")
                            .contains(s.path("type").asText()))
                    .toList();
            int running = 0;
            for (JsonNode e : events) {
                running += e.path("type").asText().equals("InstanceStarted") ? 1 : -1;
                assertThat(running).as("instances of nightly running at once").isLessThanOrEqualTo(1);
            }
            assertThat(metrics.registry()
                            .get("baton.schedule.skipped")
                            .tag("reason", "overlap")
                            .counter()
                            .count())
                    .isGreaterThan(0);
            // why at least: the counter counts as the start is decided, before its transaction commits and the
            // reader sees it; the schedule keeps ticking meanwhile
            int seen = starts(requests, "nightly").size();
            assertThat(metrics.registry().get("baton.schedule.starts").counter().count())
                    .isGreaterThanOrEqualTo(seen);
        } finally {
            workers.forEach(Worker::close);
        }
    }

    private static List<String> instancesStarted(TopicReader status, String workflow) {
        return status.records().stream()
                .map(ScheduleIT::json)
                .filter(s -> s.path("type").asText().equals("InstanceStarted"))
                .map(s -> s.path("instanceId").asText())
                .filter(id -> id.startsWith(workflow + "@"))
                .toList();
    }

    private static List<String> completions(TopicReader status) {
        return status.records().stream()
                .map(ScheduleIT::json)
                .filter(s -> s.path("type").asText().equals("InstanceCompleted"))
                .map(s -> s.path("instanceId").asText())
                .filter(id -> id.startsWith("nightly@"))
                .toList();
    }

    private static List<String> starts(TopicReader requests, String workflow) {
        return requests.records().stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .filter(k -> k.startsWith(workflow + "@"))
                .toList();
    }

    private static JsonNode schedule(HttpApi api, String workflow) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/schedules"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        for (JsonNode row : Json.mapper().readTree(response.body())) {
            if (row.path("workflow").asText().equals(workflow)) {
                return row;
            }
        }
        throw new AssertionError("no schedule of " + workflow + " in " + response.body());
    }

    private static HttpResponse<String> post(HttpApi api, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return Json.mapper().readTree(r.value());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
