package dev.baton.bench;

import dev.baton.worker.RetryPolicy;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What a benchmark runs on: a Kafka broker (a child process running {@code baton kafka}, unless an existing cluster is
 * given) and, per {@link Deployment}, orchestrator processes, the A → (B ‖ C) → D workflow and its no-op SDK workers.
 * Every deployment gets topics, application id and state of its own, so runs on one broker never see each other.
 */
final class Rig implements AutoCloseable {
    static final String WORKFLOW = "bench";

    private final Path workDir;
    private final ChildJvm broker;
    final String bootstrap;
    private int deployments;

    private Rig(Path workDir, ChildJvm broker, String bootstrap) {
        this.workDir = workDir;
        this.broker = broker;
        this.bootstrap = bootstrap;
    }

    static Rig start(String bootstrapServers, Path workDir, List<String> brokerJvmOptions) {
        if (bootstrapServers != null) {
            return new Rig(workDir, null, bootstrapServers);
        }
        int port = freePort();
        ChildJvm broker = ChildJvm.start(
                "broker",
                brokerJvmOptions,
                "dev.baton.cli.BatonCli",
                List.of(
                        "kafka",
                        "--kafka-port",
                        String.valueOf(port),
                        "--data-dir",
                        workDir.resolve("broker").toString()),
                workDir.resolve("logs"));
        broker.await(l -> l.startsWith("Kafka is running"), Duration.ofSeconds(120));
        return new Rig(workDir, broker, "127.0.0.1:" + port);
    }

    /** The broker's process, when the rig started one. */
    ChildJvm broker() {
        return broker;
    }

    Path workDir() {
        return workDir;
    }

    int nextRunNumber() {
        return ++deployments;
    }

