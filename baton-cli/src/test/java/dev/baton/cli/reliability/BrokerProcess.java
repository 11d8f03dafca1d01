package dev.baton.cli.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A broker ({@code baton kafka}) in a JVM of its own, on a fixed port and data directory, so that it can be stopped
 * or killed under load and started again where it left off: the single-node broker, or one node of a
 * {@link KafkaCluster}.
 */
final class BrokerProcess implements AutoCloseable {
    final String name;
    final int port;
    private final JavaProcess process;

    BrokerProcess(Path dir) {
        this("broker", dir, OrchestratorProcess.freePort(), List.of());
    }

    private BrokerProcess(String name, Path dir, int port, List<String> nodeArgs) {
        this.name = name;
        this.port = port;
        var args =
                new ArrayList<>(List.of("kafka", "--data-dir", dir.toString(), "--kafka-port", String.valueOf(port)));
        args.addAll(nodeArgs);
        process = new JavaProcess(name, Soak.logFile(dir, name), List.of("-Xmx768m"), "dev.baton.cli.BatonCli", args);
    }

    /** Node {@code nodeId} of a cluster ({@code baton kafka --node-id ...}). */
    static BrokerProcess clusterNode(Path dir, int nodeId, int port, String clusterId, String quorumVoters) {
        return new BrokerProcess(
                "broker-" + nodeId,
                dir,
                port,
                List.of(
                        "--node-id",
                        String.valueOf(nodeId),
                        "--cluster-id",
                        clusterId,
                        "--controller-quorum",
                        quorumVoters));
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the process and waits until it answers. */
    BrokerProcess start(Duration timeout) {
        return launch().awaitReady(timeout);
    }

    /** Starts the process without waiting: a cluster node finishes starting only once a majority of nodes runs. */
    BrokerProcess launch() {
        process.start();
        return this;
    }

    /** Waits until the broker answers a describeCluster on its own port. */
    BrokerProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5000))) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " died while starting\n" + process.tail(60));
                }
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return this;
                    }
                } catch (Exception e) {
                    Thread.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError(name + " did not start within " + timeout + "\n" + process.tail(60));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM: a controlled shutdown. */
    void stop() {
        process.stop(60);
    }

    /** kill -9. */
    void kill() {
        process.kill();
    }

    String tail(int lines) {
        return process.tail(lines);
    }

    @Override
    public void close() {
        process.stop(30);
    }

    @Override
    public String toString() {
        return name;
    }
}
