package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 2 (second half): the broker runs in a JVM of its own and goes away under load, alternately killed
 * (SIGKILL) and stopped cleanly (SIGTERM), for a few seconds each time, then starts again on the same data directory
 * and port. The orchestrator, the workers and the request writer are not touched: they must ride it out (the
 * orchestrator must never leave RUNNING/REBALANCING). Then
 * the same checks as after a crash, except that a worker may see a command again (it answered, but the broker
 * went away before the worker committed its offset: the protocol's worker-side at-least-once, counted apart).
 *
 * <p>CI: 300 instances, the broker killed once. Soak: 10,000 instances, 10 outages, kills and clean stops in turn.
 */
class BrokerRestartIT {
    @TempDir
    static Path dir;

    @Test
    void shouldRideOutTheBrokerBeingStoppedAndKilledUnderLoad() throws Exception {
        int n = Soak.size("brokerInstances", 300, 10_000);
        int outages = Soak.size("brokerOutages", 1, 10);
        Random random = Soak.random("BrokerRestartIT");
        long t0 = System.nanoTime();
        try (var broker = new BrokerProcess(dir.resolve("broker"));
                var load = new ArticleWorkload("broker", broker.bootstrapServers())) {
            broker.start(Duration.ofMinutes(2));
            // The orchestrator runs in this JVM: only the broker goes away.
            try (var orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                            .bootstrapServers(broker.bootstrapServers())
                            .applicationId("broker-restart")
                            .stateDir(dir.resolve("streams"))
                            .partitions(4)
                            .build())
                    .start(Duration.ofMinutes(2))) {
                var states = new java.util.concurrent.CopyOnWriteArrayList<KafkaStreams.State>();
                var watching = new java.util.concurrent.atomic.AtomicBoolean(true);
                Thread watcher = new Thread(
                        () -> {
                            while (watching.get()) {
                                KafkaStreams.State s = orchestrator.state();
                                if (!s.isRunningOrRebalancing()) {
                                    states.add(s);
                                }
                                ArticleWorkload.sleep(50);
                            }
                        },
                        "state-watcher");
                watcher.setDaemon(true);
                watcher.start();
                load.deploy(load.definition(), orchestrator);
                load.startLedger().startWorkers();
                List<String> ids = load.ids(0, n);
                load.writeInChunks(ids, outages + 1);
                Soak.log("load started");

                List<String> done = new ArrayList<>();
                for (int k = 0; k < outages; k++) {
                    load.awaitRandomMomentOfChunk(random);
                    assertThat(load.inFlight())
                            .as("instances in flight at outage %d", k + 1)
                            .isPositive();
                    boolean kill = k % 2 == 0; // the first (and in CI the only) outage is a SIGKILL, the harder case
                    int down = 2_000 + random.nextInt(6_000);
                    int inFlight = load.inFlight();
                    if (kill) {
                        broker.kill();
                    } else {
                        broker.stop();
                    }
                    Soak.log(
                            "broker %s with %d instances in flight; down for %d ms",
                            kill ? "killed" : "stopped", inFlight, down);
                    Thread.sleep(down);
                    broker.start(Duration.ofMinutes(2));
                    Soak.log("broker back");
                    load.nextChunk();
                    done.add((kill ? "SIGKILL" : "SIGTERM") + "/" + down + "ms");
                }

                var figures = load.verify(ids, "SUCCEEDED", false);
                watching.set(false);
                watcher.join();
                assertThat(states)
                        .as("the orchestrator left RUNNING/REBALANCING")
                        .isEmpty();
                var completed = new java.util.concurrent.atomic.AtomicInteger();
                orchestrator.forEachLocalInstance(i -> completed.addAndGet(i.isCompleted() ? 1 : 0));
                assertThat(completed.get()).isEqualTo(n);
                figures.put("brokerOutages", done);
                figures.put("seconds", Duration.ofNanos(System.nanoTime() - t0).toSeconds());
                Soak.report("BrokerRestartIT", figures);
            }
        }
    }
}