    void createTopics(Collection<String> names, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var topics = names.stream()
                    .map(n -> new NewTopic(n, partitions, (short) 1))
                    .toList();
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + names + ": " + e, e);
        }
    }

    /** How the orchestrator processes of a deployment run. */
    record OrchestratorOptions(
            int partitions,
            Long commitIntervalMs,
            boolean commitWhenDrained,
            boolean earlyDispatch,
            String statusEvents,
            Long pollMs,
            boolean atLeastOnce,
            Integer streamThreads,
            List<String> kafka,
            List<String> jvmOptions,
            boolean api,
            boolean jfr,
            int workerConcurrency,
            boolean hopTiming,
            List<String> workerKafka) {}

    Deployment deploy(int processes, OrchestratorOptions o) throws IOException {
        int n = nextRunNumber();
        String prefix = "bench" + n + "-" + System.currentTimeMillis() % 100_000 + ".";
        Path dir = workDir.resolve("run" + n);
        Files.createDirectories(dir);
        // why: the article's A -> (B || C) -> D of docs/examples/article.yaml, but on topics of this run only (so runs
        // on one cluster never mix) and without compensation: the bench measures the path every instance takes.
        String yaml = "name: " + WORKFLOW + "\n"
                + "resultTopic: " + prefix + "results\n"
                + "steps:\n"
                + "  - { id: A, topic: " + prefix + "a.commands }\n"
                + "  - { id: B, topic: " + prefix + "b.commands, after: [A] }\n"
                + "  - { id: C, topic: " + prefix + "c.commands, after: [A] }\n"
                + "  - { id: D, topic: " + prefix + "d.commands, after: [B, C] }\n";
        Path definition = dir.resolve("bench.yaml");
        Files.writeString(definition, yaml);
        var children = new ArrayList<ChildJvm>();
        var workers = new ArrayList<Worker>();
        Deployment d = new Deployment(prefix, children, workers);
        try {
            for (int i = 1; i <= processes; i++) {
                var args = new ArrayList<>(List.of(
                        "--bootstrap-servers",
                        bootstrap,
                        "--app-id",
                        prefix + "orchestrator",
                        "--topic-prefix",
                        prefix,
                        "--state-dir",
                        dir.resolve("state-" + i).toString(),
                        "--partitions",
                        String.valueOf(o.partitions())));
                if (i == 1) {
                    args.addAll(List.of("--deploy", definition.toString()));
                }
                if (o.api()) {
                    args.addAll(List.of("--http-port", String.valueOf(freePort())));
                } else {
                    args.add("--no-api");
                }
                if (o.commitIntervalMs() != null) {
                    args.addAll(List.of("--commit-interval-ms", String.valueOf(o.commitIntervalMs())));
                }
                args.add(o.commitWhenDrained() ? "--commit-when-drained" : "--no-commit-when-drained");
                if (o.earlyDispatch()) {
                    args.add("--early-dispatch");
                }
                if (o.statusEvents() != null) {
                    args.addAll(List.of("--status-events", o.statusEvents()));
                }
                if (o.pollMs() != null) {
                    args.addAll(List.of("--poll-ms", String.valueOf(o.pollMs())));
                }
                if (o.streamThreads() != null) {
                    args.addAll(List.of("--stream-threads", String.valueOf(o.streamThreads())));
                }
                if (o.atLeastOnce()) {
                    args.add("--at-least-once");
                }
                if (o.hopTiming()) {
                    args.add("--hop-timing");
                }
                for (String kv : o.kafka()) {
                    args.addAll(List.of("--kafka", kv));
                }
                var jvm = new ArrayList<>(o.jvmOptions());
                if (o.jfr()) {
                    jvm.add("-XX:StartFlightRecording=filename="
                            + workDir.resolve("logs").resolve("run" + n + "-orchestrator-" + i + ".jfr")
                            + ",settings=profile,dumponexit=true");
                }
                ChildJvm child = ChildJvm.start(
                        "run" + n + "-orchestrator-" + i,
                        jvm,
                        OrchestratorProcess.class.getName(),
                        args,
                        workDir.resolve("logs"));
                children.add(child);
                String ready = child.await(l -> l.startsWith("READY"), Duration.ofSeconds(180));
                d.apiPorts.add(
                        Integer.parseInt(ready.substring("READY ".length()).trim()));
            }
            for (String step : List.of("a", "b", "c", "d")) {
                var workerKafka = new java.util.HashMap<String, Object>();
                for (String kv : o.workerKafka()) {
                    // "b:linger.ms=0" is for step B's worker only: a within-run comparison of two settings.
                    int eq = kv.indexOf('=');
                    int colon = kv.indexOf(':');
                    int nameAt = colon >= 0 && colon < eq ? colon + 1 : 0;
                    if (eq <= nameAt) {
                        throw new IllegalArgumentException("--worker-kafka takes [STEP:]NAME=VALUE, not '" + kv + "'");
                    }
                    if (nameAt > 0 && !kv.substring(0, colon).equals(step)) {
                        continue;
                    }
                    workerKafka.put(kv.substring(nameAt, eq), kv.substring(eq + 1));
                }
                Worker w = Worker.create(
                        WorkerOptions.newBuilder()
                                .bootstrapServers(bootstrap)
                                .kafkaProperties(workerKafka)
                                .commandTopic(prefix + step + ".commands")
                                .concurrency(o.workerConcurrency())
                                .retryPolicy(RetryPolicy.none())
                                .build(),
                        ctx -> Map.of());
                w.start();
                workers.add(w);
            }
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** One workflow deployment: its orchestrator processes and workers. */
    static final class Deployment implements AutoCloseable {
        final String prefix;
        final List<ChildJvm> orchestrators;
        final List<Worker> workers;
        final List<Integer> apiPorts = new ArrayList<>();

        Deployment(String prefix, List<ChildJvm> orchestrators, List<Worker> workers) {
            this.prefix = prefix;
            this.orchestrators = orchestrators;
            this.workers = workers;
        }

        String requests() {
            return prefix + "requests";
        }

        String results() {
            return prefix + "results";
        }

        @Override
        public void close() {
            workers.forEach(Worker::close);
            orchestrators.parallelStream().forEach(ChildJvm::close);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.terminate();
        }
    }

    /** Deletes the broker's and the orchestrators' data under the work directory, keeping the logs. */
    void deleteData() {
        try (Stream<Path> top = Files.list(workDir)) {
            for (Path p :
                    top.filter(p -> !p.getFileName().toString().equals("logs")).toList()) {
                try (Stream<Path> all = Files.walk(p)) {
                    all.sorted(Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                }
            }
        } catch (IOException e) {
            // best effort
        }
    }
}
