package dev.baton.bench;

import dev.baton.definition.DefinitionReader;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./baton bench foreach}: one instance whose step runs once per element of a 10,000-element list, with no-op
 * SDK workers, while small one-step instances start at a steady rate on the same orchestrator. Prints the fan-out's
 * time to complete, the size of the instance's stored state at each of its decisions (read from the instance
 * store's changelog, so it is what was written, not an estimate), and the latency of the small instances before and
 * during the fan-out.
 *
 * <p>Broker, orchestrator and workers share this one JVM (unlike {@code ./baton bench}, which runs orchestrators as
 * processes of their own): the figures compare the small instances with and without the fan-out under the same
 * conditions, rather than give the orchestrator's ceiling.
 */
@Command(
        name = "foreach",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Time one forEach instance of --items no-op items, its per-decision state size, and the "
                + "latency of small instances running meanwhile.")
final class ForEachBench implements Callable<Integer> {
    @Option(names = "--items", defaultValue = "10000", description = "Items of the fan-out (default ${DEFAULT-VALUE}).")
    int items;

    @Option(
            names = "--max-concurrency",
            defaultValue = "100",
            description = "The forEach step's maxConcurrency (default ${DEFAULT-VALUE}).")
    int maxConcurrency;

    @Option(
            names = "--small-rate",
            defaultValue = "20",
            paramLabel = "PER_SECOND",
            description = "Small one-step instances started per second throughout (default ${DEFAULT-VALUE}).")
    int smallRate;

    @Option(
            names = "--baseline",
            defaultValue = "10",
            paramLabel = "SECONDS",
            description =
                    "Small instances alone before the fan-out starts, for their latency without it (default ${DEFAULT-VALUE}).")
    int baseline;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures to this file as JSON.")
    Path json;

    @Option(names = "--work-dir", paramLabel = "DIR")
    Path workDir;

    @Option(names = "--wait-for-quiet", defaultValue = "0", paramLabel = "LOAD")
    double waitForQuiet;

    private static final String APPLICATION = "foreach-bench";
    private static final String BIG = "fan-out-1";

