package dev.baton.lhcompare;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.littlehorse.sdk.common.config.LHConfig;
import io.littlehorse.sdk.common.proto.AwaitWorkflowEventRequest;
import io.littlehorse.sdk.common.proto.LittleHorseGrpc.LittleHorseFutureStub;
import io.littlehorse.sdk.common.proto.PutWorkflowEventDefRequest;
import io.littlehorse.sdk.common.proto.ReturnType;
import io.littlehorse.sdk.common.proto.RunWfRequest;
import io.littlehorse.sdk.common.proto.TypeDefinition;
import io.littlehorse.sdk.common.proto.VariableType;
import io.littlehorse.sdk.common.proto.WfRun;
import io.littlehorse.sdk.common.proto.WfRunId;
import io.littlehorse.sdk.common.proto.WorkflowEvent;
import io.littlehorse.sdk.common.proto.WorkflowEventDefId;
import io.littlehorse.sdk.wfsdk.SpawnedThread;
import io.littlehorse.sdk.wfsdk.SpawnedThreads;
import io.littlehorse.sdk.wfsdk.Workflow;
import io.littlehorse.sdk.worker.LHTaskMethod;
import io.littlehorse.sdk.worker.LHTaskWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The LittleHorse side of the side-by-side benchmark: the A -> (B || C) -> D workflow (B and C as spawned threads,
 * joined by waitForThreads) with no-op task workers, measured like {@code ./baton bench}: warm-up, sustained throughput
 * with {@code --concurrency} workflows in flight, then end-to-end latency at a low fixed rate and at half the measured
 * throughput. End to end = from the RunWf call to the answer of AwaitWorkflowEvent for the event the workflow throws
 * as its last node (LittleHorse has no result topic; this is its way to hear that a run finished).
 *
 * <pre>java -cp ... dev.baton.lhcompare.LittleHorseBench --host 127.0.0.1 --port 2023 --duration 30 --json lh.json</pre>
 */
public final class LittleHorseBench {
    static final String WF = "baton-compare";
    static final String DONE = "baton-compare-done";

    /** The no-op task methods. */
    public static final class Tasks {
        @LHTaskMethod("bench-a")
        public String a() {
            return "a";
        }

        @LHTaskMethod("bench-b")
        public String b() {
            return "b";
        }

        @LHTaskMethod("bench-c")
        public String c() {
            return "c";
        }

        @LHTaskMethod("bench-d")
        public String d() {
            return "d";
        }
    }

    private final Map<String, String> opts = new LinkedHashMap<>();
    private LittleHorseFutureStub stub;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private volatile Latencies recording;
    private volatile long recordFrom = Long.MAX_VALUE;
    private volatile Semaphore permits;
    private long seq;

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        var b = new LittleHorseBench();
        for (int i = 0; i + 1 < args.length; i += 2) {
            b.opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        b.run();
        System.exit(0);
    }

    private String opt(String name, String def) {
        return opts.getOrDefault(name, def);
    }

