package dev.baton.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./baton bench}: the end-to-end benchmark of the A → (B ‖ C) → D workflow with no-op SDK workers.
 *
 * <p>One run: start a broker (a child process; or use {@code --bootstrap-servers}); measure the ceiling (plain
 * producer/consumer request-reply round trips a second on that broker, many in flight); then for each orchestrator
 * count in {@code --orchestrators} (separate JVMs): deploy the workflow, warm up, measure sustained throughput with
 * {@code --concurrency} workflows in flight, then end-to-end latency (request written → result read) at a low fixed
 * rate and at half the measured throughput, plus each orchestrator's CPU and heap.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        subcommands = {ApiBench.class, TransactionBench.class, ForEachBench.class},
        description = {
            "Benchmark Baton end to end: the A -> (B || C) -> D workflow with no-op SDK workers, against the ceiling of",
            "plain Kafka request-reply round trips on the same broker. Orchestrators run as separate processes."
        })
public final class BenchCli implements Callable<Integer> {
    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description = "Use this Kafka cluster instead of starting a broker.")
    String bootstrapServers;

    @Option(
            names = "--duration",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "Throughput measurement time, after the warm-up (default ${DEFAULT-VALUE}).")
    int duration;

    @Option(
            names = "--workflows",
            paramLabel = "N",
            description = "End the throughput measurement after N completed workflows instead of after --duration.")
    Long workflows;

    @Option(
            names = "--concurrency",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Workflows in flight while measuring throughput and the ceiling (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures to this file as JSON.")
    Path json;

    @Option(
            names = "--warmup",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description =
                    "Warm-up before measuring: the load rises to --concurrency in flight over its first half (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--latency-duration",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "Length of each latency measurement (default ${DEFAULT-VALUE}).")
    int latencyDuration;

    @Option(
            names = "--low-rate",
            defaultValue = "20",
            paramLabel = "PER_SECOND",
            description = "Workflows started per second for the low-load latency (default ${DEFAULT-VALUE}).")
    double lowRate;

    @Option(
            names = "--ceiling-duration",
            defaultValue = "15",
            paramLabel = "SECONDS",
            description = "Ceiling measurement time, after 10 s of warm-up; 0 skips it (default ${DEFAULT-VALUE}).")
    int ceilingDuration;

    @Option(
            names = "--orchestrators",
            defaultValue = "1,2",
            split = ",",
            paramLabel = "N[,N...]",
            description =
                    "Orchestrator process counts to measure, each in a run of its own (default ${DEFAULT-VALUE}).")
    List<Integer> orchestrators;

    @Option(
            names = "--partitions",
            defaultValue = "3",
            description =
                    "Partitions of the requests, callbacks and command topics (default ${DEFAULT-VALUE}, as `baton server`).")
    int partitions;

    @Option(
            names = "--worker-concurrency",
            defaultValue = "4",
            description = "Handler threads of each no-op worker (default ${DEFAULT-VALUE}).")
    int workerConcurrency;

    @Option(names = "--commit-interval-ms", description = "Override the orchestrator's commit interval.")
    Long commitIntervalMs;

    @Option(
            names = "--commit-when-drained",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Have the orchestrators commit as soon as they have handled their input while quiet, as well as every commit interval (OrchestratorSettings.commitWhenDrained; default on, as in Baton; --no-commit-when-drained: only every interval).")
    boolean commitWhenDrained;

    @Option(
            names = "--early-dispatch",
            description =
                    "Have the orchestrators send commands as soon as they are decided, ahead of the transaction (OrchestratorSettings.earlyDispatch).")
    boolean earlyDispatch;

    @Option(
            names = "--status-events",
            paramLabel = "all|instance",
            description =
                    "Which notifications the orchestrators write to the status topic (OrchestratorSettings.statusEvents; default: theirs, all).")
    String statusEvents;

    @Option(
            names = "--pin-version",
            description =
                    "Start requests name the workflow's version (1) instead of asking for the newest; under early dispatch only a pinned start sends its first command early.")
    boolean pinVersion;

    @Option(names = "--poll-ms", description = "Override the orchestrator's poll interval (Kafka Streams poll.ms).")
    Long pollMs;

    @Option(names = "--stream-threads", description = "Override the orchestrator's stream threads.")
    Integer streamThreads;

    @Option(
            names = "--at-least-once",
            description = "Run the orchestrators with at-least-once processing instead of exactly-once.")
    boolean atLeastOnce;

    @Option(
            names = "--kafka",
            paramLabel = "NAME=VALUE",
            description =
                    "A Kafka client or Streams property for the orchestrators (e.g. max.task.idle.ms=-1); repeatable. Settings Baton makes itself (commit and poll interval, the Streams producer's linger.ms, ...) override these.")
    List<String> kafka = new ArrayList<>();

    @Option(
            names = "--hops",
            description = {
                "Time every hop of each measured workflow (request written, orchestrator saw it, sent, appended, visible,",
                "worker fetched, handler started and done, ...) and print p50/p99 per hop after each phase. Records carry a",
                "baton-hops header and two extra consumers watch the run's topics, so figures with and without it differ a little."
            })
    boolean hops;

    @Option(names = "--no-half-load", description = "Skip the latency measurement at half the measured throughput.")
    boolean noHalfLoad;

    @Option(
            names = "--worker-kafka",
            paramLabel = "[STEP:]NAME=VALUE",
            description =
                    "A Kafka client property for the no-op workers (WorkerOptions.kafkaProperties), or with a: .. d: for one step's worker only; repeatable.")
    List<String> workerKafka = new ArrayList<>();

    @Option(names = "--no-api", description = "Run the orchestrators without their HTTP API.")
    boolean noApi;

    @Option(
            names = "--orchestrator-jvm-options",
            defaultValue = "-Xmx512m",
            paramLabel = "OPTIONS",
            description = "JVM options of the orchestrator processes (default ${DEFAULT-VALUE}).")
    String orchestratorJvmOptions;

    @Option(
            names = "--broker-jvm-options",
            defaultValue = "-Xmx1g",
            paramLabel = "OPTIONS",
            description = "JVM options of the broker process (default ${DEFAULT-VALUE}).")
    String brokerJvmOptions;

    @Option(
            names = "--jfr",
            description = "Record a JFR profile of each orchestrator process (in the work directory's logs).")
    boolean jfr;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description = "Where data and logs go (default: a new directory under the temp directory).")
    Path workDir;

    @Option(names = "--keep-data", description = "Keep the broker's and orchestrators' data after the run.")
    boolean keepData;

    @Option(
            names = "--wait-for-quiet",
            defaultValue = "0",
            paramLabel = "LOAD",
            description =
                    "Before starting, wait (up to 10 min) until the 1-minute load average is below LOAD (default: do not wait).")
    double waitForQuiet;

    public static void main(String[] args) {
        quietLogging();
        int code = new CommandLine(new BenchCli()).execute(args);
        System.exit(code);
    }

    static void quietLogging() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    }

    static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }

    static Path defaultWorkDir(Path given) throws java.io.IOException {
        return given != null ? given : Files.createTempDirectory("baton-bench-");
    }

    static void waitForQuiet(double threshold) throws InterruptedException {
        if (threshold <= 0) {
            return;
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (Cpu.loadAverage() >= threshold && System.nanoTime() < deadline) {
            System.err.printf(
                    "  waiting for a quiet machine: load average %.2f (want < %.2f)%n", Cpu.loadAverage(), threshold);
            Thread.sleep(15_000);
        }
    }

    @Override
    public Integer call() throws Exception {
        waitForQuiet(waitForQuiet);
        Path dir = defaultWorkDir(workDir);
        Files.createDirectories(dir);
        var report = new LinkedHashMap<String, Object>();
        report.put("benchmark", "A -> (B || C) -> D, no-op SDK workers");
        report.put("started_at", Instant.now().toString());
        report.put("load_average_at_start", Cpu.loadAverage());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("exactly_once", !atLeastOnce);
        report.put("settings", settings());
        System.out.println("Baton benchmark: A -> (B || C) -> D with no-op workers; logs in " + dir.resolve("logs"));
        try (Rig rig = Rig.start(bootstrapServers, dir, words(brokerJvmOptions))) {
            System.out.println("Kafka at " + rig.bootstrap
                    + (rig.broker() == null
                            ? ""
                            : " (broker process " + rig.broker().pid() + ")"));
            double ceiling = Double.NaN;
            if (ceilingDuration > 0) {
                ceiling = ceiling(rig);
                report.put("ceiling_roundtrips_per_s", Math.round(ceiling));
                report.put("ceiling_wf_per_s", Math.round(ceiling / 5));
            }
            var byCount = new LinkedHashMap<String, Object>();
            for (int n : orchestrators) {
                Map<String, Object> r = runWith(rig, n, ceiling);
                byCount.put(String.valueOf(n), r);
                if (!report.containsKey("throughput_wf_per_s")) {
                    // The headline figures: the first orchestrator count measured (1 by default).
                    report.put("orchestrator_processes", n);
                    report.put("throughput_wf_per_s", r.get("throughput_wf_per_s"));
                    report.put("latency_ms", r.get("latency_ms"));
                    report.put("latency_half_load_ms", r.get("latency_half_load_ms"));
                    if (!Double.isNaN(ceiling)) {
                        report.put("ratio_to_ceiling", r.get("ratio_to_ceiling"));
                    }
                }
            }
            report.put("by_orchestrator_processes", byCount);
        } finally {
            if (!keepData) {
                Files.walk(dir)
                        .sorted(java.util.Comparator.reverseOrder())
                        .filter(p -> !p.startsWith(dir.resolve("logs")) && !p.equals(dir))
                        .forEach(p -> p.toFile().delete());
            }
        }
        report.put("finished_at", Instant.now().toString());
        if (json != null) {
            writeJson(json, report);
            System.out.println("Wrote " + json);
        }
        return 0;
    }

    private Map<String, Object> settings() {
        var s = new LinkedHashMap<String, Object>();
        s.put("duration_s", duration);
        s.put("workflows", workflows);
        s.put("warmup_s", warmup);
        s.put("concurrency", concurrency);
        s.put("latency_duration_s", latencyDuration);
        s.put("low_rate_per_s", lowRate);
        s.put("partitions", partitions);
        s.put("worker_concurrency", workerConcurrency);
        s.put("commit_interval_ms", commitIntervalMs);
        s.put("commit_when_drained", commitWhenDrained && !atLeastOnce);
        s.put("early_dispatch", earlyDispatch && !atLeastOnce);
        s.put("status_events", statusEvents == null ? "all" : statusEvents);
        s.put("pin_version", pinVersion);
        s.put("poll_ms", pollMs);
        s.put("stream_threads", streamThreads);
        s.put("kafka", kafka);
        s.put("worker_kafka", workerKafka);
        s.put("hops", hops);
        s.put("half_load", !noHalfLoad);
        s.put("api", !noApi);
        s.put("orchestrator_jvm_options", orchestratorJvmOptions);
        return s;
    }

    static void writeJson(Path file, Object value) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), value);
    }

    /** Plain request-reply round trips a second: pings answered by an echo consumer, {@code concurrency} in flight. */
    private double ceiling(Rig rig) throws Exception {
        int n = rig.nextRunNumber();
        String ping = "bench" + n + "-ceiling.ping";
        String pong = "bench" + n + "-ceiling.pong";
        rig.createTopics(List.of(ping, pong), partitions);
        byte[] payload = RequestReply.utf8("{\"workflow\":\"bench\",\"input\":{}}");
        try (Echo echo = new Echo(rig.bootstrap, ping, pong, "bench" + n + "-echo");
                RequestReply rr = new RequestReply(rig.bootstrap, ping, pong, false, id -> payload, v -> true)) {
            echo.awaitAssignment(Duration.ofSeconds(60));
            long warmEnd = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long[] mark = new long[2];
            long end = warmEnd + Duration.ofSeconds(ceilingDuration).toNanos();
            try (var p =
                    new Progress("ceiling", 10 + ceilingDuration, rr::completed, () -> "in flight " + rr.inFlight())) {
                rr.closedLoop("c-", concurrency, () -> {
                    long now = System.nanoTime();
                    if (mark[0] == 0 && now >= warmEnd) {
                        mark[0] = rr.completed();
                        mark[1] = now;
                    }
                    return now >= end;
                });
            }
            long done = rr.completed() - mark[0];
            double seconds = (System.nanoTime() - mark[1]) / 1e9;
            rr.drain(Duration.ofSeconds(30));
            double perSecond = done / seconds;
            System.out.printf(
                    "Ceiling: %,.0f plain request-reply round trips/s (%d in flight) = %,.0f workflows/s at 5 round trips each%n",
                    perSecond, concurrency, perSecond / 5);
            return perSecond;
        }
    }

    private Map<String, Object> runWith(Rig rig, int processes, double ceiling) throws Exception {
        var options = new Rig.OrchestratorOptions(
                partitions,
                commitIntervalMs,
                commitWhenDrained,
                earlyDispatch && !atLeastOnce,
                statusEvents,
                pollMs,
                atLeastOnce,
                streamThreads,
                kafka,
                words(orchestratorJvmOptions),
                !noApi,
                jfr,
                workerConcurrency,
                hops,
                workerKafka);
        System.out.println("--- " + processes + " orchestrator process" + (processes == 1 ? "" : "es") + " ---");
        var r = new LinkedHashMap<String, Object>();
        try (Rig.Deployment d = rig.deploy(processes, options);
                RequestReply rr = new RequestReply(
                        rig.bootstrap,
                        d.requests(),
                        d.results(),
                        true,
                        id -> RequestReply.utf8("{\"workflow\":\"" + Rig.WORKFLOW + "\","
                                + (pinVersion ? "\"version\":1," : "") + "\"input\":{}}"),
                        v -> new String(v, java.nio.charset.StandardCharsets.UTF_8)
                                .contains("\"status\":\"SUCCEEDED\""));
                HopWatch watch = hops ? hopWatch(rig, d) : null) {
            if (watch != null) {
                rr.timeHops(watch);
            }
            var pids = new ArrayList<Long>();
            d.orchestrators.forEach(c -> pids.add(c.pid()));
            if (rig.broker() != null) {
                pids.add(rig.broker().pid());
            }
            pids.add(ProcessHandle.current().pid());

            // Warm-up, then sustained throughput with `concurrency` in flight.
            long warmEnd = System.nanoTime() + Duration.ofSeconds(warmup).toNanos();
            long measureEnd = warmEnd + Duration.ofSeconds(duration).toNanos();
            long[] mark = {-1, 0};
            Cpu[] cpu = new Cpu[1];
            Latencies loaded = new Latencies();
            HopTable loadedHops = new HopTable();
            String[] phase = {"warm-up"};
            try (var p = new Progress(
                    "throughput",
                    warmup + (workflows == null ? duration : 0),
                    rr::completed,
                    () -> phase[0] + ", in flight " + rr.inFlight())) {
                rr.closedLoop("t-", concurrency, Duration.ofSeconds(warmup).dividedBy(2), () -> {
                    long now = System.nanoTime();
                    if (mark[0] < 0 && now >= warmEnd) {
                        mark[0] = rr.completed();
                        mark[1] = now;
                        cpu[0] = new Cpu(pids);
                        d.orchestrators.forEach(c -> c.ask("reset", "STATS", Duration.ofSeconds(10)));
                        rr.recordInto(loaded, watch == null ? null : loadedHops);
                        phase[0] = "measuring";
                    }
                    if (mark[0] < 0) {
                        return false;
                    }
                    return workflows != null ? rr.completed() - mark[0] >= workflows : now >= measureEnd;
                });
            }
            long done = rr.completed() - mark[0];
            double seconds = (System.nanoTime() - mark[1]) / 1e9;
            double[] cores = cpu[0].cores();
            double machine = cpu[0].machineBusy();
            rr.stopRecording();
            var heaps = new ArrayList<Map<String, Object>>();
            for (ChildJvm c : d.orchestrators) {
                heaps.add(parseStats(c.ask("stats", "STATS", Duration.ofSeconds(10))));
            }
            int missing = rr.drain(Duration.ofSeconds(60));
            double throughput = done / seconds;
            r.put("throughput_wf_per_s", Math.round(throughput));
            r.put("throughput_workflows", done);
            r.put("throughput_seconds", Cpu.round2(seconds));
            r.put("latency_at_full_load_ms", loaded.summary());
            System.out.printf(
                    "Throughput: %,.0f workflows/s (%,d in %.1f s, %d in flight); latency at that load: %s%n",
                    throughput, done, seconds, concurrency, Latencies.format(loaded.summary()));
            if (watch != null) {
                watch.flush();
                System.out.print(loadedHops.format("throughput phase, " + concurrency + " in flight"));
                r.put("hops_at_full_load", loadedHops.toMap());
            }
            if (!Double.isNaN(ceiling)) {
                double ratio = throughput / (ceiling / 5);
                r.put("ratio_to_ceiling", Math.round(ratio * 1000) / 1000.0);
                System.out.printf("  = %.1f%% of the ceiling (%,.0f workflows/s)%n", ratio * 100, ceiling / 5);
            }
            var processesReport = new ArrayList<Map<String, Object>>();
            for (int i = 0; i < d.orchestrators.size(); i++) {
                var m = new LinkedHashMap<String, Object>();
                m.put("pid", d.orchestrators.get(i).pid());
                m.put("cpu_cores", cores[i]);
                m.put("heap_peak_mb", mb(heaps.get(i).get("heapPeak")));
                m.put("heap_committed_mb", mb(heaps.get(i).get("heapCommitted")));
                m.put("gc_count", heaps.get(i).get("gcCount"));
                m.put("gc_ms", heaps.get(i).get("gcMillis"));
                processesReport.add(m);
                System.out.printf(
                        "  orchestrator %d: %.2f cores, heap peak %s MB (committed %s MB), GC %s times / %s ms so far%n",
                        i + 1,
                        cores[i],
                        m.get("heap_peak_mb"),
                        m.get("heap_committed_mb"),
                        m.get("gc_count"),
                        m.get("gc_ms"));
            }
            int k = d.orchestrators.size();
            var cpuReport = new LinkedHashMap<String, Object>();
            if (rig.broker() != null) {
                cpuReport.put("broker_cores", cores[k++]);
            }
            cpuReport.put("driver_and_workers_cores", cores[k]);
            cpuReport.put("machine_busy_share", machine);
            r.put("cpu_during_throughput", cpuReport);
            System.out.printf("  CPU during the measurement: %s (machine busy %.0f%%)%n", cpuReport, machine * 100);
            if (missing > 0 || rr.failed() > 0) {
                System.out.printf(
                        "  WARNING: %d workflows did not finish within 60 s, %d failed%n", missing, rr.failed());
            }
            r.put("unfinished", missing);

            // Latency at a low fixed rate, then at half the measured throughput.
            HopTable lowHops = new HopTable();
            r.put("latency_ms", latencyAt(rr, "low load", "l-", lowRate, watch, lowHops));
            if (watch != null) {
                r.put("hops_low_load", lowHops.toMap());
            }
            if (noHalfLoad) {
                r.put("orchestrators", processesReport);
                r.put("failed", rr.failed());
                return r;
            }
            double half = Math.max(1, throughput / 2);
            Cpu halfCpu = new Cpu(pids);
            HopTable halfHops = new HopTable();
            r.put("latency_half_load_ms", latencyAt(rr, "half load", "h-", half, watch, halfHops));
            if (watch != null) {
                r.put("hops_half_load", halfHops.toMap());
            }
            double[] halfCores = halfCpu.cores();
            r.put("half_load_rate_per_s", Math.round(half));
            for (int i = 0; i < d.orchestrators.size(); i++) {
                processesReport.get(i).put("cpu_cores_half_load", halfCores[i]);
                var after = parseStats(d.orchestrators.get(i).ask("gc", "STATS", Duration.ofSeconds(30)));
                processesReport.get(i).put("heap_after_gc_mb", mb(after.get("heapUsed")));
                System.out.printf(
                        "  orchestrator %d: %.2f cores at half load; heap after a full GC %s MB%n",
                        i + 1, halfCores[i], mb(after.get("heapUsed")));
            }
            r.put("orchestrators", processesReport);
            r.put("failed", rr.failed());
        }
        return r;
    }

    private static HopWatch hopWatch(Rig rig, Rig.Deployment d) {
        var commands = new ArrayList<String>();
        for (String step : List.of("a", "b", "c", "d")) {
            commands.add(d.prefix + step + ".commands");
        }
        var uncommitted = new ArrayList<>(commands);
        uncommitted.addAll(List.of(d.requests(), d.prefix + "callbacks", d.results()));
        var committed = new ArrayList<>(commands);
        committed.add(d.results());
        return new HopWatch(rig.bootstrap, uncommitted, committed);
    }

    private Map<String, Object> latencyAt(
            RequestReply rr, String name, String prefix, double rate, HopWatch watch, HopTable hopTable)
            throws Exception {
        Latencies l = new Latencies();
        long start = System.nanoTime();
        long recordAt = start + Duration.ofSeconds(3).toNanos();
        long end = recordAt + Duration.ofSeconds(latencyDuration).toNanos();
        boolean[] recording = {false};
        try (var p = new Progress(
                name,
                3 + latencyDuration,
                rr::completed,
                () -> String.format("%.0f/s offered, in flight %d", rate, rr.inFlight()))) {
            rr.openLoop(prefix, rate, () -> {
                long now = System.nanoTime();
                if (!recording[0] && now >= recordAt) {
                    rr.recordInto(l, watch == null ? null : hopTable);
                    recording[0] = true;
                }
                return now >= end;
            });
            int missing = rr.drain(Duration.ofSeconds(60));
            if (missing > 0) {
                System.out.printf("  WARNING: %d workflows did not finish within 60 s%n", missing);
            }
        }
        rr.stopRecording();
        var s = l.summary();
        System.out.printf("Latency at %s (%,.0f workflows/s): %s%n", name, rate, Latencies.format(s));
        if (watch != null) {
            watch.flush();
            System.out.print(hopTable.format(name + String.format(", %.0f workflows/s", rate)));
        }
        return s;
    }

    static Map<String, Object> parseStats(String line) {
        var m = new LinkedHashMap<String, Object>();
        for (String part : line.substring("STATS".length()).trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
            }
        }
        return m;
    }

    static Object mb(Object bytes) {
        return bytes instanceof Long b ? Math.round(b / 1024.0 / 1024.0) : null;
    }
}
