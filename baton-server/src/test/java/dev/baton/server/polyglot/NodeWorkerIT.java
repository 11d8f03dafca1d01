package dev.baton.server.polyglot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Outcome;
import dev.baton.protocol.Json;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import dev.baton.worker.NonRetryableException;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker in another language: {@code baton-examples/node-worker/worker.js} (Node.js, kafkajs), written from
 * docs/protocol.md alone, serves the {@code label} step of a two-step workflow against a real broker and a real
 * orchestrator. The second step, {@code ship}, is an SDK worker that rejects undeliverable orders, so that the Node.js
 * worker has to compensate its label. Skipped only where {@code node} is not on the PATH.
 */
@TestMethodOrder(OrderAnnotation.class)
class NodeWorkerIT {
    static final String LABEL_TOPIC = "node.label.commands";
    static final String SHIP_TOPIC = "node.ship.commands";
    static final String RESULTS = "node.results";
    static final String CALLBACKS = "baton.callbacks";

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static Worker shipping;
    static Process node;
    static final List<String> nodeOutput = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBrokerOrchestratorAndWorkers() throws Exception {
        assumeTrue(
                onPath("node"),
                "NodeWorkerIT skipped: 'node' is not on the PATH (install Node.js 18 or newer to run it)");
        Path workerDir = workerDir();
        run(workerDir, Duration.ofMinutes(3), onPath("npm") ? "npm" : "npm.cmd", "ci", "--no-audit", "--no-fund");

        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("it-node")
                        .stateDir(dir.resolve("streams"))
                        .partitions(1)
                        .build())
                .start(Duration.ofSeconds(60));

        shipping = Worker.create(
                WorkerOptions.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .commandTopic(SHIP_TOPIC)
                        .retryPolicy(RetryPolicy.newBuilder()
                                .maxAttempts(2)
                                .initialBackoff(Duration.ofMillis(10))
                                .build())
                        .build(),
                ctx -> {
                    if (ctx.input().path("undeliverable").asBoolean(false)) {
                        throw NonRetryableException.ofType("Undeliverable", "no carrier serves " + ctx.instanceId());
                    }
                    return Map.of("trackingId", "T-" + ctx.instanceId());
                });
        shipping.start();

