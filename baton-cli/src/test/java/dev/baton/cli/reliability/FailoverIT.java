package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.server.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 2 (first half): three orchestrator processes share one broker; one is killed with SIGKILL under load
 * and the other two take over its partitions (its instances, restored from the changelog, go on where they were). Then
 * the same checks as after a crash: nothing lost, nothing doubled.
 *
 * <p>CI: 300 instances, one process killed and left dead. Soak: 10,000 instances, 10 kills; each victim is restarted
 * after the others took over, so that three processes run again before the next kill.
 */
class FailoverIT {
    @TempDir
    static Path dir;

    @Test
    void shouldLetTheOtherProcessesTakeOverTheKilledOnesPartitions() throws Exception {
        int n = Soak.size("failoverInstances", 300, 10_000);
        int kills = Soak.size("failoverKills", 1, 10);
        Random random = Soak.random("FailoverIT");
        long t0 = System.nanoTime();
        Soak.log("FailoverIT: %d instances, %d kills", n, kills);
        try (var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                var first = new OrchestratorProcess("orchestrator-1", kafka.bootstrapServers(), dir.resolve("o1"), 6);
                var second = new OrchestratorProcess("orchestrator-2", kafka.bootstrapServers(), dir.resolve("o2"), 6);
                var third = new OrchestratorProcess("orchestrator-3", kafka.bootstrapServers(), dir.resolve("o3"), 6);
                var load = new ArticleWorkload("failover", kafka.bootstrapServers())) {
            List<OrchestratorProcess> all = List.of(first, second, third);
            first.start().awaitHealthy(Duration.ofMinutes(2)); // creates Baton's topics; then the others join
            second.start();
            third.start();
            second.awaitHealthy(Duration.ofMinutes(2));
            third.awaitHealthy(Duration.ofMinutes(2));
            load.createTopics(6);
            load.deploy(load.definition(), first, second, third);
            load.startLedger().startWorkers();
            List<String> ids = load.ids(0, n);
            load.writeInChunks(ids, kills + 1);
            Soak.log("load started on three processes");

            List<String> killed = new ArrayList<>();
            List<Long> takeoverMillis = new ArrayList<>();
            for (int k = 0; k < kills; k++) {
                load.awaitRandomMomentOfChunk(random);
                OrchestratorProcess victim = all.get(random.nextInt(all.size()));
                int owned = localTotal(victim, load.workflow);
                assertThat(owned)
                        .as("%s owns instances before it is killed", victim.name)
                        .isPositive();
                assertThat(load.inFlight())
                        .as("instances in flight at kill %d", k + 1)
                        .isPositive();
                long killedAt = System.nanoTime();
                victim.kill();
                killed.add(victim.name + "(" + owned + " instances)");
                Soak.log("killed %s owning %d instances, %d in flight", victim.name, owned, load.inFlight());
                awaitProgress(load, Duration.ofMinutes(3)); // the survivors carry on
                takeoverMillis.add(
                        Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
                if (k < kills - 1) {
                    victim.start().awaitHealthy(Duration.ofMinutes(2));
                    Soak.log("restarted %s", victim.name);
                }
                // Written only now: a chunk written before the restart could finish while the victim starts, leaving
                // the next kill no moment in flight to fall on (the soak's first run failed that way, nothing lost).
                load.nextChunk();
            }

            var figures = load.verify(ids, "SUCCEEDED");
            List<OrchestratorProcess> alive =
                    all.stream().filter(OrchestratorProcess::isAlive).toList();
            assertThat(alive).as("the last victim stays down").hasSize(2);
            // The survivors hold every instance between them, the dead one's included, all completed.
            int held = 0;
            for (OrchestratorProcess p : alive) {
                held += localTotal(p, load.workflow);
            }
            assertThat(held).as("instances held by the surviving processes").isEqualTo(n);
            assertThat(OrchestratorCrashIT.total(alive.get(0), "workflow=" + load.workflow + "&status=COMPLETED"))
                    .isEqualTo(n);
            figures.put("processes", 3);
            figures.put("kills", kills);
            figures.put("killed", killed);
            figures.put("firstProgressAfterKillMillis", takeoverMillis);
            figures.put("seconds", Duration.ofNanos(System.nanoTime() - t0).toSeconds());
            Soak.report("FailoverIT", figures);
        }
    }

    /** Waits until the orchestrator has made progress: a step completed (committed on baton.status) since the call. */
    static void awaitProgress(ArticleWorkload load, Duration timeout) throws InterruptedException {
        long before = load.stepsCompleted.total();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (load.stepsCompleted.total() == before) {
            assertThat(System.nanoTime()).as("no progress within %s", timeout).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * Instances of {@code workflow} in this process's own store. While partitions move the store is not queryable
     * (the API answers 500 "...stream thread is PARTITIONS_ASSIGNED, not RUNNING"), so this asks again for a while.
     */
    static int localTotal(OrchestratorProcess p, String workflow) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            try {
                return dev.baton.protocol.Json.mapper()
                        .readTree(p.get("/api/instances?scope=local&limit=1&workflow=" + workflow))
                        .path("total")
                        .asInt(-1);
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
