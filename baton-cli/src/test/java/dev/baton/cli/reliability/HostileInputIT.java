package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.protocol.Json;
import dev.baton.server.api.AccessControl;
import dev.baton.server.api.HttpApi;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorMetrics;
import dev.baton.server.runtime.OrchestratorSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 4: a fuzzer ({@link HostileInput}, jqwik generators) writes malformed and hostile records to the
 * request and callback topics, interleaved with valid traffic (whose inputs are themselves edgy: deep, large,
 * exotic Unicode), hostile records to the definitions topic, and fuzzed definitions to the HTTP API. Then:
 *
 * <ul>
 *   <li>the orchestrator kept running (never left RUNNING/REBALANCING, no stream thread died);</li>
 *   <li>every record meant for the dead-letter topic is there exactly once, at its origin, with a reason in words
 *       (never "internal error", never an exception class name), and nothing else is;</li>
 *   <li>every well-formed but meaningless record was reported exactly once on baton.status as OutcomeIgnored or
 *       RequestIgnored;</li>
 *   <li>every valid instance completed exactly once (the same checks as after a crash);</li>
 *   <li>every fuzzed definition got 200 or 400 with problems from the API, never a 500 or a stack trace.</li>
 * </ul>
 *
 * <p>CI: 6,000 hostile records, 300 valid instances, 300 definitions. Soak: 100,000, 3,000 and 5,000.
 */
class HostileInputIT {
    static final int LIMIT = 64 * 1024;

    @TempDir
    static Path dir;