    private void run() throws Exception {
        int duration = Integer.parseInt(opt("duration", "30"));
        int warmup = Integer.parseInt(opt("warmup", "10"));
        int concurrency = Integer.parseInt(opt("concurrency", "1000"));
        double lowRate = Double.parseDouble(opt("low-rate", "20"));
        int latencyDuration = Integer.parseInt(opt("latency-duration", "30"));
        String workerThreads = opt("worker-threads", "4");

        Properties p = new Properties();
        p.put(LHConfig.API_HOST_KEY, opt("host", "127.0.0.1"));
        p.put(LHConfig.API_PORT_KEY, opt("port", "2023"));
        p.put(LHConfig.NUM_WORKER_THREADS_KEY, workerThreads);
        LHConfig config = new LHConfig(p);
        stub = config.getFutureStub();

        var workers = new ArrayList<LHTaskWorker>();
        for (String t : List.of("bench-a", "bench-b", "bench-c", "bench-d")) {
            var w = new LHTaskWorker(new Tasks(), t, config);
            retry("register TaskDef " + t, w::registerTaskDef);
            workers.add(w);
        }
        Thread.sleep(2_000); // TaskDefs are applied asynchronously
        retry("put WorkflowEventDef", () -> config.getBlockingStub().putWorkflowEventDef(PutWorkflowEventDefRequest.newBuilder()
                .setName(DONE)
                .setContentType(ReturnType.newBuilder().setReturnType(TypeDefinition.newBuilder().setPrimitiveType(VariableType.STR)))
                .build()));
        Thread.sleep(1_000);
        Workflow wf = Workflow.newWorkflow(WF, t -> {
            t.execute("bench-a");
            SpawnedThread b = t.spawnThread(x -> x.execute("bench-b"), "b", null);
            SpawnedThread c = t.spawnThread(x -> x.execute("bench-c"), "c", null);
            t.waitForThreads(SpawnedThreads.of(b, c));
            t.execute("bench-d");
            t.throwEvent(DONE, "done");
        });
        retry("register WfSpec", () -> wf.registerWfSpec(config.getBlockingStub()));
        Thread.sleep(2_000);
        for (var w : workers) {
            w.start();
        }

        var report = new LinkedHashMap<String, Object>();
        report.put("system", "LittleHorse 1.2.1");
        report.put("load_average_at_start", loadAverage());
        System.out.println("LittleHorse benchmark: A -> (B || C) -> D, no-op task workers (" + workerThreads + " threads each)");

        // Warm-up and throughput, `concurrency` in flight.
        Semaphore s = new Semaphore(concurrency);
        permits = s;
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
        long end = warmEnd + TimeUnit.SECONDS.toNanos(duration);
        long mark = -1;
        long markAt = 0;
        Latencies loaded = new Latencies();
        long lastPrint = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (mark < 0 && now >= warmEnd) {
                mark = completed.get();
                markAt = now;
                record(loaded);
            }
            if (now >= end) {
                break;
            }
            if (now - lastPrint > 5_000_000_000L) {
                System.err.printf("  throughput: completed %,d, in flight %d%n", completed.get(), inFlight.get());
                lastPrint = now;
            }
            if (s.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                start("t-");
            }
        }
        long done = completed.get() - mark;
        double seconds = (System.nanoTime() - markAt) / 1e9;
        stopRecording();
        permits = null;
        drain();
        double throughput = done / seconds;
        report.put("throughput_wf_per_s", Math.round(throughput));
        report.put("throughput_workflows", done);
        report.put("latency_at_full_load_ms", loaded.summary());
        System.out.printf("Throughput: %,.0f workflows/s (%,d in %.1f s, %d in flight); latency at that load: %s%n",
                throughput, done, seconds, concurrency, loaded.summary());

