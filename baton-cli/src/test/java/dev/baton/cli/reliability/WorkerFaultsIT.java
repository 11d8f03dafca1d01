package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.StepState;
import dev.baton.protocol.Json;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 3: faults on the workers' side. A worker killed in the middle of its commands, a worker that crashes
 * between answering and committing, a worker down for "hours" (a step timeout of seconds), and duplicate, stale and
 * reordered outcomes written straight onto the callback topic. Each time Baton counts exactly one outcome per
 * command: the first valid one.
 */
class WorkerFaultsIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(settings()).start(Duration.ofSeconds(120));
    }

    static OrchestratorSettings settings() {
        // Kafka Streams does not leave its group on close; a short session lets the restarted process in sooner.
        return OrchestratorSettings.newBuilder()
                .bootstrapServers(kafka.bootstrapServers())
                .applicationId("worker-faults")
                .stateDir(dir.resolve("streams"))
                .partitions(4)
                .kafkaProperties(Map.of("session.timeout.ms", 6_000, "heartbeat.interval.ms", 1_500))
                .build();
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        kafka.close();
    }

    @Test
    void shouldCountOneOutcomeWhenAWorkerIsKilledInTheMiddleOfItsCommands() throws Exception {
        try (var load = new ArticleWorkload("hang", kafka.bootstrapServers());
                var workerA = new JavaProcess(
                        "worker-a",
                        Soak.logFile(dir, "hanging-worker-a"),
                        List.of("-Xmx256m"),
                        FaultyWorker.class.getName(),
                        List.of("hang", kafka.bootstrapServers(), load.topic("A")))) {
            load.deploy(load.definition(), orchestrator);
            load.startLedger().startWorkers("B", "C", "D");
            workerA.start();
            List<String> ids = load.ids(0, 12);
            load.write(ids, ids.size());
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> lines(workerA, "HANDLING ").size() >= 4);
            List<String> inTheMiddle = lines(workerA, "HANDLING ");
            workerA.kill();
            Soak.log("killed worker A in the middle of %s", inTheMiddle);

            load.startWorkers("A"); // the replacement, in the same consumer group
            var figures = load.verify(ids, "SUCCEEDED");
            for (String commandId : inTheMiddle) {
                String id = commandId.substring(0, commandId.indexOf('/'));
                assertThat(load.received.count(commandId))
                        .as("redelivered to the replacement: %s", commandId)
                        .isEqualTo(1);
                assertThat(load.stepsCompleted.count(commandId))
                        .as("StepCompleted for %s", commandId)
                        .isEqualTo(1);
                assertThat(load.outcomesIgnored.count(commandId)).isZero();
                var a = orchestrator.localInstance(id).orElseThrow().step("A");
                assertThat(a.state()).isEqualTo(StepState.SUCCEEDED);
                assertThat(a.commandId()).isEqualTo(commandId);
            }
            figures.put("killedMidCommand", inTheMiddle.size());
            Soak.report("WorkerFaultsIT.killedMidCommand", figures);
        }
    }

    @Test
    void shouldIgnoreTheSecondOutcomeWhenAWorkerCrashesBetweenAnsweringAndCommitting() throws Exception {
        try (var load = new ArticleWorkload("halt", kafka.bootstrapServers());
                var workerA = new JavaProcess(
                        "worker-a",
                        Soak.logFile(dir, "halting-worker-a"),
                        List.of("-Xmx256m"),
                        FaultyWorker.class.getName(),
                        List.of("halt-after-outcome", kafka.bootstrapServers(), load.topic("A")))) {
            load.deploy(load.definition(), orchestrator);
            load.startLedger().startWorkers("B", "C", "D");
            workerA.start();
            List<String> ids = load.ids(0, 5);
            load.write(ids, ids.size());
            await().atMost(Duration.ofSeconds(90)).until(() -> !workerA.isAlive());
            List<String> answered = lines(workerA, "ANSWERED ");
            assertThat(answered).as(workerA.tail(40)).hasSize(1);
            String commandId = answered.get(0);
            String id = commandId.substring(0, commandId.indexOf('/'));

            load.startWorkers("A"); // gets the uncommitted command again and answers it a second time
            var figures = load.verify(ids, "SUCCEEDED");
            assertThat(load.received.count(commandId)).as("redelivered").isEqualTo(1);
            assertThat(load.stepsCompleted.count(commandId)).isEqualTo(1);
            assertThat(load.outcomesIgnored.count(commandId)).isEqualTo(1);
            assertThat(load.ignoredReasons.get(commandId)).isEqualTo("DUPLICATE");
            // The first outcome counted; the second changed nothing.
            assertThat(load.firstResult
                            .get(id)
                            .path("output")
                            .path("A")
                            .path("by")
                            .asText())
                    .isEqualTo("the worker that crashed");
            assertThat(orchestrator.localInstance(id).orElseThrow().step("A").output())
                    .isEqualTo(Map.of("by", "the worker that crashed"));
            figures.put("secondOutcomesIgnored", 1);
            Soak.report("WorkerFaultsIT.crashBeforeCommit", figures);
        }
    }

    @Test
    void shouldTimeOutAWorkerThatIsDownForHoursAndUndoItsWorkWhenItComesBack() throws Exception {
        int n = Soak.size("downInstances", 10, 200);
        try (var load = new ArticleWorkload("down", kafka.bootstrapServers())) {
            // "Hours" shortened by configuration: C must answer within 3 seconds.
            load.deploy(load.definition(Duration.ofSeconds(3)), orchestrator);
            load.startLedger().startWorkers("A", "B", "D");
            List<String> ids = load.ids(0, n);
            load.write(ids, n);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> ids.stream().allMatch(id -> load.commands.count(id + "/C/1") == 1));
            // The orchestrator is down while the timeouts fall due; they fire when it is back.
            orchestrator.close();
            Thread.sleep(4_000);
            assertThat(load.results.total()).isZero();
            orchestrator = new Orchestrator(settings()).start(Duration.ofSeconds(120));
            load.awaitResults(ids, Duration.ofSeconds(60), () -> {});
            for (String id : ids) {
                JsonNode result = load.firstResult.get(id);
                assertThat(result.path("status").asText()).isEqualTo("FAILED");
                assertThat(result.path("error").path("stepId").asText()).isEqualTo("C");
                assertThat(result.path("error").path("type").asText()).isEqualTo("Timeout");
                assertThat(Json.mapper().convertValue(result.path("compensated"), List.class))
                        .isEqualTo(List.of("B", "A"));
            }

            load.startWorkers("C"); // back after "hours": it does the work it finds, which must then be undone
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> ids.stream()
                            .allMatch(id -> orchestrator
                                    .localInstance(id)
                                    .map(i -> i.step("C").state() == StepState.COMPENSATED)
                                    .orElse(false)));
            Thread.sleep(2_000);
            assertThat(load.results.total()).as("still one result per instance").isEqualTo(n);
            assertThat(load.results.duplicates()).isZero();
            assertThat(load.completions.total()).isEqualTo(n);
            for (String id : ids) {
                assertThat(load.commands.count(id + "/C/1")).isEqualTo(1);
                assertThat(load.commands.count(id + "/C/1/compensate/1"))
                        .as("C's late work undone once")
                        .isEqualTo(1);
                assertThat(load.commands.count(id + "/A/1/compensate/1")).isEqualTo(1);
                assertThat(load.commands.count(id + "/B/1/compensate/1")).isEqualTo(1);
                assertThat(load.commands.count(id + "/D/1")).isZero();
                assertThat(load.stepsCompleted.count(id + "/C/1")).isEqualTo(1);
            }
            assertThat(load.commands.duplicates()).isZero();
            assertThat(load.received.duplicates()).isZero();
            var figures = new LinkedHashMap<String, Object>();
            figures.put("instances", n);
            figures.put("timedOut", n);
            figures.put("lateWorkUndone", n);
            figures.put("results", load.results.total());
            figures.put("lost", n - load.results.distinct());
            figures.put("duplicated", load.results.duplicates() + load.commands.duplicates());
            Soak.report("WorkerFaultsIT.workerDownForHours", figures);
        }
    }

    @Test
    void shouldChangeNothingBeyondTheFirstValidOutcomeWhenOutcomesAreDuplicatedStaleOrReordered() throws Exception {
        int n = Soak.size("scriptedInstances", 100, 2_000);
        Random random = Soak.random("WorkerFaultsIT.duplicates");
        Map<String, AtomicLong> ignoredPerInstance = new ConcurrentHashMap<>();
        try (var load = new ArticleWorkload("dup", kafka.bootstrapServers())) {
            load.onStatus(r -> {
                JsonNode note = read(r.value());
                if (note.path("type").asText().equals("OutcomeIgnored")
                        && note.path("workflow").asText().equals(load.workflow)) {
                    ignoredPerInstance
                            .computeIfAbsent(note.path("instanceId").asText(), k -> new AtomicLong())
                            .incrementAndGet();
                }
            });
            load.deploy(load.definition(), orchestrator);
            load.startLedger();
            List<String> ids = load.ids(0, n);
            Map<String, String> failAt = new LinkedHashMap<>();
            for (String id : ids) {
                int r = random.nextInt(100);
                failAt.put(id, r < 10 ? "A" : r < 25 ? "B" : r < 40 ? "C" : "");
            }
            try (var worker = new ScriptedWorker(load, failAt, random.nextLong())) {
                load.write(ids, n);
                load.awaitResults(ids, Duration.ofSeconds(120), worker::check);
                Thread.sleep(2_000);
                worker.check();

                for (String id : ids) {
                    JsonNode result = load.firstResult.get(id);
                    String fail = failAt.get(id);
                    assertThat(load.results.count(id)).isEqualTo(1);
                    if (fail.isEmpty()) {
                        assertThat(result.path("status").asText()).as(id).isEqualTo("SUCCEEDED");
                        for (String step : ArticleWorkload.STEPS) {
                            assertThat(result.path("output")
                                            .path(step)
                                            .path("first")
                                            .asBoolean())
                                    .as("%s output of %s", id, step)
                                    .isTrue();
                        }
                    } else {
                        assertThat(result.path("status").asText()).as(id).isEqualTo("FAILED");
                        assertThat(result.path("error").path("stepId").asText())
                                .as(id)
                                .isEqualTo(fail);
                        List<String> expected = switch (fail) {
                            case "A" -> List.of();
                            case "B" -> List.of("C", "A");
                            default -> List.of("B", "A");
                        };
                        assertThat(Json.mapper().convertValue(result.path("compensated"), List.class))
                                .as(id)
                                .isEqualTo(expected);
                    }
                    long ignored = ignoredPerInstance
                            .getOrDefault(id, new AtomicLong())
                            .get();
                    assertThat(ignored)
                            .as("outcomes of %s reported ignored", id)
                            .isEqualTo(worker.extras.get(id).get());
                }
                assertThat(load.results.duplicates()).isZero();
                assertThat(load.completions.total()).isEqualTo(n);
                assertThat(load.commands.duplicates()).isZero();
                assertThat(load.deadLetters.total()).isZero();
                long extras = worker.extras.values().stream()
                        .mapToLong(AtomicLong::get)
                        .sum();
                var figures = new LinkedHashMap<String, Object>();
                figures.put("instances", n);
                figures.put("validOutcomes", worker.valid.get());
                figures.put("duplicateStaleOrReorderedOutcomes", extras);
                figures.put(
                        "reportedIgnored",
                        ignoredPerInstance.values().stream()
                                .mapToLong(AtomicLong::get)
                                .sum());
                figures.put(
                        "failedItems",
                        failAt.values().stream().filter(f -> !f.isEmpty()).count());
                figures.put("lost", n - load.results.distinct());
                figures.put("duplicated", load.results.duplicates() + load.commands.duplicates());
                Soak.report("WorkerFaultsIT.duplicateOutcomes", figures);
            }
        }
    }

    /**
     * Plays the four workers by hand: answers each command with its one valid outcome, surrounded by outcomes that
     * must change nothing (duplicates with another status and output, stale and future attempts, unknown steps and
     * commands, and an outcome for D written before D was even commanded), and counts those extras per instance.
     */
    static final class ScriptedWorker implements AutoCloseable {
        final Map<String, AtomicLong> extras = new ConcurrentHashMap<>();
        final AtomicLong valid = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        ScriptedWorker(ArticleWorkload load, Map<String, String> failAt, long seed) {
            Random random = new Random(seed);
            failAt.keySet().forEach(id -> extras.put(id, new AtomicLong()));
            var consumer = new KafkaConsumer<>(
                    Map.<String, Object>of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            load.bootstrapServers,
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed"),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            var producer = new KafkaProducer<>(
                    Map.<String, Object>of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            load.bootstrapServers,
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.LINGER_MS_CONFIG,
                            1),
                    new ByteArraySerializer(),
                    new ByteArraySerializer());
            thread = new Thread(
                    () -> {
                        try (consumer;
                                producer) {
                            var partitions = new ArrayList<TopicPartition>();
                            for (String step : ArticleWorkload.STEPS) {
                                consumer.partitionsFor(load.topic(step))
                                        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                            }
                            consumer.assign(partitions);
                            consumer.seekToBeginning(partitions);
                            while (running.get()) {
                                for (var record : consumer.poll(Duration.ofMillis(50))) {
                                    JsonNode command = read(record.value());
                                    String id = command.path("instanceId").asText();
                                    String step = command.path("stepId").asText();
                                    String commandId = command.path("commandId").asText();
                                    var out = new ArrayList<byte[]>();
                                    if (command.path("kind").asText().equals("compensate")) {
                                        out.add(outcome(commandId, id, step, true, "first"));
                                        valid.incrementAndGet();
                                        for (int i = random.nextInt(3); i > 0; i--) {
                                            out.add(outcome(commandId, id, step, random.nextBoolean(), "dup"));
                                        }
                                    } else {
                                        if (step.equals("A")) { // reordered: D's outcome before D was commanded
                                            out.add(outcome(id + "/D/1", id, "D", true, "early"));
                                        }
                                        if (random.nextInt(4) == 0) { // reordered: a later attempt's outcome first
                                            out.add(outcome(id + "/" + step + "/2", id, step, true, "future"));
                                        }
                                        out.add(outcome(commandId, id, step, !step.equals(failAt.get(id)), "first"));
                                        valid.incrementAndGet();
                                        for (int i = random.nextInt(4); i > 0; i--) {
                                            out.add(outcome(commandId, id, step, random.nextBoolean(), "dup"));
                                        }
                                        if (random.nextInt(3) == 0) {
                                            out.add(outcome(id + "/" + step + "/0", id, step, false, "stale"));
                                        }
                                        if (random.nextInt(3) == 0) {
                                            out.add(outcome(id + "/Z/1", id, "Z", true, "unknown step"));
                                        }
                                        if (random.nextInt(3) == 0) {
                                            out.add(outcome(
                                                    "not-a-command-" + random.nextInt(),
                                                    id,
                                                    step,
                                                    true,
                                                    "unknown command"));
                                        }
                                    }
                                    extras.get(id).addAndGet(out.size() - 1);
                                    for (byte[] value : out) {
                                        producer.send(new ProducerRecord<>(
                                                        "baton.callbacks", id.getBytes(StandardCharsets.UTF_8), value))
                                                .get();
                                    }
                                }
                            }
                        } catch (Throwable t) {
                            failure.set(t);
                        }
                    },
                    "scripted-worker");
            thread.setDaemon(true);
            thread.start();
        }

        static byte[] outcome(String commandId, String id, String step, boolean succeeded, String mark) {
            var m = new LinkedHashMap<String, Object>();
            m.put("commandId", commandId);
            m.put("instanceId", id);
            m.put("stepId", step);
            m.put("status", succeeded ? "SUCCEEDED" : "FAILED");
            if (succeeded) {
                m.put("output", Map.of(mark, true));
            } else {
                m.put("error", Map.of("type", "Scripted", "message", mark));
            }
            return dev.baton.protocol.Json.mapper().valueToTree(m).toString().getBytes(StandardCharsets.UTF_8);
        }

        void check() {
            if (failure.get() != null) {
                throw new AssertionError("the scripted worker failed", failure.get());
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    static JsonNode read(byte[] value) {
        try {
            return Json.mapper().readTree(value);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> lines(JavaProcess process, String prefix) {
        return process.log()
                .lines()
                .filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()).trim())
                .collect(Collectors.toCollection(ArrayList::new));
    }
}