        ProcessBuilder pb = new ProcessBuilder("node", "worker.js")
                .directory(workerDir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        pb.environment().put("COMMAND_TOPIC", LABEL_TOPIC);
        pb.environment().put("GROUP_ID", "node-it");
        pb.environment().put("MAX_ATTEMPTS", "3");
        pb.environment().put("BACKOFF_MS", "50");
        node = pb.start();
        Thread pump = new Thread(
                () -> {
                    try (var in =
                            new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            nodeOutput.add(line);
                            System.out.println("[node] " + line);
                        }
                    } catch (IOException e) {
                        // the process is gone
                    }
                },
                "node-worker-output");
        pump.setDaemon(true);
        pump.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null && node.isAlive()) {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (shipping != null) {
            shipping.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void shouldRunTheNodeWorkersStepAndCompensateItWhenALaterStepFails() throws Exception {
        var def = orchestrator.deploy(WorkflowDefinition.builder("node-shipping")
                .resultTopic(RESULTS)
                .step("label", s -> s.topic(LABEL_TOPIC).compensate(LABEL_TOPIC))
                .step("ship", s -> s.topic(SHIP_TOPIC).after("label"))
                .build());
        start(def.name(), "node-ok", Map.of("orderId", "o-1", "flaky", 1)); // the Node worker fails once, then succeeds
        start(def.name(), "node-fail", Map.of("orderId", "o-2", "undeliverable", true));
        start(def.name(), "node-reject", Map.of("orderId", "o-3", "reject", true));

        try (var results = new Reader(RESULTS);
                var callbacks = new Reader(CALLBACKS)) {
            await().atMost(Duration.ofSeconds(45))
                    .until(() -> results.byKey().keySet().containsAll(List.of("node-ok", "node-fail", "node-reject")));
            Thread.sleep(500); // a duplicate result or outcome would arrive by now
            var byKey = results.byKey();

            ResultMessage ok = single(byKey.get("node-ok"));
            assertThat(ok.status()).isEqualTo(Outcome.SUCCEEDED);
            JsonNode output = Json.mapper().valueToTree(ok.output());
            assertThat(output.path("label").path("labelId").asText()).isEqualTo("LBL-o-1");
            assertThat(output.path("label").path("printedBy").asText()).isEqualTo("node");
            assertThat(output.path("label").path("tries").asInt()).isEqualTo(2);
            assertThat(output.path("ship").path("trackingId").asText()).isEqualTo("T-node-ok");

            ResultMessage failed = single(byKey.get("node-fail"));
            assertThat(failed.status()).isEqualTo(Outcome.FAILED);
            assertThat(failed.error()).containsEntry("stepId", "ship").containsEntry("type", "Undeliverable");
            assertThat(failed.compensated()).containsExactly("label");

            ResultMessage rejected = single(byKey.get("node-reject"));
            assertThat(rejected.status()).isEqualTo(Outcome.FAILED);
            assertThat(rejected.error()).containsEntry("stepId", "label").containsEntry("type", "LabelRejected");
            assertThat(rejected.compensated()).isEmpty();

            // What the Node.js worker wrote on the callback topic: exactly one outcome per command, as the protocol
            // says.
            List<JsonNode> fromNode = callbacks.values().stream()
                    .map(NodeWorkerIT::json)
                    .filter(o -> o.path("stepId").asText().equals("label"))
                    .toList();
            assertThat(fromNode)
                    .extracting(o -> o.path("commandId").asText())
                    .doesNotHaveDuplicates()
                    .hasSize(4);
            JsonNode okOutcome = only(fromNode, "node-ok", "execute");
            assertThat(okOutcome.path("commandId").asText()).isEqualTo("node-ok/label/1");
            assertThat(okOutcome.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(okOutcome.path("attempts").asInt()).isEqualTo(2);
            JsonNode undo = only(fromNode, "node-fail", "compensate");
            assertThat(undo.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(undo.path("output").path("voided").asText()).isEqualTo("LBL-o-2");
            assertThat(undo.path("output").path("voidedBy").asText()).isEqualTo("node");
            JsonNode reject = only(fromNode, "node-reject", "execute");
            assertThat(reject.path("status").asText()).isEqualTo("FAILED");
            assertThat(reject.path("attempts").asInt()).isEqualTo(1); // not retried
            assertThat(reject.path("error").path("message").asText()).isEqualTo("no label for order o-3");
        }
    }

    @Test
    @Order(2)
    void shouldStopGracefullyOnSigterm() throws Exception {
        node.destroy(); // SIGTERM
        assertThat(node.waitFor(20, TimeUnit.SECONDS))
                .as("the Node.js worker stops within 20 s")
                .isTrue();
        // 0 only comes from the worker's SIGTERM handler (disconnect, then exit); a process killed by the signal exits
        // 143.
        // Its "stopping (SIGTERM)" log line is not asserted: under load it was sometimes missing from the captured
        // output.
        assertThat(node.exitValue()).isZero();
    }

    /** The outcome the Node.js worker wrote for an instance's execute ({@code <id>/label/1}) or compensate command. */
    private static JsonNode only(List<JsonNode> outcomes, String instanceId, String kind) {
        String executeId = instanceId + "/label/1";
        List<JsonNode> matching = outcomes.stream()
                .filter(o -> o.path("instanceId").asText().equals(instanceId))
                .filter(o ->
                        kind.equals("execute") == o.path("commandId").asText().equals(executeId))
                .toList();
        assertThat(matching).as("%s outcomes of %s", kind, instanceId).hasSize(1);
        return matching.get(0);
    }

    private static ResultMessage single(List<String> values) {
        assertThat(values).as("results of one instance").hasSize(1);
        return ResultMessage.parse(values.get(0).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String value) {
        try {
            return Json.mapper().readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void start(String workflow, String id, Map<String, Object> input) {
        orchestrator.start(id, new StartRequest(workflow, null, input, null));
    }

    /** baton-examples/node-worker, from the module's directory (where Maven runs tests) or the project root. */
    private static Path workerDir() {
        Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        for (Path candidate : List.of(base.resolveSibling("baton-examples"), base.resolve("baton-examples"))) {
            if (Files.isRegularFile(candidate.resolve("node-worker/worker.js"))) {
                return candidate.resolve("node-worker");
            }
        }
        throw new IllegalStateException("baton-examples/node-worker/worker.js not found from " + base);
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command)) || Files.isExecutable(Path.of(d, command + ".exe"))) {
                return true;
            }
        }
        return false;
    }

    private static void run(Path workDir, Duration timeout, String... command) throws Exception {
        Path log = dir.resolve(command[0] + ".log");
        Process p = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue()
                    + ":\n" + Files.readString(log));
        }
    }

    /** Reads a whole topic from the beginning in the background, read_committed: what a downstream consumer sees. */
    static final class Reader implements AutoCloseable {
        private final List<Map.Entry<String, String>> records = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Reader(String topic) {
            var consumer = new KafkaConsumer<>(
                    Map.<String, Object>of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            kafka.bootstrapServers(),
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed"),
                    new StringDeserializer(),
                    new StringDeserializer());
            thread = new Thread(
                    () -> {
                        try (consumer) {
                            List<TopicPartition> partitions = new ArrayList<>();
                            while (running.get() && partitions.isEmpty()) { // the topic may not exist yet
                                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                                if (partitions.isEmpty()) {
                                    sleep(100);
                                }
                            }
                            consumer.assign(partitions);
                            consumer.seekToBeginning(partitions);
                            while (running.get()) {
                                consumer.poll(Duration.ofMillis(100))
                                        .forEach(r -> records.add(Map.entry(r.key(), r.value())));
                            }
                        }
                    },
                    "reader-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        Map<String, List<String>> byKey() {
            var map = new java.util.HashMap<String, List<String>>();
            records.forEach(
                    e -> map.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
            return map;
        }

        List<String> values() {
            return records.stream().map(Map.Entry::getValue).toList();
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }
}