        report.put("latency_ms", openLoop("low load", lowRate, latencyDuration));
        double half = Math.max(1, throughput / 2);
        report.put("half_load_rate_per_s", Math.round(half));
        report.put("latency_half_load_ms", openLoop("half load", half, latencyDuration));
        report.put("failed", failed.get());
        for (var w : workers) {
            w.close();
        }
        String json = opts.get("json");
        if (json != null) {
            Files.writeString(Path.of(json), Json.write(report));
            System.out.println("Wrote " + json);
        }
    }

    /** Setup calls time out when the server is busy; they are idempotent, so try again (an existing one is fine). */
    private static void retry(String what, Runnable call) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                return;
            } catch (io.grpc.StatusRuntimeException e) {
                var code = e.getStatus().getCode();
                if (code == io.grpc.Status.Code.ALREADY_EXISTS) {
                    return;
                }
                if (attempt >= 10 || (code != io.grpc.Status.Code.DEADLINE_EXCEEDED && code != io.grpc.Status.Code.UNAVAILABLE)) {
                    throw e;
                }
                System.err.println("  " + what + ": " + code + ", trying again");
                Thread.sleep(3_000);
            }
        }
    }

    private Map<String, Object> openLoop(String name, double rate, int seconds) throws InterruptedException {
        Latencies l = new Latencies();
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        long recordAt = start + TimeUnit.SECONDS.toNanos(3);
        long end = recordAt + TimeUnit.SECONDS.toNanos(seconds);
        long next = start;
        boolean rec = false;
        while (true) {
            long now = System.nanoTime();
            if (!rec && now >= recordAt) {
                record(l);
                rec = true;
            }
            if (now >= end) {
                break;
            }
            if (now < next) {
                LockSupport.parkNanos(Math.min(next - now, 5_000_000));
                continue;
            }
            start(name.charAt(0) + "-");
            next += interval;
            if (now - next > 1_000_000_000L) {
                next = now;
            }
        }
        drain();
        stopRecording();
        var summary = l.summary();
        System.out.printf("Latency at %s (%,.0f workflows/s): %s%n", name, rate, summary);
        return summary;
    }

    private void record(Latencies l) {
        recording = l;
        recordFrom = System.nanoTime();
    }

    private void stopRecording() {
        recordFrom = Long.MAX_VALUE;
        recording = null;
    }

    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (inFlight.get() > 0) {
            System.out.println("  WARNING: " + inFlight.get() + " workflows did not finish within 60 s");
        }
    }

    /** RunWf, then AwaitWorkflowEvent for the run's final event; the latency spans both. */
    private void start(String prefix) {
        String id = prefix + Long.toString(System.nanoTime(), 36) + "-" + (seq++);
        long t0 = System.nanoTime();
        inFlight.incrementAndGet();
        var run = stub.runWf(RunWfRequest.newBuilder().setWfSpecName(WF).setId(id).build());
        Futures.addCallback(run, new FutureCallback<WfRun>() {
            @Override
            public void onSuccess(WfRun result) {
                var await = stub.withDeadlineAfter(120, TimeUnit.SECONDS).awaitWorkflowEvent(AwaitWorkflowEventRequest.newBuilder()
                        .setWfRunId(WfRunId.newBuilder().setId(id))
                        .addEventDefIds(WorkflowEventDefId.newBuilder().setName(DONE))
                        .build());
                Futures.addCallback(await, new FutureCallback<WorkflowEvent>() {
                    @Override
                    public void onSuccess(WorkflowEvent event) {
                        finished(t0, true);
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        finished(t0, false);
                    }
                }, MoreExecutors.directExecutor());
            }

            @Override
            public void onFailure(Throwable t) {
                finished(t0, false);
            }
        }, MoreExecutors.directExecutor());
    }

    private void finished(long t0, boolean ok) {
        long now = System.nanoTime();
        if (!ok) {
            failed.incrementAndGet();
        }
        completed.incrementAndGet();
        inFlight.decrementAndGet();
        Latencies l = recording;
        if (ok && l != null && t0 >= recordFrom) {
            l.record(now - t0);
        }
        Semaphore s = permits;
        if (s != null) {
            s.release();
        }
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** Latencies in microseconds; percentiles by nearest rank, in milliseconds. */
    static final class Latencies {
        private long[] micros = new long[1 << 16];
        private int size;

        synchronized void record(long nanos) {
            if (size == micros.length) {
                micros = Arrays.copyOf(micros, size * 2);
            }
            micros[size++] = nanos / 1_000;
        }

        synchronized Map<String, Object> summary() {
            long[] sorted = Arrays.copyOf(micros, size);
            Arrays.sort(sorted);
            var m = new LinkedHashMap<String, Object>();
            m.put("p50", ms(pct(sorted, 50)));
            m.put("p90", ms(pct(sorted, 90)));
            m.put("p99", ms(pct(sorted, 99)));
            m.put("p999", ms(pct(sorted, 99.9)));
            m.put("max", ms(size == 0 ? -1 : sorted[size - 1]));
            m.put("count", size);
            return m;
        }

        private static long pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return -1;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        private static double ms(long micros) {
            return micros < 0 ? Double.NaN : Math.round(micros / 100.0) / 10.0;
        }
    }

    /** Just enough JSON for the report (maps, numbers, strings). */
    static final class Json {
        static String write(Object o) {
            if (o instanceof Map<?, ?> m) {
                var sb = new StringBuilder("{");
                boolean first = true;
                for (var e : m.entrySet()) {
                    sb.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(write(e.getValue()));
                    first = false;
                }
                return sb.append('}').toString();
            }
            if (o instanceof Number n) {
                return Double.isNaN(n.doubleValue()) ? "null" : n.toString();
            }
            return o == null ? "null" : '"' + o.toString().replace("\"", "\\\"") + '"';
        }
    }
}
