package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.definition.DefinitionReader;
import dev.baton.engine.ErrorTypes;
import dev.baton.engine.Instance;
import dev.baton.engine.Outcome;
import dev.baton.engine.ProcessStatus;
import dev.baton.engine.StepState;
import dev.baton.protocol.Json;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import io.micrometer.core.instrument.Counter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event steps on a real broker: the article's D waits for the mail service's {@code mail.delivered} event of its
 * order, published by a plain Kafka producer in the mail service's own format. An event after D waits completes it;
 * an early one is kept and taken when D starts; an expired one is not; {@code consume: one} against {@code all}; a
 * timeout; and 10,000 kept events that live in the correlation's RocksDB store, not on the heap.
 */
class EventStepIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static KafkaProducer<String, String> mailService;
    static dev.baton.server.api.HttpApi api;
    static final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    static final List<Worker> workers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("event-it")
                        .stateDir(dir.resolve("streams"))
                        .partitions(2)
                        .timerResolution(Duration.ofMillis(200))
                        // Small producer pools, so that what the clients keep of records they sent (bounded by
                        // this, however many events are kept) does not hide what the kept events would take.
                        .kafkaProperties(Map.of(ProducerConfig.BUFFER_MEMORY_CONFIG, 4 * 1024 * 1024))
                        .build())
                .start(Duration.ofSeconds(60));
        orchestrator.deploy(DefinitionReader.read("""
                name: article-delivery
                steps:
                  - id: A
                    topic: service-a.commands
                  - id: B
                    topic: service-b.commands
                    after: A
                  - id: C
                    topic: service-c.commands
                    after: A
                  - id: D
                    after: [B, C]
                    timeout: PT60S
                    event:
                      topic: mail.delivered
                      correlation: { field: $.orderId, equals: $.request.orderId }
                """, "article-delivery.yaml"));
        orchestrator.deploy(DefinitionReader.read("""
                name: short-wait
                steps:
                  - id: D
                    timeout: PT3S
                    event:
                      topic: mail.expiring
                      correlation: { field: $.orderId, equals: $.request.orderId }
                      bufferFor: PT1S
                """, "short-wait.yaml"));
        orchestrator.deploy(DefinitionReader.read("""
                name: delivery-then-approval
                steps:
                  - id: D
                    timeout: PT60S
                    event:
                      topic: mail.delivered
                      correlation: { field: $.orderId, equals: $.request.orderId }
                  - id: approval
                    signal: approved
                    after: D
                    timeout: PT60S
                """, "delivery-then-approval.yaml"));
        api = new dev.baton.server.api.HttpApi(orchestrator).start("127.0.0.1", 0);
        orchestrator.deploy(waiter("one-waiter", "one"));
        orchestrator.deploy(waiter("all-waiter", "all"));
        orchestrator.deploy(DefinitionReader.read("""
                name: bulk
                steps:
                  - id: D
                    timeout: PT60S
                    event:
                      topic: bulk.events
                      correlation: { field: key, equals: $.request.id }
                """, "bulk.yaml"));
        for (String service : List.of("service-a", "service-b", "service-c")) {
            Worker w = Worker.create(
                    WorkerOptions.newBuilder()
                            .bootstrapServers(kafka.bootstrapServers())
                            .commandTopic(service + ".commands")
                            .retryPolicy(RetryPolicy.newBuilder().maxAttempts(1).build())
                            .build(),
                    ctx -> Map.of("by", service));
            w.start();
            workers.add(w);
        }
        var p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // A small pool, so that the test's own producer keeps little of what it sent on the heap it measures.
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2 * 1024 * 1024);
        mailService = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> orchestrator.eventCorrelation().isRunning()
                        && orchestrator
                                .eventCorrelation()
                                .topics()
                                .containsAll(
                                        List.of("mail.delivered", "mail.expiring", "stock.released", "bulk.events")));
    }

    private static dev.baton.definition.WorkflowDefinition waiter(String name, String consume) {
        return DefinitionReader.read("""
                name: %s
                steps:
                  - id: wait
                    timeout: PT60S
                    event:
                      topic: stock.released
                      correlation: { field: $.sku, equals: $.businessKey }
                      consume: %s
                """.formatted(name, consume), name + ".yaml");
    }

    @AfterAll
    static void stop() {
        workers.forEach(Worker::close);
        if (mailService != null) {
            mailService.close();
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

    @Test
    void anEventThatArrivesWhileDWaitsCompletesIt() {
        start("late-1", "article-delivery", Map.of("orderId", "o-late"), null);
        awaitStep("late-1", "D", StepState.RUNNING);
        publish("mail.delivered", "m-1", "{\"orderId\": \"o-late\", \"carrier\": \"post\"}");
        Instance done = awaitCompleted("late-1");
        assertThat(done.outcome()).isEqualTo(Outcome.SUCCEEDED);
        @SuppressWarnings("unchecked")
        Map<String, Object> event = (Map<String, Object>) done.step("D").output();
        assertThat(event).containsEntry("topic", "mail.delivered").containsEntry("key", "m-1");
        assertThat(event.get("value")).isEqualTo(Map.of("orderId", "o-late", "carrier", "post"));
    }

    @Test
    void anEarlyEventIsKeptAndTakenWhenDStartsLater() {
        double delivered = delivered("mail.delivered");
        publish("mail.delivered", "m-2", "{\"orderId\": \"o-early\"}");
        // Kept: no step waits for o-early yet.
        await().atMost(Duration.ofSeconds(30)).until(() -> buffered("mail.delivered") >= 1);
        start("early-1", "article-delivery", Map.of("orderId", "o-early"), null);
        Instance done = awaitCompleted("early-1");
        assertThat(done.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(done.step("D").output()).asString().contains("o-early");
        assertThat(delivered("mail.delivered")).isEqualTo(delivered + 1);
        // Taken once: a second order with the same id waits, as the event is gone.
        start("early-2", "article-delivery", Map.of("orderId", "o-early"), null);
        awaitStep("early-2", "D", StepState.RUNNING);
        sleep(1500);
        assertThat(orchestrator.localInstance("early-2").orElseThrow().step("D").state())
                .isEqualTo(StepState.RUNNING);
        orchestrator.operate(
                "early-2",
                new dev.baton.protocol.OperatorRequest(
                        dev.baton.protocol.OperatorRequest.Operation.CANCEL, null, "test over"));
    }

    @Test
    void anEarlySignalIsKeptWhileDWaitsAndTakenWhenApprovalStarts() throws Exception {
        start("signal-1", "delivery-then-approval", Map.of("orderId", "o-signal"), null);
        awaitStep("signal-1", "D", StepState.RUNNING);
        orchestrator.signal("signal-1", new dev.baton.protocol.SignalRequest("approved", Map.of("by", "ana")));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !orchestrator
                        .localInstance("signal-1")
                        .orElseThrow()
                        .bufferedSignals()
                        .isEmpty());
        // The instance's JSON shows what D waits for and the signal kept for 'approval'.
        var instance = Json.mapper().readTree(get("/api/instances/signal-1"));
        assertThat(instance.path("bufferedSignals").get(0).path("name").asText())
                .isEqualTo("approved");
        var d = instance.path("steps").get(0);
        assertThat(d.path("event").path("topic").asText()).isEqualTo("mail.delivered");
        assertThat(d.path("waitingFor").path("correlation").asText()).isEqualTo("o-signal");

        publish("mail.delivered", "m-5", "{\"orderId\": \"o-signal\"}");
        Instance done = awaitCompleted("signal-1");
        assertThat(done.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(done.step("approval").output()).isEqualTo(Map.of("by", "ana"));
        assertThat(done.bufferedSignals()).isEmpty();
    }

    @Test
    void theAsyncApiDocumentHasAChannelForTheEventTopic() throws Exception {
        var doc = Json.mapper().readTree(get("/api/workflows/article-delivery/asyncapi"));
        assertThat(doc.path("channels").path("event-D").path("address").asText())
                .isEqualTo("mail.delivered");
        assertThat(doc.path("operations").path("receiveDEvent").path("action").asText())
                .isEqualTo("receive");
        assertThat(doc.path("components").path("messages").has("Event")).isTrue();
    }

    private static String get(String path) throws Exception {
        var response = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + api.port() + path))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    @Test
    void anExpiredEventIsNotTakenAndTheStepTimesOut() {
        double expired = expired("mail.expiring");
        publish("mail.expiring", "m-3", "{\"orderId\": \"o-expired\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> expired("mail.expiring") >= expired + 1);
        start("expired-1", "short-wait", Map.of("orderId", "o-expired"), null);
        Instance done = awaitCompleted("expired-1");
        assertThat(done.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(done.step("D").state()).isEqualTo(StepState.TIMED_OUT);
        assertThat(done.failure().type()).isEqualTo(ErrorTypes.TIMEOUT);
    }

    @Test
    void aTimedOutStepUnsubscribesSoALaterEventIsKeptForOthers() {
        start("timeout-1", "short-wait", Map.of("orderId", "o-timeout"), null);
        Instance done = awaitCompleted("timeout-1");
        assertThat(done.step("D").state()).isEqualTo(StepState.TIMED_OUT);
        double delivered = delivered("mail.expiring");
        double buffered = buffered("mail.expiring");
        publish("mail.expiring", "m-4", "{\"orderId\": \"o-timeout\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> buffered("mail.expiring") >= buffered + 1);
        assertThat(delivered("mail.expiring")).isEqualTo(delivered);
    }

    @Test
    void oneEventSatisfiesOneWaitingStepUnlessTheStepsReadAll() {
        start("one-1", "one-waiter", Map.of(), "s-1");
        awaitStep("one-1", "wait", StepState.RUNNING);
        start("one-2", "one-waiter", Map.of(), "s-1");
        awaitStep("one-2", "wait", StepState.RUNNING);
        start("all-1", "all-waiter", Map.of(), "s-2");
        start("all-2", "all-waiter", Map.of(), "s-2");
        awaitStep("all-1", "wait", StepState.RUNNING);
        awaitStep("all-2", "wait", StepState.RUNNING);
        sleep(500); // the subscriptions are written with the decisions; give the correlation a moment to read them

        publish("stock.released", "r-1", "{\"sku\": \"s-1\", \"n\": 1}");
        Instance first = awaitCompleted("one-1"); // the step that waited first gets it
        assertThat(first.step("wait").output()).asString().contains("n=1");
        sleep(1500);
        assertThat(orchestrator
                        .localInstance("one-2")
                        .orElseThrow()
                        .step("wait")
                        .state())
                .isEqualTo(StepState.RUNNING);
        publish("stock.released", "r-2", "{\"sku\": \"s-1\", \"n\": 2}");
        assertThat(awaitCompleted("one-2").step("wait").output()).asString().contains("n=2");

        publish("stock.released", "r-3", "{\"sku\": \"s-2\"}");
        assertThat(awaitCompleted("all-1").outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(awaitCompleted("all-2").outcome()).isEqualTo(Outcome.SUCCEEDED);
    }

    @Test
    void tenThousandKeptEventsLiveInTheStoreNotOnTheHeap() {
        int events = 10_000;
        int warmUp = 2_000;
        String padding = "x".repeat(4096);
        long started = System.nanoTime();
        double before = buffered("bulk.events");
        // The first events warm up what is bounded however many events are kept (client buffer pools, fetch buffers,
        // RocksDB's first memtables are off-heap anyway); the heap is measured between them and the last.
        sendBulk(0, warmUp, padding);
        await().atMost(Duration.ofSeconds(60)).until(() -> buffered("bulk.events") >= before + warmUp);
        long heapBefore = usedHeapAfterGc();
        sendBulk(warmUp, events, padding);
        await().atMost(Duration.ofSeconds(120)).until(() -> buffered("bulk.events") >= before + events);
        long keptIn = (System.nanoTime() - started) / 1_000_000;
        long heapAfter = usedHeapAfterGc();
        long payload = (long) (events - warmUp) * padding.length();
        System.out.printf(
                "EventStepIT: kept events %d -> %d (%d MB of payload more) in %d ms: heap used after GC %d MB -> %d MB%n",
                warmUp, events, payload >> 20, keptIn, heapBefore >> 20, heapAfter >> 20);
        // Kept on the heap, the last 8,000 events' 31 MB of payload would all show here.
        assertThat(heapAfter - heapBefore).isLessThan(payload / 4);

        start("bulk-1", "bulk", Map.of("id", "b-4242"), null);
        Instance done = awaitCompleted("bulk-1");
        assertThat(done.step("D").output()).asString().contains("n=4242");
        await().atMost(Duration.ofSeconds(10)).until(() -> buffered("bulk.events") == before + events - 1);
    }

    private static void sendBulk(int from, int to, String padding) {
        for (int i = from; i < to; i++) {
            mailService.send(
                    new ProducerRecord<>("bulk.events", "b-" + i, "{\"n\": " + i + ", \"pad\": \"" + padding + "\"}"));
        }
        mailService.flush();
    }

    private static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            sleep(200);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void start(String id, String workflow, Map<String, Object> input, String businessKey) {
        orchestrator.start(id, new StartRequest(workflow, null, input, businessKey));
    }

    private static void publish(String topic, String key, String json) {
        try {
            mailService.send(new ProducerRecord<>(topic, key, json)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitStep(String id, String step, StepState state) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> orchestrator
                        .localInstance(id)
                        .map(i -> i.step(step).state() == state)
                        .orElse(false));
    }

    private static Instance awaitCompleted(String id) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> orchestrator
                        .localInstance(id)
                        .map(i -> i.status() == ProcessStatus.COMPLETED)
                        .orElse(false));
        return orchestrator.localInstance(id).orElseThrow();
    }

    private static double buffered(String topic) {
        return Optional.ofNullable(orchestrator.metrics().bufferedEvents().get(topic))
                .orElse(0L);
    }

    private static double delivered(String topic) {
        return counter("baton.events.delivered", topic);
    }

    private static double expired(String topic) {
        return counter("baton.events.expired", topic);
    }

    private static double counter(String name, String topic) {
        Counter c =
                orchestrator.metrics().registry().find(name).tag("topic", topic).counter();
        return c == null ? 0 : c.count();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
