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
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paused worker topic on a real broker, through the REST API: while {@code shop-payments.commands} is paused, 50
 * orders reserve their stock and their payment commands wait in the orchestrator; resumed at 20 commands per second
 * per partition, every payment command goes out once, no faster than that, and every order finishes.
 */
class TopicPauseIT {
    static final String PAYMENTS = "shop-payments.commands";
    static final int ORDERS = 50;
    static final int RATE = 20;
    static final int PARTITIONS = 2;

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;
    static TopicReader results;
    static TopicReader paymentCommands;
    static TopicReader stockCommands;
    static final List<Worker> workers = new ArrayList<>();
    static final Map<String, AtomicInteger> paymentsHandled = new ConcurrentHashMap<>();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .topicPauses(true)
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("topic-pause-it")
                        .stateDir(dir.resolve("streams"))
                        .partitions(PARTITIONS)
                        .build())
                .start(Duration.ofSeconds(60));
        api = new HttpApi(orchestrator).start("127.0.0.1", 0);
        orchestrator.deploy(DefinitionReader.read("""
                name: shop
                resultTopic: shop.results
                steps:
                  - id: reserve
                    topic: shop-stock.commands
                  - id: charge
                    topic: shop-payments.commands
                    after: [reserve]
                  - id: ship
                    topic: shop-shipping.commands
                    after: [charge]
                """, "shop.yaml"));
        worker("shop-stock.commands", ctx -> Map.of("reservation", "r-" + ctx.instanceId()));
        worker(PAYMENTS, ctx -> {
            paymentsHandled
                    .computeIfAbsent(ctx.instanceId(), id -> new AtomicInteger())
                    .incrementAndGet();
            return Map.of("payment", "p-" + ctx.instanceId());
        });
        worker("shop-shipping.commands", ctx -> Map.of("tracking", "t-" + ctx.instanceId()));
        results = new TopicReader(kafka.bootstrapServers(), "shop.results");
        paymentCommands = new TopicReader(kafka.bootstrapServers(), PAYMENTS);
        stockCommands = new TopicReader(kafka.bootstrapServers(), "shop-stock.commands");
    }

    static void worker(String topic, dev.baton.worker.StepHandler execute) {
        Worker w = Worker.create(
                WorkerOptions.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .commandTopic(topic)
                        .retryPolicy(RetryPolicy.newBuilder().maxAttempts(1).build())
                        .build(),
                execute);
        w.start();
        workers.add(w);
    }

    @AfterAll
    static void stop() throws Exception {
        workers.forEach(Worker::close);
        results.close();
        paymentCommands.close();
        stockCommands.close();
        api.close();
        orchestrator.close();
        kafka.close();
    }

    @Test
    void shouldHoldPaymentCommandsWhilePausedAndReleaseEachOnceAtTheRate() throws Exception {
        assertThat(post("/api/topics/" + PAYMENTS + "/pause", "{}").statusCode())
                .as("a pause needs a reason")
                .isEqualTo(400);
        assertThat(post("/api/topics/baton.status/pause", "{\"reason\":\"x\"}").statusCode())
                .as("Baton's own topics cannot be paused")
                .isEqualTo(400);
        assertThat(post("/api/topics/" + PAYMENTS + "/resume", "{\"reason\":\"x\"}")
                        .statusCode())
                .as("not paused")
                .isEqualTo(409);
        HttpResponse<String> paused =
                post("/api/topics/" + PAYMENTS + "/pause", "{\"reason\":\"payments maintenance\"}");
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(paused.body()).path("releaseRate").asInt())
                .isEqualTo(TopicPause.DEFAULT_RELEASE_RATE);

        for (int i = 0; i < ORDERS; i++) {
            orchestrator.start("order-" + i, new StartRequest("shop", null, Map.of("orderId", i), null));
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> held(PAYMENTS) == ORDERS);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(stockCommands.records())
                        .as("other topics flow")
                        .hasSize(ORDERS));
        JsonNode row = pausedRow(PAYMENTS);
        assertThat(row.path("paused").asBoolean()).isTrue();
        assertThat(row.path("actor").asText()).isEqualTo("anonymous");
        assertThat(row.path("reason").asText()).isEqualTo("payments maintenance");
        // Absence over a while: the orchestrator had every chance to send the payment commands, and did not.
        Thread.sleep(1_000);
        assertThat(paymentCommands.records())
                .as("no payment command while paused")
                .isEmpty();
        assertThat(results.records()).isEmpty();

        long resumedAt = System.currentTimeMillis();
        assertThat(post(
                                "/api/topics/" + PAYMENTS + "/resume",
                                "{\"reason\":\"maintenance over\",\"releaseRate\":" + RATE + "}")
                        .statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> results.records().size() == ORDERS);
        long finishedAt = System.currentTimeMillis();

        assertThat(results.records())
                .extracting(r -> ResultMessage.parse(r.value()).status())
                .containsOnly(Outcome.SUCCEEDED);
        List<ConsumerRecord<byte[], byte[]>> commands = paymentCommands.records();
        assertThat(commands).hasSize(ORDERS);
        assertThat(commands.stream().map(r -> commandId(r)).distinct().count())
                .as("each payment command delivered once")
                .isEqualTo(ORDERS);
        assertThat(paymentsHandled).hasSize(ORDERS);
        assertThat(paymentsHandled.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));

        // Released no faster than the rate: each partition's task releases its own commands at RATE per second.
        Map<Integer, List<Long>> byPartition = commands.stream()
                .collect(Collectors.groupingBy(
                        r -> Utils.toPositive(Utils.murmur2(r.key())) % PARTITIONS,
                        HashMap::new,
                        Collectors.mapping(ConsumerRecord::timestamp, Collectors.toList())));
        long longest = 0;
        for (var e : byPartition.entrySet()) {
            long span = e.getValue().stream().mapToLong(Long::longValue).max().orElseThrow()
                    - e.getValue().stream().mapToLong(Long::longValue).min().orElseThrow();
            int n = e.getValue().size();
            assertThat(span)
                    .as("partition %d released %d commands in %d ms", e.getKey(), n, span)
                    .isGreaterThanOrEqualTo((n - 1) * 1000L / RATE - 150);
            longest = Math.max(longest, span);
        }
        long first =
                commands.stream().mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
        assertThat(first).isGreaterThanOrEqualTo(resumedAt - 1_000);
        System.out.printf(
                "TopicPauseIT: %d payment commands released over %d ms (per partition %s); resume to last result %d"
                        + " ms%n",
                ORDERS,
                longest,
                byPartition.entrySet().stream()
                        .collect(Collectors.toMap(
                                Map.Entry::getKey, x -> x.getValue().size())),
                finishedAt - resumedAt);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(get("/api/topics/paused")).isEmpty());
    }

    private static String commandId(ConsumerRecord<byte[], byte[]> r) {
        try {
            return Json.mapper().readTree(r.value()).path("commandId").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long held(String topic) throws Exception {
        JsonNode row = pausedRow(topic);
        return row == null ? 0 : row.path("held").asLong();
    }

    private static JsonNode pausedRow(String topic) throws Exception {
        for (JsonNode row : get("/api/topics/paused")) {
            if (row.path("topic").asText().equals(topic)) {
                return row;
            }
        }
        return null;
    }

    private static JsonNode get(String path) throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return Json.mapper().readTree(r.body());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
