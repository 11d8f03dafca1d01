package dev.baton.cli.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code baton server --bootstrap-servers ...} in a JVM of its own, as an operator runs it: the orchestrator and its
 * HTTP API, against the test's broker. {@link #kill()} is kill -9; {@link #start()} again reuses the same
 * {@code --data-dir} (its Kafka Streams state directory) and HTTP port, like a process supervisor restarting it.
 */
final class OrchestratorProcess implements AutoCloseable {
    /**
     * Client settings for every Kafka client of the orchestrator ({@code --kafka-config}): a killed process leaves the
     * consumer group after 6 s (the broker's minimum) instead of the default 45 s, so that its partitions move on.
     */
    static final String CLIENT_PROPERTIES = """
            session.timeout.ms=6000
            heartbeat.interval.ms=1500
            """;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int httpPort;
    private final JavaProcess process;
    private int starts;

    OrchestratorProcess(String name, String bootstrapServers, Path dir, int partitions) {
        this(name, bootstrapServers, dir, partitions, CLIENT_PROPERTIES);
    }

    OrchestratorProcess(String name, String bootstrapServers, Path dir, int partitions, String clientProperties) {
        this(name, bootstrapServers, dir, partitions, clientProperties, Release.current(), List.of());
    }

    /** {@code baton server} of this build with {@code moreArgs} after the usual ones. */
    OrchestratorProcess(
            String name,
            String bootstrapServers,
            Path dir,
            int partitions,
            String clientProperties,
            List<String> moreArgs) {
        this(name, bootstrapServers, dir, partitions, clientProperties, Release.current(), moreArgs);
    }

    /** {@code baton server} of {@code release}: this build, or the previous release (a rolling upgrade). */
    OrchestratorProcess(
            String name, String bootstrapServers, Path dir, int partitions, String clientProperties, Release release) {
        this(name, bootstrapServers, dir, partitions, clientProperties, release, List.of());
    }

    /**
     * A process against a replicated {@link KafkaCluster}: {@code --replication-factor 3}, so that Baton's topics and
     * its Kafka Streams changelogs have three copies, as on a production cluster.
     */
    static OrchestratorProcess onCluster(String name, KafkaCluster cluster, Path dir, int partitions) {
        return new OrchestratorProcess(
                name,
                cluster.bootstrapServers(),
                dir,
                partitions,
                CLIENT_PROPERTIES,
                Release.current(),
                List.of("--replication-factor", String.valueOf(Math.min(3, cluster.nodes.size()))));
    }

    private OrchestratorProcess(
            String name,
            String bootstrapServers,
            Path dir,
            int partitions,
            String clientProperties,
            Release release,
            List<String> moreArgs) {
        this.name = name;
        this.httpPort = freePort();
        Path config = dir.resolve("client.properties");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, clientProperties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var args = new java.util.ArrayList<>(List.of(
                "server",
                "--bootstrap-servers",
                bootstrapServers,
                "--data-dir",
                dir.resolve("data").toString(),
                "--http-port",
                String.valueOf(httpPort),
                "--partitions",
                String.valueOf(partitions),
                "--kafka-config",
                config.toString()));
        args.addAll(moreArgs);
        if (Soak.earlyDispatch() && release.equals(Release.current()) && !args.contains("--early-dispatch")) {
            args.add("--early-dispatch");
        }
        this.process = new JavaProcess(
                name, Soak.logFile(dir, name), List.of("-Xmx512m"), release.classpath(), release.mainClass(), args);
    }

    /** Starts the process; {@link #awaitHealthy} waits until it processes. */
    OrchestratorProcess start() {
        process.start();
        starts++;
        return this;
    }

    /** Waits until {@code /health} answers 200: the orchestrator is RUNNING (or rebalancing). */
    OrchestratorProcess awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " died while starting\n" + process.tail(60));
            }
            if (healthy()) {
                return this;
            }
            sleep(200);
        }
        throw new AssertionError(name + " did not become healthy within " + timeout + "\n" + process.tail(60));
    }

    boolean healthy() {
        try {
            var response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** GET on the process's API; the body, or an AssertionError. */
    String get(String path) {
        try {
            var response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError(
                        "GET " + path + " on " + name + ": " + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kill -9. */
    void kill() {
        process.kill();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int starts() {
        return starts;
    }

    String tail(int lines) {
        return process.tail(lines);
    }

    String log() {
        return process.log();
    }

    /** SIGTERM: Ctrl-C, a clean shutdown. */
    void stop() {
        process.stop(30);
    }

    /** The end of a test: kill -9, which is faster than a clean stop and changes nothing for the checks made before. */
    @Override
    public void close() {
        process.kill();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
