package dev.baton.bench;

import dev.baton.definition.DefinitionReader;
import dev.baton.server.api.HttpApi;
import dev.baton.server.runtime.BatonTopics;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorMetrics;
import dev.baton.server.runtime.OrchestratorSettings;
import dev.baton.server.runtime.StatusEvents;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One orchestrator process of a benchmark run, as {@code ./baton server} runs it (orchestrator, Prometheus metrics,
 * HTTP API), with the settings the benchmark asks for. Started by {@link ChildJvm}; talks over standard input and
 * output: prints {@code READY} once running, answers {@code stats} and {@code gc} with a {@code STATS} line
 * ({@code heapUsed}, {@code heapCommitted}, {@code heapPeak} since the last {@code reset}, in bytes), and stops when
 * its standard input ends.
 */
@Command(name = "orchestrator-process", mixinStandardHelpOptions = true)
public final class OrchestratorProcess implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true)
    String bootstrapServers;

    @Option(names = "--app-id", required = true)
    String applicationId;

    @Option(names = "--topic-prefix", required = true)
    String topicPrefix;

    @Option(names = "--state-dir", required = true)
    Path stateDir;

    @Option(names = "--partitions", defaultValue = "3")
    int partitions;

    @Option(names = "--http-port", defaultValue = "0")
    int httpPort;

    @Option(names = "--no-api", description = "Run without the HTTP API.")
    boolean noApi;

    @Option(names = "--deploy")
    Path deploy;

    @Option(names = "--commit-interval-ms")
    Long commitIntervalMs;

    @Option(names = "--commit-when-drained", negatable = true, defaultValue = "true", fallbackValue = "true")
    boolean commitWhenDrained;

    @Option(names = "--early-dispatch")
    boolean earlyDispatch;

    @Option(names = "--status-events")
    String statusEvents;

    @Option(names = "--stream-threads")
    Integer streamThreads;

    @Option(names = "--poll-ms")
    Long pollMs;

    @Option(names = "--at-least-once")
    boolean atLeastOnce;

    @Option(
            names = "--hop-timing",
            description = "Stamp the benchmark's timed records (OrchestratorSettings.hopTiming).")
    boolean hopTiming;

    @Option(names = "--kafka", description = "A Kafka client property name=value, passed to every client; repeatable.")
    List<String> kafka = List.of();

    public static void main(String[] args) {
        System.exit(new CommandLine(new OrchestratorProcess()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> props = new HashMap<>();
        for (String kv : kafka) {
            int eq = kv.indexOf('=');
            props.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        var builder = OrchestratorSettings.newBuilder()
                .bootstrapServers(bootstrapServers)
                .applicationId(applicationId)
                .topics(BatonTopics.withPrefix(topicPrefix))
                .stateDir(stateDir)
                .partitions(partitions)
                .kafkaProperties(props);
        if (commitIntervalMs != null) {
            builder.commitInterval(Duration.ofMillis(commitIntervalMs));
        }
        builder.commitWhenDrained(commitWhenDrained);
        if (earlyDispatch) {
            builder.earlyDispatch(true);
        }
        if (statusEvents != null) {
            builder.statusEvents(StatusEvents.parse(statusEvents));
        }
        if (streamThreads != null) {
            builder.streamThreads(streamThreads);
        }
        if (pollMs != null) {
            builder.pollInterval(Duration.ofMillis(pollMs));
        }
        if (atLeastOnce) {
            builder.exactlyOnce(false);
        }
        if (hopTiming) {
            builder.hopTiming(true);
        }
        if (!noApi) {
            builder.advertisedHttp("127.0.0.1:" + httpPort);
        }
        var settings = builder.build();
        Orchestrator orchestrator = null;
        HttpApi api = null;
        try {
            orchestrator = new Orchestrator(settings, OrchestratorMetrics.prometheus()).start(Duration.ofSeconds(120));
            if (!noApi) {
                api = new HttpApi(orchestrator).start("127.0.0.1", httpPort);
            }
            if (deploy != null) {
                var d = orchestrator.deploy(DefinitionReader.read(deploy));
                System.out.println("DEPLOYED " + d.name() + " " + d.version());
            }
            System.out.println("READY " + (api == null ? 0 : api.port()));
            serve(orchestrator);
        } finally {
            if (api != null) {
                api.close();
            }
            if (orchestrator != null) {
                orchestrator.close();
            }
        }
        return 0;
    }

    private static void serve(Orchestrator orchestrator) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(
                () -> {
                    while (true) {
                        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "reset" -> {
                    peak.set(memory.getHeapMemoryUsage().getUsed());
                    System.out.println("STATS reset");
                }
                case "gc" -> {
                    System.gc();
                    stats(memory, peak);
                }
                case "stats" -> stats(memory, peak);
                case "state" -> System.out.println("STATE " + orchestrator.state());
                default -> System.out.println("STATS unknown command");
            }
        }
    }

    private static void stats(MemoryMXBean memory, AtomicLong peak) {
        var heap = memory.getHeapMemoryUsage();
        long gcCount = 0;
        long gcMillis = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        System.out.println("STATS heapUsed=" + heap.getUsed() + " heapCommitted=" + heap.getCommitted() + " heapMax="
                + heap.getMax() + " heapPeak=" + Math.max(peak.get(), heap.getUsed()) + " gcCount=" + gcCount
                + " gcMillis=" + gcMillis);
    }
}
