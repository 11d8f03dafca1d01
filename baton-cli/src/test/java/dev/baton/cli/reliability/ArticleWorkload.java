package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.protocol.Json;
import dev.baton.protocol.StartRequest;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The article's workflow A → (B ‖ C) → D as a load: the definition, SDK workers that count every command they
 * receive, a writer of start requests, and a {@link Ledger} over everything Baton publishes about it. {@link #verify}
 * is the Jepsen-style check: nothing lost, nothing doubled.
 */
final class ArticleWorkload implements AutoCloseable {
    static final List<String> STEPS = List.of("A", "B", "C", "D");

    final String prefix;
    final String workflow;
    final String resultTopic;
    final String bootstrapServers;
    final Map<String, Object> clientProperties;

    /** Results per instance id, from the result topic. */
    final Ledger.Counts results = new Ledger.Counts();

    final Map<String, String> resultStatus = new ConcurrentHashMap<>();
    /** The first result of each instance. */
    final Map<String, JsonNode> firstResult = new ConcurrentHashMap<>();
    /** InstanceCompleted notifications per instance id, from baton.status. */
    final Ledger.Counts completions = new Ledger.Counts();
    /** StepCompleted notifications per command id. */
    final Ledger.Counts stepsCompleted = new Ledger.Counts();
    /** OutcomeIgnored notifications per command id, with their reasons. */
    final Ledger.Counts outcomesIgnored = new Ledger.Counts();

    final Map<String, String> ignoredReasons = new ConcurrentHashMap<>();
    /** Committed command records per command id, from the four command topics. */
    final Ledger.Counts commands = new Ledger.Counts();
    /** Commands the workers received (every delivery runs the handler: the redelivery cache is off). */
    final Ledger.Counts received = new Ledger.Counts();
    /** Dead letters about this workload (keys starting with the prefix). */
    final Ledger.Counts deadLetters = new Ledger.Counts();
    /** How many dead letters keyed by this workload's ids a test wrote on purpose ({@link #verify} expects exactly these). */
    volatile long expectedDeadLetters;

    private final List<Worker> workers = new ArrayList<>();
    private Ledger ledger;
    private Writer writer;
    private volatile boolean closed;
    private Consumer<ConsumerRecord<byte[], byte[]>> extraStatusHandler = r -> {};
    /** The version start requests name; null: the newest deployed. */
    private volatile Integer pinnedVersion;

    ArticleWorkload(String prefix, String bootstrapServers) {
        this(prefix, bootstrapServers, Map.of());
    }

    ArticleWorkload(String prefix, String bootstrapServers, Map<String, Object> clientProperties) {
        this.prefix = prefix;
        this.workflow = prefix + "-article";
        this.resultTopic = prefix + ".results";
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = Map.copyOf(clientProperties);
    }

    /** Start requests name {@code version}, as a client does that wants its first command sent early. */
    ArticleWorkload pinVersion(int version) {
        this.pinnedVersion = version;
        return this;
    }

    String topic(String step) {
        return prefix + ".service-" + step.toLowerCase() + ".commands";
    }

    String id(int n) {
        return String.format("%s-%06d", prefix, n);
    }

    List<String> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(this::id).toList();
    }

    WorkflowDefinition definition() {
        return definition(null);
    }

    /**
     * The article's workflow: A, B and C can be compensated; C may have a timeout. A copy of docs/examples/article.yaml
     * that differs on purpose: name, topics and result topic carry the workload's prefix (tests share one broker), and
     * the worker-fault tests put a timeout on C.
     */
    WorkflowDefinition definition(Duration timeoutOfC) {
        return WorkflowDefinition.builder(workflow)
                .resultTopic(resultTopic)
                .step("A", s -> s.topic(topic("A")).compensate(topic("A")))
                .step("B", s -> s.topic(topic("B")).after("A").compensate(topic("B")))
                .step("C", s -> {
                    s.topic(topic("C")).after("A").compensate(topic("C"));
                    if (timeoutOfC != null) {
                        s.timeout(timeoutOfC);
                    }
                })
                .step("D", s -> s.topic(topic("D")).after("B", "C"))
                .build();
    }

    Map<String, Object> client(Map<String, Object> more) {
        var m = new HashMap<String, Object>(clientProperties);
        m.putAll(more);
        m.put("bootstrap.servers", bootstrapServers);
        return m;
    }

    /** Creates the command and result topics with {@code partitions} partitions. */
    ArticleWorkload createTopics(int partitions) {
        return createTopics(partitions, (short) 1);
    }

    /** Creates the command and result topics with {@code partitions} partitions of {@code replicas} copies each. */
    ArticleWorkload createTopics(int partitions, short replicas) {
        try (Admin admin = Admin.create(client(Map.of()))) {
            var topics = new ArrayList<NewTopic>();
            for (String s : STEPS) {
                topics.add(new NewTopic(topic(s), partitions, replicas));
            }
            topics.add(new NewTopic(resultTopic, partitions, replicas));
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topics of " + workflow, e);
        }
        return this;
    }

    /**
     * Deploys through the HTTP API of the first process ({@code POST /api/workflows}), then waits until every process
     * has read it from the definitions topic: a request handled by a process that does not know the workflow yet
     * would be dead-lettered.
     */
    WorkflowDefinition deploy(WorkflowDefinition definition, OrchestratorProcess... processes) {
        HttpClient http = HttpClient.newHttpClient();
        try {
            var response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + processes[0].httpPort + "/api/workflows"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(DefinitionWriter.toJson(definition)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("deploy: %s", response.body()).isEqualTo(201);
            for (OrchestratorProcess p : processes) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    var seen = http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + p.httpPort + "/api/workflows/" + workflow))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (seen.statusCode() == 200) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError(p.name + " did not see " + workflow + " within 60 s");
                    }
                    Thread.sleep(100);
                }
            }
            if (Soak.earlyDispatch() && pinnedVersion == null) {
                pinnedVersion = 1;
            }
            return definition.withVersion(1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deploys through an orchestrator running in this JVM (which creates the topics). */
    WorkflowDefinition deploy(WorkflowDefinition definition, dev.baton.server.runtime.Orchestrator orchestrator) {
        return orchestrator.deploy(definition);
    }

    /** Also hands every baton.status record to {@code handler} (call before {@link #startLedger}). */
    ArticleWorkload onStatus(Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        this.extraStatusHandler = handler;
        return this;
    }

    ArticleWorkload startLedger() {
        var handlers = new LinkedHashMap<String, Consumer<ConsumerRecord<byte[], byte[]>>>();
        handlers.put(resultTopic, r -> {
            JsonNode result = json(r.value());
            String id = result.path("instanceId").asText();
            results.add(id);
            resultStatus.putIfAbsent(id, result.path("status").asText());
            firstResult.putIfAbsent(id, result);
        });
        handlers.put("baton.status", r -> {
            extraStatusHandler.accept(r);
            JsonNode note = json(r.value());
            if (!workflow.equals(note.path("workflow").asText())) {
                return;
            }
            switch (note.path("type").asText()) {
                case "InstanceCompleted" ->
                    completions.add(note.path("instanceId").asText());
                case "StepCompleted" ->
                    stepsCompleted.add(note.path("commandId").asText());
                case "OutcomeIgnored" -> {
                    outcomesIgnored.add(note.path("commandId").asText());
                    ignoredReasons.merge(
                            note.path("commandId").asText(), note.path("reason").asText(), (a, b) -> a + "," + b);
                }
                default -> {}
            }
        });
        handlers.put("baton.dlq", r -> {
            String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            if (key.startsWith(prefix + "-")) {
                deadLetters.add(key);
            }
        });
        for (String s : STEPS) {
            handlers.put(
                    topic(s),
                    r -> commands.add(json(r.value()).path("commandId").asText()));
        }
        ledger = new Ledger(bootstrapServers, clientProperties, handlers);
        Thread progress = new Thread(
                () -> {
                    while (!closed) {
                        sleep(5_000);
                        Soak.log(
                                "%s: written %d, commands %d, delivered %d, steps completed %d, results %d",
                                prefix,
                                writer == null ? 0 : writer.written.get(),
                                commands.total(),
                                received.total(),
                                stepsCompleted.total(),
                                results.total());
                    }
                },
                "progress-" + prefix);
        progress.setDaemon(true);
        progress.start();
        return this;
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.mapper().readTree(value);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(value, StandardCharsets.UTF_8), e);
        }
    }

    /** Starts counting SDK workers for {@code steps} (all four by default). */
    ArticleWorkload startWorkers(String... steps) {
        for (String s : steps.length == 0 ? STEPS.toArray(String[]::new) : steps) {
            workers.add(worker(s, ctx -> {}));
        }
        return this;
    }

    /** A worker that counts each delivery, runs {@code before} and answers {@code {"by": step}}. */
    Worker worker(String step, Consumer<dev.baton.worker.StepContext> before) {
        WorkerOptions options = WorkerOptions.newBuilder()
                .bootstrapServers(bootstrapServers)
                .commandTopic(topic(step))
                .concurrency(4)
                .redeliveryCacheSize(0)
                .kafkaProperties(client(Map.of("session.timeout.ms", 10_000, "heartbeat.interval.ms", 2_000)))
                .build();
        Worker w = Worker.create(options, ctx -> {
                    received.add(ctx.commandId());
                    before.accept(ctx);
                    return Map.of("by", step);
                })
                .onCompensate(ctx -> {
                    received.add(ctx.commandId());
                    return null;
                });
        w.start();
        return w;
    }

    void stopWorkers() {
        workers.forEach(Worker::close);
        workers.clear();
    }

    // --- load -------------------------------------------------------------------------------------------------------

    /** Writes start requests for {@code ids} in the background, keeping at most {@code window} instances unfinished. */
    Writer write(List<String> ids, int window) {
        return write(ids, window, Double.MAX_VALUE);
    }

    /**
     * Writes start requests for {@code ids} in the background, at most {@code perSecond} a second and with at most
     * {@code window} instances unfinished, so that the load goes on while faults happen.
     */
    Writer write(List<String> ids, int window, double perSecond) {
        return write(ids, window, perSecond, id -> Map.of("n", id));
    }

    /** As {@link #write(List, int, double)}, with each instance's input made by {@code input}. */
    Writer write(List<String> ids, int window, double perSecond, java.util.function.Function<String, Object> input) {
        writer = new Writer(ids, window, perSecond, input);
        return writer;
    }

    /** Ids whose start request was acknowledged by the broker, in the order written. */
    List<String> acknowledged() {
        return writer == null ? List.of() : writer.acknowledged;
    }

    /**
     * Writes {@code ids} in {@code chunks} parts: the first now, each next one on {@link #nextChunk()}. A test that
     * releases a chunk just after a fault and strikes again a little later finds many instances in flight.
     */
    Writer writeInChunks(List<String> ids, int chunks) {
        writer = new Writer(ids, Integer.MAX_VALUE, Double.MAX_VALUE, id -> Map.of("n", id));
        chunkSize = (ids.size() + chunks - 1) / chunks;
        chunkedIds = ids.size();
        writer.allowed.set(chunkSize);
        return writer;
    }

    /** Releases the next chunk (see {@link #writeInChunks}). */
    void nextChunk() {
        writer.allowed.addAndGet(chunkSize);
    }

    private int chunkSize;
    private int chunkedIds;

    /**
     * Waits for a random moment in the life of the chunk just released: until a random share (5% to 80%) of its
     * steps has completed since the call, or, sooner, until only a fifth of the chunk is left in flight. Some
     * instances are then finished, some half way, some not started: the moment for a fault. Fails if the
     * orchestrator makes no progress for three minutes.
     */
    void awaitRandomMomentOfChunk(java.util.Random random) {
        // why not the count at the call alone: steps of instances of earlier chunks still complete after a restart,
        // and on a fast box they alone met the target, so the kill came once everything had finished.
        long earlierChunks = (long) STEPS.size() * (writer.allowed.get() - chunkSize);
        long base = Math.max(stepsCompleted.total(), earlierChunks);
        long target = base + Math.max(1, (long) ((0.05 + 0.75 * random.nextDouble()) * STEPS.size() * chunkSize));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        long last = base;
        // why the second way out: steps are counted from baton.status and results from their own topic, and the
        // ledger can read the one behind the other; on a slow CI box the step count reached a target near 80%
        // only once every result of the chunk had been read, and the kill found nothing in flight.
        int chunkEnd = Math.min(writer.allowed.get(), chunkedIds);
        int tail = Math.max(1, chunkSize / 5);
        while (stepsCompleted.total() < target && !(writer.written.get() >= chunkEnd && inFlight() <= tail)) {
            ledger.check();
            if (stepsCompleted.total() != last) {
                last = stepsCompleted.total();
                deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no progress for 3 minutes (" + (last - base) + " of " + (target - base) + " steps)");
            }
            sleep(10);
        }
        Soak.log(
                "moment: base %d target %d steps %d (distinct %d) written %d results %d completions %d",
                base,
                target,
                stepsCompleted.total(),
                stepsCompleted.distinct(),
                writer.written.get(),
                results.distinct(),
                completions.distinct());
    }

    boolean allWritten() {
        return writer != null && writer.finished.get();
    }

    /** Unfinished instances: written but without a result yet. */
    int inFlight() {
        return writer == null ? 0 : writer.written.get() - results.distinct();
    }

    final class Writer implements AutoCloseable {
        final AtomicInteger written = new AtomicInteger();
        final AtomicInteger resent = new AtomicInteger();
        final AtomicBoolean finished = new AtomicBoolean();
        final AtomicInteger allowed = new AtomicInteger(Integer.MAX_VALUE);
        final List<String> acknowledged = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.function.Function<String, Object> input;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        Writer(List<String> ids, int window, double perSecond, java.util.function.Function<String, Object> input) {
            this.input = input;
            var producer = new KafkaProducer<>(
                    client(Map.of(
                            ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.LINGER_MS_CONFIG, 5,
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
                            ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000)),
                    new ByteArraySerializer(),
                    new ByteArraySerializer());
            thread = new Thread(
                    () -> {
                        try (producer) {
                            int next = 0;
                            long start = System.nanoTime();
                            while (running.get() && next < ids.size()) {
                                double allowed = perSecond * (System.nanoTime() - start) / 1e9;
                                if (written.get() - results.distinct() >= window
                                        || next >= allowed
                                        || next >= this.allowed.get()) {
                                    Thread.sleep(5);
                                    continue;
                                }
                                int batch = (int) Math.min(
                                        Math.min(
                                                Math.min(ids.size() - next, allowed - next + 1),
                                                this.allowed.get() - next),
                                        Math.max(1, Math.min(50, window - (written.get() - results.distinct()))));
                                var sends = new LinkedHashMap<String, Future<RecordMetadata>>();
                                for (String id : ids.subList(next, next + batch)) {
                                    sends.put(id, send(producer, id));
                                }
                                for (var e : sends.entrySet()) {
                                    while (true) {
                                        try {
                                            e.getValue().get();
                                            break;
                                        } catch (java.util.concurrent.ExecutionException ex) {
                                            // A lost request would be the test's fault, not Baton's: write it again (a
                                            // second start
                                            // request with the same id is harmless: Baton reports it as a duplicate).
                                            resent.incrementAndGet();
                                            e.setValue(send(producer, e.getKey()));
                                        }
                                    }
                                }
                                acknowledged.addAll(sends.keySet());
                                next += batch;
                                written.addAndGet(batch);
                            }
                            finished.set(next == ids.size());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (Throwable t) {
                            failure.set(t);
                        }
                    },
                    "writer-" + prefix);
            thread.setDaemon(true);
            thread.start();
        }

        private Future<RecordMetadata> send(KafkaProducer<byte[], byte[]> producer, String id) {
            byte[] value = new StartRequest(workflow, pinnedVersion, input.apply(id), null).toJson();
            return producer.send(new ProducerRecord<>("baton.requests", id.getBytes(StandardCharsets.UTF_8), value));
        }

        void check() {
            if (failure.get() != null) {
                throw new AssertionError("the request writer failed", failure.get());
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    // --- the check --------------------------------------------------------------------------------------------------

    /** Waits until every instance of {@code ids} has a result, or fails with what is missing. */
    void awaitResults(List<String> ids, Duration timeout, Runnable whileWaiting) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> wanted = Set.copyOf(ids);
        while (true) {
            ledger.check();
            if (writer != null) {
                writer.check();
            }
            if (results.byKey.keySet().containsAll(wanted)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                List<String> missing = ids.stream()
                        .filter(id -> !results.byKey.containsKey(id))
                        .limit(10)
                        .toList();
                throw new AssertionError(wanted.size()
                        - ids.stream().filter(results.byKey::containsKey).count() + " instances have no result after "
                        + timeout + ", e.g. " + missing);
            }
            whileWaiting.run();
            sleep(100);
        }
    }

    /**
     * The check after the faults: every instance of {@code ids} reached exactly one terminal state (exactly one
     * InstanceCompleted on baton.status and one result, read_committed, with the expected status), each step's command
     * was committed exactly once in its topic, the workers received each command exactly once, and nothing about these
     * instances was dead-lettered. Returns the figures.
     */
    Map<String, Object> verify(List<String> ids, String expectedStatus) {
        return verify(ids, expectedStatus, true);
    }

    /**
     * As {@link #verify(List, String)}; with {@code workersKeepTheirOffsets} false (the broker itself was stopped), a
     * worker may legitimately receive a command again: it answered, but the broker went away before the worker's
     * offset commit. That is the worker-side at-least-once delivery of the protocol, counted but not held against
     * Baton; the committed command records must still be one per command.
     */
    Map<String, Object> verify(List<String> ids, String expectedStatus, boolean workersKeepTheirOffsets) {
        return verify(ids, expectedStatus, workersKeepTheirOffsets, Soak.earlyDispatch());
    }

    /**
     * As {@link #verify(List, String)}, under early dispatch: a command sent ahead of a transaction that a kill aborted
     * is sent again by the replay, so a command may be on its topic twice and reach its worker twice (the protocol's
     * at-least-once delivery of commands). Both are counted; results, completions and dead letters are held to exactly
     * once as always, and every command must be there.
     */
    Map<String, Object> verifyWithRepeatedCommands(List<String> ids, String expectedStatus) {
        return verify(ids, expectedStatus, true, true);
    }

    private Map<String, Object> verify(
            List<String> ids, String expectedStatus, boolean workersKeepTheirOffsets, boolean commandsMayRepeat) {
        awaitResults(ids, Duration.ofMinutes(5), () -> {});
        sleep(3_000); // a duplicate would be committed by now: the orchestrator commits every 20 ms
        ledger.check();
        int n = ids.size();
        Set<String> idSet = Set.copyOf(ids);
        long lost = ids.stream().filter(id -> results.count(id) == 0).count();
        long duplicatedResults = results.duplicates();
        long duplicatedCommands = commands.duplicates();
        long duplicatedDeliveries = received.duplicates();
        Map<String, Long> statuses = ids.stream()
                .collect(Collectors.groupingBy(id -> String.valueOf(resultStatus.get(id)), Collectors.counting()));
        Set<String> expectedCommands = ids.stream()
                .flatMap(id -> STEPS.stream().map(s -> id + "/" + s + "/1"))
                .collect(Collectors.toSet());

        var figures = new LinkedHashMap<String, Object>();
        figures.put("instances", n);
        figures.put("results", results.total());
        figures.put("lost", lost);
        figures.put("duplicatedResults", duplicatedResults);
        figures.put("commandsCommitted", commands.total());
        figures.put("distinctCommands", commands.distinct());
        figures.put("duplicatedCommands", duplicatedCommands);
        figures.put("workerDeliveries", received.total());
        figures.put("workerDistinct", received.distinct());
        figures.put("completedNotifications", completions.total());
        figures.put("deadLetters", deadLetters.total());

        assertThat(results.byKey.keySet()).as("instances with a result").isEqualTo(idSet);
        assertThat(lost).as("lost").isZero();
        assertThat(duplicatedResults)
                .as("duplicated results, e.g. %s", results.keysSeenMoreThanOnce())
                .isZero();
        assertThat(statuses).as("result statuses").isEqualTo(Map.of(expectedStatus, (long) n));
        assertThat(completions.byKey.keySet())
                .as("instances with an InstanceCompleted notification")
                .isEqualTo(idSet);
        assertThat(completions.duplicates())
                .as("second InstanceCompleted, e.g. %s", completions.keysSeenMoreThanOnce())
                .isZero();
        assertThat(commands.byKey.keySet()).as("committed commands").isEqualTo(expectedCommands);
        if (!commandsMayRepeat) {
            assertThat(duplicatedCommands)
                    .as("commands published twice, e.g. %s", commands.keysSeenMoreThanOnce())
                    .isZero();
            assertThat(commands.total()).isEqualTo(4L * n);
        }
        assertThat(received.byKey.keySet()).as("commands the workers received").isEqualTo(expectedCommands);
        if (workersKeepTheirOffsets && !commandsMayRepeat) {
            assertThat(duplicatedDeliveries)
                    .as("commands delivered twice to a worker, e.g. %s", received.keysSeenMoreThanOnce())
                    .isZero();
        }
        assertThat(deadLetters.total())
                .as("dead letters keyed by valid instances")
                .isEqualTo(expectedDeadLetters);
        figures.put(
                "duplicated",
                duplicatedResults
                        + completions.duplicates()
                        + (commandsMayRepeat ? 0 : duplicatedCommands)
                        + (workersKeepTheirOffsets && !commandsMayRepeat ? duplicatedDeliveries : 0));
        figures.put("workerRedeliveries", duplicatedDeliveries);
        return figures;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        if (writer != null) {
            writer.close();
        }
        stopWorkers();
        if (ledger != null) {
            ledger.close();
        }
    }
}