    @Override
    public Integer call() throws Exception {
        BenchCli.waitForQuiet(waitForQuiet);
        Path dir = BenchCli.defaultWorkDir(workDir);
        var report = new LinkedHashMap<String, Object>();
        report.put("benchmark", "forEach fan-out");
        report.put("started_at", Instant.now().toString());
        report.put("load_average_at_start", Cpu.loadAverage());
        report.put("items", items);
        report.put("max_concurrency", maxConcurrency);
        report.put("small_rate_per_second", smallRate);
        System.out.printf(
                "forEach benchmark: %,d no-op items, maxConcurrency %d, small instances at %d/s; data in %s%n",
                items, maxConcurrency, smallRate, dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                Orchestrator orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .applicationId(APPLICATION)
                                .stateDir(dir.resolve("streams"))
                                .partitions(partitions)
                                .build())
                        .start(Duration.ofSeconds(60))) {
            orchestrator.deploy(DefinitionReader.read("""
                    name: fan-out
                    steps:
                      - id: each
                        topic: bench.each.commands
                        forEach: { items: $.request.items, maxConcurrency: %d }
                    """.formatted(maxConcurrency), "fan-out.yaml"));
            orchestrator.deploy(DefinitionReader.read("""
                    name: small
                    steps:
                      - id: only
                        topic: bench.small.commands
                    """, "small.yaml"));
            try (Worker each = noop(kafka, "bench.each.commands");
                    Worker small = noop(kafka, "bench.small.commands");
                    Watch watch = new Watch(kafka.bootstrapServers())) {
                var smallStarts = new ConcurrentHashMap<String, Long>();
                var before = new Latencies();
                var during = new Latencies();
                var fanOutRunning = new AtomicBoolean(false);
                var fanOutDone = new AtomicBoolean(false);
                watch.onResult = (id, at) -> {
                    Long started = smallStarts.remove(id);
                    if (started != null) {
                        (fanOutRunning.get() && !fanOutDone.get() ? during : before).record(at - started);
                    }
                };
                watch.start();
                Thread load = new Thread(
                        () -> {
                            long n = 0;
                            long period = 1_000_000_000L / smallRate;
                            long next = System.nanoTime();
                            while (!fanOutDone.get()) {
                                String id = "small-" + n++;
                                smallStarts.put(id, System.nanoTime());
                                orchestrator.start(id, new StartRequest("small", null, Map.of("n", n), null));
                                next += period;
                                long sleep = next - System.nanoTime();
                                if (sleep > 0) {
                                    try {
                                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            }
                        },
                        "small-instances");
                load.setDaemon(true);
                load.start();
                Thread.sleep(Duration.ofSeconds(baseline).toMillis());

                var list = new ArrayList<Integer>(items);
                for (int i = 0; i < items; i++) {
                    list.add(i);
                }
                fanOutRunning.set(true);
                long t0 = System.nanoTime();
                orchestrator.start(BIG, new StartRequest("fan-out", null, Map.of("items", list), null));
                long deadline = t0 + Duration.ofMinutes(30).toNanos();
                while (watch.doneAt.get(BIG) == null && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Long done = watch.doneAt.get(BIG);
                fanOutDone.set(true);
                load.join(5000);
                if (done == null) {
                    System.out.println("the fan-out did not complete within 30 minutes");
                    return 1;
                }
                double seconds = (done - t0) / 1e9;
                Thread.sleep(1000); // the last changelog records
                long[] sizes = watch.stateSizes();
                Arrays.sort(sizes);
                report.put("time_to_complete_s", Math.round(seconds * 100) / 100.0);
                report.put("items_per_second", Math.round(items / seconds));
                var state = new LinkedHashMap<String, Object>();
                state.put("decisions", sizes.length);
                state.put("median_bytes", sizes.length == 0 ? 0 : sizes[sizes.length / 2]);
                state.put(
                        "p99_bytes",
                        sizes.length == 0
                                ? 0
                                : sizes[Math.min(sizes.length - 1, (int) Math.ceil(sizes.length * 0.99) - 1)]);
                state.put("max_bytes", sizes.length == 0 ? 0 : sizes[sizes.length - 1]);
                state.put("max_bytes_before_completion", watch.largestBeforeLast());
                state.put("item_records", watch.itemRecords.get());
                report.put("instance_state", state);
                report.put("small_latency_before_ms", before.summary());
                report.put("small_latency_during_ms", during.summary());
                report.put("load_average_at_end", Cpu.loadAverage());
                System.out.printf(
                        "fan-out of %,d items: %.2f s (%,d items/s)%n", items, seconds, Math.round(items / seconds));
                System.out.printf(
                        "instance state per decision (%,d decisions): median %,d B, p99 %,d B, max %,d B "
                                + "(largest before the step completed: %,d B); %,d item records stored apart%n",
                        sizes.length,
                        state.get("median_bytes"),
                        state.get("p99_bytes"),
                        state.get("max_bytes"),
                        state.get("max_bytes_before_completion"),
                        state.get("item_records"));
                System.out.println("small instances before the fan-out: " + Latencies.format(before.summary()));
                System.out.println("small instances during the fan-out: " + Latencies.format(during.summary()));
                System.out.printf(
                        "load average at start %s, at end %s%n",
                        report.get("load_average_at_start"), report.get("load_average_at_end"));
            }
        }
        if (json != null) {
            BenchCli.writeJson(json, report);
        }
        return 0;
    }

    private static Worker noop(EmbeddedKafka kafka, String topic) {
        Worker w = Worker.create(
                WorkerOptions.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .commandTopic(topic)
                        .build(),
                ctx -> null);
        w.start();
        return w;
    }

    /**
     * Reads the results topic (when each instance completed) and the instance store's changelog (how large the big
     * instance's state was at each decision, and how many item records were stored beside it).
     */
    private final class Watch implements AutoCloseable {
        final Map<String, Long> doneAt = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicLong itemRecords = new java.util.concurrent.atomic.AtomicLong();
        private final List<Long> sizes = new ArrayList<>();
        private final KafkaConsumer<String, byte[]> consumer;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;
        java.util.function.BiConsumer<String, Long> onResult = (id, at) -> {};

        Watch(String bootstrap) {
            var p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "foreach-bench-watch");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        }

        void start() {
            consumer.subscribe(
                    java.util.regex.Pattern.compile("baton\\.results|" + APPLICATION + "-baton-instances-changelog"));
            thread = new Thread(
                    () -> {
                        while (running.get()) {
                            for (var r : consumer.poll(Duration.ofMillis(50))) {
                                long now = System.nanoTime();
                                if (r.topic().equals("baton.results")) {
                                    doneAt.putIfAbsent(r.key(), now);
                                    onResult.accept(r.key(), now);
                                } else if (r.key().startsWith(BIG + "\u0000")) {
                                    itemRecords.incrementAndGet();
                                } else if (r.key().equals(BIG) && r.value() != null) {
                                    synchronized (sizes) {
                                        sizes.add((long) r.value().length);
                                    }
                                }
                            }
                        }
                    },
                    "foreach-bench-watch");
            thread.setDaemon(true);
            thread.start();
        }

        long[] stateSizes() {
            synchronized (sizes) {
                return sizes.stream().mapToLong(Long::longValue).toArray();
            }
        }

        /** The largest state before the last decision: the last one holds every output, collected in order. */
        long largestBeforeLast() {
            synchronized (sizes) {
                return sizes.subList(0, Math.max(0, sizes.size() - 1)).stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(0);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(2000);
            }
            consumer.close();
        }
    }
}
