package dev.baton.cli.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The single-node broker ({@code baton kafka}) in a JVM of its own, on a fixed port and data directory, so that it
 * can be stopped or killed under load and started again where it left off.
 */
final class BrokerProcess implements AutoCloseable {
    final int port = OrchestratorProcess.freePort();
    private final JavaProcess process;

    BrokerProcess(Path dir) {
        process = new JavaProcess(
                "broker",
                Soak.logFile(dir, "broker"),
                List.of("-Xmx768m"),
                "dev.baton.cli.BatonCli",
                List.of("kafka", "--data-dir", dir.toString(), "--kafka-port", String.valueOf(port)));
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    BrokerProcess start(Duration timeout) {
        process.start();
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
                    throw new AssertionError("the broker died while starting\n" + process.tail(60));
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
        throw new AssertionError("the broker did not start within " + timeout + "\n" + process.tail(60));
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
}
