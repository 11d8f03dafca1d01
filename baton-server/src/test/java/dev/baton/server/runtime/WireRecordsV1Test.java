package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionReader;
import dev.baton.engine.Failure;
import dev.baton.engine.Notification;
import dev.baton.engine.Notification.CompensationCompleted;
import dev.baton.engine.Notification.CompensationFailed;
import dev.baton.engine.Notification.CompensationStarted;
import dev.baton.engine.Notification.IgnoredBecause;
import dev.baton.engine.Notification.IncidentRaised;
import dev.baton.engine.Notification.InstanceCompleted;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.Notification.InstanceStarted;
import dev.baton.engine.Notification.OutcomeIgnored;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.Notification.StepCompleted;
import dev.baton.engine.Notification.StepFailed;
import dev.baton.engine.Notification.StepRetryScheduled;
import dev.baton.engine.Notification.StepSkipped;
import dev.baton.engine.Notification.StepStarted;
import dev.baton.engine.Notification.StepTimedOut;
import dev.baton.engine.Outcome;
import dev.baton.protocol.Json;
import dev.baton.protocol.StatusMessage;
import dev.baton.protocol.WorkerOutcome;
import dev.baton.worker.internal.Command;
import dev.baton.worker.internal.CommandParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The previous release's wire records (protocol version 1, in src/test/resources/wire/v1, written by that release's
 * own code: see MakeV1Records.java.txt there) against the current code. During a rolling upgrade both versions read
 * each other's records, so:
 *
 * <ul>
 *   <li>the previous release's definitions, requests and worker outcomes, replayed through the current topology,
 *       produce the same records: every field, value and header the previous release wrote is still there (new
 *       fields may be added; a dead letter's reason is a sentence for people and may be reworded);
 *   <li>the timer store holds the same bytes, which the previous release reads on a rollback;
 *   <li>its commands parse with the current worker SDK, its outcomes with the current orchestrator, and every status
 *       type it wrote is still written with all of its fields.
 * </ul>
 *
 * A failure here means a change that breaks a mixed-version cluster: see docs/compatibility.md before changing a
 * fixture.
 */
class WireRecordsV1Test {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final List<String> OUTPUT_TOPICS = List.of(
            "service-a.commands",
            "service-b.commands",
            "service-c.commands",
            "service-d.commands",
            "baton.http",
            "baton.results",
            "baton.status",
            "baton.dlq");

    private TopologyTestDriver driver;

    @BeforeEach
    void start() throws IOException {
        var settings = OrchestratorSettings.newBuilder()
                .clock(Clock.fixed(T0, ZoneOffset.UTC))
                .timerResolution(Duration.ofMillis(100))
                .retention(Duration.ofDays(7))
                .build();
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "wire-v1");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                OrchestratorTopology.build(
                        settings, new DefinitionRegistry(), new OrchestratorMetrics(new SimpleMeterRegistry())),
                props,
                T0);
        var definitions =
                driver.createInputTopic("baton.definitions", new ByteArraySerializer(), new ByteArraySerializer());
        definitions.pipeInput(bytes("article:0000000001"), fixture("definition-article.json"));
        definitions.pipeInput(bytes("hook:0000000001"), fixture("definition-hook.json"));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldReadThePreviousReleasesDefinitions() throws IOException {
        var article = DefinitionReader.read(
                new String(fixture("definition-article.json"), StandardCharsets.UTF_8), "definition-article.json");
        assertThat(article.steps()).hasSize(4);
        assertThat(article.step("C").orElseThrow().timeout()).contains(Duration.ofSeconds(30));
        var hook = DefinitionReader.read(
                new String(fixture("definition-hook.json"), StandardCharsets.UTF_8), "definition-hook.json");
        assertThat(hook.step("call").orElseThrow().http().orElseThrow().retry().maxAttempts())
                .isEqualTo(3);
    }

    @Test
    void shouldWriteEveryRecordThePreviousReleaseWroteForTheSameInput() throws IOException {
        Map<String, List<TestRecord<byte[], byte[]>>> written = replay();

        for (String name : List.of(
                "command-execute",
                "command-execute-with-timeout",
                "command-compensate",
                "http-call",
                "result-succeeded",
                "result-failed",
                "dead-letter-request",
                "dead-letter-outcome")) {
            JsonNode old = json(fixture(name + ".json"));
            TestRecord<byte[], byte[]> now = written.values().stream()
                    .flatMap(List::stream)
                    .filter(r -> sameRecord(old, r))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError("no record like the previous release's " + name + ": " + old));
            assertContains(name, old, json(now.value()));
            Map<String, String> oldHeaders = headers(json(fixture(name + ".headers.json")));
            Map<String, String> newHeaders = headers(now);
            if (name.startsWith("dead-letter")) {
                assertThat(newHeaders.get("baton.dlq.reason"))
                        .as(name + ": a reason")
                        .isNotBlank();
                oldHeaders.remove("baton.dlq.reason");
            }
            assertThat(newHeaders).as(name + ": the previous release's headers").containsAllEntriesOf(oldHeaders);
        }
    }

    @Test
    void shouldWriteTheStatusStreamOfThePreviousReleaseWithEveryField() throws IOException {
        List<TestRecord<byte[], byte[]>> status = replay().get("baton.status");
        String[] old = new String(fixture("status-of-the-scenario.jsonl"), StandardCharsets.UTF_8).split("\n");

        assertThat(status).as("status messages").hasSize(old.length);
        for (int i = 0; i < old.length; i++) {
            assertContains(
                    "status message " + (i + 1),
                    json(bytes(old[i])),
                    json(status.get(i).value()));
        }
    }

    @Test
    void shouldStoreTimersAsThePreviousReleaseDidSoThatItReadsThemAfterARollback() throws IOException {
        List<Map<String, String>> snapshots = new ArrayList<>();
        replay(snapshots);

        assertThat(snapshots).hasSize(3);
        for (Map<String, String> taken : snapshots) {
            String name = taken.remove("fixture");
            Map<String, String> old = new LinkedHashMap<>();
            for (JsonNode e : json(fixture(name))) {
                old.put(e.path("key").asText(), e.path("value").asText());
            }
            assertThat(taken).as(name + ": keys and values, byte for byte").isEqualTo(old);
            old.forEach((key, value) -> assertThat(
                            TimerCodec.read(key, bytes(value)).key())
                    .as(name + ": read by this version")
                    .isEqualTo(key));
        }
    }

    @Test
    void shouldParseThePreviousReleasesCommandsWithTheWorkerSdk() throws Exception {
        var parser = new CommandParser(Json.mapper());
        Command execute = parser.parse(fixture("command-execute.json"), new RecordHeaders());
        assertThat(execute.commandId()).isEqualTo("item-1/A/1");
        assertThat(execute.kind()).isEqualTo(Command.EXECUTE);
        assertThat(execute.input().path("orderId").asText()).isEqualTo("o-1");
        Command compensate = parser.parse(fixture("command-compensate.json"), new RecordHeaders());
        assertThat(compensate.kind()).isEqualTo(Command.COMPENSATE);
        assertThat(compensate.input().path("output").path("by").asText()).isEqualTo("B");
    }

    @Test
    void shouldParseThePreviousReleasesOutcomes() throws IOException {
        WorkerOutcome succeeded = WorkerOutcome.parse(fixture("outcome-succeeded.json"));
        assertThat(succeeded.succeeded()).isTrue();
        assertThat(succeeded.commandId()).isEqualTo("item-1/A/1");
        WorkerOutcome failed = WorkerOutcome.parse(fixture("outcome-failed.json"));
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.error().type()).isEqualTo("OutOfStock");
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(WorkerOutcome.parse(fixture("outcome-compensated.json")).commandId())
                .isEqualTo("item-2/B/1/compensate/1");
        assertThat(WorkerOutcome.parse(fixture("outcome-http-retryable.json")).retryable())
                .isTrue();
    }

    @Test
    void shouldWriteEveryStatusTypeOfThePreviousReleaseWithAllItsFields() throws IOException {
        for (Notification n : statusExamples()) {
            JsonNode old = json(fixture("status/" + n.type() + ".json"));
            assertContains(n.type(), old, json(StatusMessage.toJson(n, "order-fulfilment")));
        }
    }

    /** The notifications MakeV1Records wrote with the previous release's writer, same values. */
    private static List<Notification> statusExamples() {
        String id = "order-7";
        Instant at = Instant.parse("2026-11-26T10:15:02.113Z");
        Failure declined = new Failure("charge", "CardDeclined", "card declined by issuer");
        return List.of(
                new InstanceStarted(id, "order-fulfilment", 2, at),
                new StepStarted(id, "charge", "order-7/charge/1", 1, at),
                new StepCompleted(id, "charge", "order-7/charge/1", at),
                new StepSkipped(id, "gift-wrap", at),
                new StepFailed(id, "charge", "order-7/charge/1", declined, at),
                new StepRetryScheduled(
                        id,
                        "notify-crm",
                        "order-7/notify-crm/1",
                        new Failure("notify-crm", "HTTP_503", "503 Service Unavailable"),
                        1,
                        Instant.parse("2026-11-26T10:15:04.113Z"),
                        at),
                new StepTimedOut(id, "ship", "order-7/ship/1", at),
                new InstanceFailing(id, Outcome.FAILED, declined, at),
                new CompensationStarted(id, "reserve", "order-7/reserve/1/compensate", at),
                new CompensationCompleted(id, "reserve", "order-7/reserve/1/compensate", at),
                new CompensationFailed(
                        id,
                        "reserve",
                        "order-7/reserve/1/compensate",
                        new Failure("reserve", "WarehouseDown", "warehouse unreachable"),
                        at),
                new IncidentRaised(id, "reserve", "compensation of reserve failed: warehouse unreachable", at),
                new InstanceCompleted(id, Outcome.FAILED, at),
                new OutcomeIgnored(id, "charge", "order-7/charge/1", IgnoredBecause.DUPLICATE, at),
                new RequestIgnored(id, "StartInstance", "an instance with this id exists already", at));
    }

    private Map<String, List<TestRecord<byte[], byte[]>>> replay() throws IOException {
        return replay(new ArrayList<>());
    }

    /**
     * Pipes the previous release's inputs (inputs.jsonl) into the current topology in their order, takes the timer
     * store's contents where the generator did, and returns what was written to each output topic.
     */
    private Map<String, List<TestRecord<byte[], byte[]>>> replay(List<Map<String, String>> timerSnapshots)
            throws IOException {
        var ser = new ByteArraySerializer();
        Map<String, TestInputTopic<byte[], byte[]>> inputs = Map.of(
                "baton.requests", driver.createInputTopic("baton.requests", ser, ser),
                "baton.callbacks", driver.createInputTopic("baton.callbacks", ser, ser));
        for (String line : new String(fixture("inputs.jsonl"), StandardCharsets.UTF_8).split("\n")) {
            JsonNode in = json(bytes(line));
            if (in.has("timers")) {
                var snapshot = new LinkedHashMap<String, String>();
                KeyValueStore<String, byte[]> store = driver.getKeyValueStore(OrchestratorTopology.TIMER_STORE);
                try (var it = store.all()) {
                    it.forEachRemaining(kv -> snapshot.put(kv.key, new String(kv.value, StandardCharsets.UTF_8)));
                }
                snapshot.put("fixture", in.path("timers").asText());
                timerSnapshots.add(snapshot);
            } else {
                inputs.get(in.path("topic").asText())
                        .pipeInput(
                                bytes(in.path("key").asText()),
                                bytes(in.path("value").asText()));
            }
        }
        var written = new LinkedHashMap<String, List<TestRecord<byte[], byte[]>>>();
        for (String topic : OUTPUT_TOPICS) {
            written.put(
                    topic,
                    driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                            .readRecordsToList());
        }
        return written;
    }

    /** The same record: same command id, or same instance and status (results), or same dead-lettered value. */
    private static boolean sameRecord(JsonNode old, TestRecord<byte[], byte[]> candidate) {
        JsonNode now;
        try {
            now = json(candidate.value());
        } catch (IOException | AssertionError e) {
            return false;
        }
        if (old.has("commandId")) {
            return old.path("commandId").equals(now.path("commandId"));
        }
        if (old.has("status") && old.has("instanceId")) {
            return old.path("instanceId").equals(now.path("instanceId"))
                    && old.path("status").equals(now.path("status"))
                    && !now.has("type");
        }
        return old.equals(now) && !now.has("type");
    }

    /** Every field of {@code old} is in {@code now} with the same value; objects compared field by field. */
    private static void assertContains(String what, JsonNode old, JsonNode now) {
        if (old.isObject()) {
            assertThat(now.isObject()).as("%s: %s is an object", what, now).isTrue();
            old.fields().forEachRemaining(e -> {
                assertThat(now.has(e.getKey()))
                        .as("%s: field '%s' of %s is still written (in %s)", what, e.getKey(), old, now)
                        .isTrue();
                assertContains(what + "." + e.getKey(), e.getValue(), now.get(e.getKey()));
            });
        } else {
            assertThat(now).as(what).isEqualTo(old);
        }
    }

    private static Map<String, String> headers(JsonNode fixture) {
        var m = new LinkedHashMap<String, String>();
        fixture.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static Map<String, String> headers(TestRecord<byte[], byte[]> r) {
        var m = new LinkedHashMap<String, String>();
        r.headers().forEach(h -> m.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        return m;
    }

    private static JsonNode json(byte[] value) throws IOException {
        return Json.mapper().readTree(value);
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = WireRecordsV1Test.class.getResourceAsStream("/wire/v1/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