    @Test
    void shouldDeadLetterOrIgnoreEveryHostileRecordAndStillCompleteEveryValidInstance() throws Exception {
        int hostileCount = Soak.size("hostileRecords", 6_000, 100_000);
        int validCount = Soak.size("hostileValidInstances", 300, 3_000);
        int definitionCount = Soak.size("hostileDefinitions", 300, 5_000);
        Random random = Soak.random("HostileInputIT");
        long t0 = System.nanoTime();
        var registry = new SimpleMeterRegistry();
        try (var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                var orchestrator = new Orchestrator(
                                OrchestratorSettings.newBuilder()
                                        .bootstrapServers(kafka.bootstrapServers())
                                        .applicationId("hostile")
                                        .stateDir(dir.resolve("streams"))
                                        .partitions(4)
                                        .maxPayloadBytes(LIMIT)
                                        .build(),
                                new OrchestratorMetrics(registry))
                        .start(Duration.ofSeconds(120));
                var load = new ArticleWorkload("clean", kafka.bootstrapServers());
                var producer = new KafkaProducer<>(
                        Map.<String, Object>of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers(),
                                ProducerConfig.LINGER_MS_CONFIG,
                                5,
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            var states = new CopyOnWriteArrayList<KafkaStreams.State>();
            var watching = new AtomicBoolean(true);
            Thread watcher = new Thread(
                    () -> {
                        while (watching.get()) {
                            KafkaStreams.State s = orchestrator.state();
                            if (s != KafkaStreams.State.RUNNING && s != KafkaStreams.State.REBALANCING) {
                                states.add(s);
                            }
                            ArticleWorkload.sleep(50);
                        }
                    },
                    "state-watcher");
            watcher.setDaemon(true);
            watcher.start();

            // What Baton publishes about the hostile records: dead letters by origin, notifications by traceparent.
            Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters = new ConcurrentHashMap<>();
            Map<String, List<JsonNode>> notifications = new ConcurrentHashMap<>();
            load.onStatus(r -> {
                var trace = r.headers().lastHeader("traceparent");
                if (trace != null) {
                    notifications
                            .computeIfAbsent(
                                    new String(trace.value(), StandardCharsets.UTF_8),
                                    k -> new CopyOnWriteArrayList<>())
                            .add(WorkerFaultsIT.read(r.value()));
                }
            });
            load.deploy(load.definition(), orchestrator);
            load.startLedger().startWorkers();
            var dlqReader = new Ledger(
                    kafka.bootstrapServers(),
                    Map.of(
                            "baton.dlq",
                            r -> deadLetters
                                    .computeIfAbsent(
                                            header(r, "baton.dlq.topic") + "/" + header(r, "baton.dlq.partition") + "/"
                                                    + header(r, "baton.dlq.offset"),
                                            k -> new CopyOnWriteArrayList<>())
                                    .add(r)));

            // Valid traffic, with edgy but valid inputs.
            List<String> ids = load.ids(0, validCount);
            load.write(ids, 100, Double.MAX_VALUE, id -> edgyInput(id.hashCode()));
            HostileInput.Valid valid = new HostileInput.Valid() {
                @Override
                public String workflow() {
                    return load.workflow;
                }

                @Override
                public String written(Random r) {
                    List<String> written = load.acknowledged();
                    return written.isEmpty() ? null : written.get(r.nextInt(written.size()));
                }

                @Override
                public String finished(Random r) {
                    List<String> written = load.acknowledged();
                    for (int i = 0; i < 5 && !written.isEmpty(); i++) {
                        String id = written.get(r.nextInt(written.size()));
                        if (load.results.count(id) > 0) {
                            return id;
                        }
                    }
                    return null;
                }
            };

            // The hostile records, sent as the valid traffic flows.
            var fuzzer = new HostileInput(random.nextLong(), LIMIT, valid);
            var sent = new ArrayList<Map.Entry<HostileInput.Hostile, Future<RecordMetadata>>>();
            var definitionsSent = 0;
            long paceDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(Soak.on() ? 30 : 2);
            for (int i = 0; i < hostileCount; i++) {
                // Interleaved: the hostile records go out as the valid instances progress, so that some are about
                // instances that have finished (duplicates, stale outcomes, a cancel after the result).
                while (load.results.distinct() < 0.8 * i * validCount / hostileCount
                        && System.nanoTime() < paceDeadline) {
                    Thread.sleep(5);
                }
                HostileInput.Hostile h = fuzzer.next();
                sent.add(Map.entry(
                        h, producer.send(new ProducerRecord<>(h.topic(), null, h.key(), h.value(), h.headers()))));
                if (i % 100 == 0) {
                    // Hostile records on the definitions topic too: Baton must ignore what is not a definition.
                    // (Every record has a key: the broker itself refuses a keyless record on a compacted topic.)
                    producer.send(new ProducerRecord<>(
                            "baton.definitions",
                            ("fuzz:" + i).getBytes(StandardCharsets.UTF_8),
                            hostileDefinitionRecord(random, i)));
                    definitionsSent++;
                }
                if (i % 500 == 0) {
                    producer.flush();
                }
            }
            producer.flush();
            long garbageAboutValid = sent.stream()
                    .filter(e -> e.getKey().category().equals("garbage about a valid instance"))
                    .count();
            load.expectedDeadLetters = garbageAboutValid;
            Soak.log("sent %d hostile records and %d hostile definition records", sent.size(), definitionsSent);

            // Fuzzed definitions through the HTTP API, meanwhile.
            var definitionFigures = postFuzzedDefinitions(orchestrator, definitionCount);

            // Wait until Baton has dealt with every hostile record: dead letters by origin, notifications by
            // traceparent.
            var expectedDead = new LinkedHashMap<String, HostileInput.Hostile>();
            var expectedIgnored = new LinkedHashMap<String, HostileInput.Hostile>();
            for (var e : sent) {
                RecordMetadata m = e.getValue().get(60, TimeUnit.SECONDS);
                HostileInput.Hostile h = e.getKey();
                if (h.expect() == HostileInput.Expect.DEAD_LETTER) {
                    expectedDead.put(m.topic() + "/" + m.partition() + "/" + m.offset(), h);
                } else {
                    expectedIgnored.put(h.traceparent(), h);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while ((!deadLetters.keySet().containsAll(expectedDead.keySet())
                            || !notifications.keySet().containsAll(expectedIgnored.keySet()))
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Thread.sleep(2_000);
            dlqReader.check();

            // Valid instances: all complete, exactly once.
            var figures = load.verify(ids, "SUCCEEDED");

            // Every dead letter expected, at its origin, exactly once, with a reason in words; nothing else.
            var problems = new ArrayList<String>();
            var byCategory = new TreeMap<String, Integer>();
            for (var e : expectedDead.entrySet()) {
                HostileInput.Hostile h = e.getValue();
                byCategory.merge(h.category(), 1, Integer::sum);
                List<ConsumerRecord<byte[], byte[]>> letters = deadLetters.getOrDefault(e.getKey(), List.of());
                if (letters.size() != 1) {
                    problems.add(h.category() + " at " + e.getKey() + ": " + letters.size()
                            + " dead letters; value starts " + preview(h.value()));
                    continue;
                }
                String reason = header(letters.get(0), "baton.dlq.reason");
                if (reason == null
                        || reason.isBlank()
                        || reason.startsWith("internal error")
                        || !reason.contains(h.reason())
                        || DefinitionFuzz.LEAKED_EXCEPTION.matcher(reason).find()) {
                    problems.add(h.category() + " at " + e.getKey() + ": reason '" + reason + "' (expected '"
                            + h.reason() + "')");
                }
            }
            for (String origin : deadLetters.keySet()) {
                if (!expectedDead.containsKey(origin)) {
                    var r = deadLetters.get(origin).get(0);
                    problems.add("unexpected dead letter from " + origin + ": " + header(r, "baton.dlq.reason")
                            + "; value starts " + preview(r.value()));
                }
            }
            for (var e : expectedIgnored.entrySet()) {
                HostileInput.Hostile h = e.getValue();
                byCategory.merge(h.category(), 1, Integer::sum);
                List<JsonNode> notes = notifications.getOrDefault(e.getKey(), List.of());
                String[] expected = h.reason().split("/");
                if (notes.size() != 1
                        || !notes.get(0).path("type").asText().equals(expected[0])
                        || (expected.length > 1
                                && !notes.get(0).path("reason").asText().equals(expected[1]))) {
                    problems.add(h.category() + " " + e.getKey() + ": expected one " + h.reason() + ", got " + notes);
                }
            }
            assertThat(problems)
                    .as(
                            "%d problems, e.g. %s",
                            problems.size(), problems.stream().limit(15).toList())
                    .isEmpty();

            watching.set(false);
            watcher.join();
            assertThat(states)
                    .as("orchestrator states other than RUNNING/REBALANCING")
                    .isEmpty();
            assertThat(orchestrator.state()).isEqualTo(KafkaStreams.State.RUNNING);
            registry.getMeters().stream()
                    .filter(m -> m.getId().getName().contains("failed.stream.threads"))
                    .forEach(m -> assertThat(m.measure().iterator().next().getValue())
                            .as("stream threads that died")
                            .isZero());
            assertThat(orchestrator
                            .definitions()
                            .latest(load.workflow)
                            .orElseThrow()
                            .version())
                    .isEqualTo(1);
            dlqReader.close();

            figures.put("hostileRecords", sent.size());
            figures.put("deadLettered", expectedDead.size());
            figures.put("reportedIgnored", expectedIgnored.size());
            figures.put("hostileDefinitionRecords", definitionsSent);
            figures.putAll(definitionFigures);
            figures.put("byCategory", byCategory);
            figures.put("seconds", Duration.ofNanos(System.nanoTime() - t0).toSeconds());
            Soak.report("HostileInputIT", figures);
        }
    }

    /** Valid inputs that are hard to handle: deep (but within the limit), large, exotic Unicode, extreme numbers. */
    static Object edgyInput(int seed) {
        return switch (Math.floorMod(seed, 6)) {
            case 0 -> {
                Object deep = "bottom";
                for (int i = 0; i < 120; i++) {
                    deep = List.of(deep);
                }
                yield Map.of("deep", deep);
            }
            case 1 -> Map.of("big", "y".repeat(40_000));
            case 2 -> Map.of("text", "😀 \u202Eevil\u202C \u0000 \uFEFF zero\u200Bwidth ﷽ \"quoted\" \\ back");
            case 3 ->
                Map.of(
                        "numbers",
                        List.of(
                                1e308,
                                -0.0,
                                Long.MAX_VALUE,
                                new java.math.BigInteger("1" + "0".repeat(100)),
                                new java.math.BigDecimal("0.000000000000000000000000001")));
            case 4 -> List.of("not", "an", "object");
            default -> Map.of("n", seed);
        };
    }

    static byte[] hostileDefinitionRecord(Random random, int i) {
        return switch (random.nextInt(5)) {
            case 0 -> null;
            case 1 -> "{not json".getBytes(StandardCharsets.UTF_8);
            case 2 -> ("[".repeat(5_000) + "]".repeat(5_000)).getBytes(StandardCharsets.UTF_8);
            case 3 -> new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1};
            default -> DefinitionFuzz.definitions().sample().getBytes(StandardCharsets.UTF_8);
        };
    }

    /** POSTs fuzzed definitions to {@code /api/workflows/validate}: each must get 200, or 400 with clear problems. */
    static Map<String, Object> postFuzzedDefinitions(Orchestrator orchestrator, int count) throws Exception {
        var figures = new LinkedHashMap<String, Object>();
        try (HttpApi api = new HttpApi(orchestrator, AccessControl.open()).start("127.0.0.1", 0)) {
            HttpClient http = HttpClient.newHttpClient();
            int ok = 0;
            int rejected = 0;
            var bad = new ArrayList<String>();
            var it = DefinitionFuzz.definitions().sampleStream().iterator();
            for (int i = 0; i < count; i++) {
                String yaml = it.next();
                var response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/workflows/validate"))
                                .header("Content-Type", "application/yaml")
                                .POST(HttpRequest.BodyPublishers.ofString(yaml))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    ok++;
                } else if (response.statusCode() == 400) {
                    rejected++;
                    JsonNode body = Json.mapper().readTree(response.body());
                    if (body.path("problems").isEmpty()
                            || DefinitionFuzz.LEAKED_EXCEPTION
                                    .matcher(response.body())
                                    .find()) {
                        bad.add("400 without clear problems: " + response.body());
                    }
                } else {
                    bad.add(response.statusCode() + ": " + response.body() + " for\n" + yaml);
                }
            }
            assertThat(bad)
                    .as("fuzzed definitions the API did not answer with 200 or a clear 400")
                    .isEmpty();
            figures.put("definitionsPosted", count);
            figures.put("definitionsValid", ok);
            figures.put("definitionsRejected", rejected);
        }
        return figures;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String preview(byte[] value) {
        if (value == null) {
            return "<null>";
        }
        String s = new String(value, 0, Math.min(value.length, 120), StandardCharsets.UTF_8);
        return "'" + s.replace("\n", "\\n") + "' (" + value.length + " bytes)";
    }
}
