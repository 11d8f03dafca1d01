package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 2: a rolling upgrade from the previous release ({@link Release#PREVIOUS_COMMIT}, built from git) to
 * this build, and back (a rollback), with instances in flight. Both versions run side by side in one consumer group
 * (same application id), so partitions and their stores move between them.
 *
 * <p>Upgrade: the previous release runs alone; chunk 1 goes through A, B and C and waits for D, whose worker is held
 * back, so every chunk-1 instance is stored by the old code only. The current build joins; chunk 2 is written while
 * both run; the old one is stopped (SIGTERM, as a rolling upgrade does) with chunk 2 in flight; D's worker starts and
 * the current build alone finishes chunks 1 and 2. Rollback: the same with the roles swapped (chunk 3 stored by the
 * current build only, the old one joins on its old data directory, chunk 4 in flight when the current one stops).
 * Then the reliability tests' check: nothing lost, nothing doubled, one terminal state per instance; and the process
 * left alone holds every instance, all COMPLETED, read from what the other version wrote.
 */
class RollingUpgradeIT {
    private static final int PARTITIONS = 4;

    @TempDir
    static Path dir;

    @Test
    void shouldLoseAndDoubleNothingWhenTheOrchestratorIsUpgradedAndRolledBackUnderLoad() throws Exception {
        int chunk = Soak.size("upgradeChunk", 100, 2_500);
        Random random = Soak.random("RollingUpgradeIT");
        long t0 = System.nanoTime();
        Release previous = Release.previous();
        long built = System.nanoTime();
        try (var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                var old = new OrchestratorProcess(
                        "previous",
                        kafka.bootstrapServers(),
                        dir.resolve("previous"),
                        PARTITIONS,
                        OrchestratorProcess.CLIENT_PROPERTIES,
                        previous);
                var current = new OrchestratorProcess(
                        "current", kafka.bootstrapServers(), dir.resolve("current"), PARTITIONS);
                var load = new ArticleWorkload("upgrade", kafka.bootstrapServers())) {
            // The previous release creates Baton's topics and holds the deployed workflow, as on a running system.
            old.start().awaitHealthy(Duration.ofMinutes(2));
            load.createTopics(PARTITIONS);
            load.deploy(load.definition(), old);
            load.startLedger().startWorkers("A", "B", "C");
            List<String> ids = load.ids(0, 4 * chunk);
            load.writeInChunks(ids, 4);

            // --- upgrade: previous → current -----------------------------------------------------------------------
            awaitStepsCompleted(load, 3L * chunk);
            assertThat(load.results.total())
                    .as("results before D's worker runs")
                    .isZero();
            Soak.log("chunk 1 stored by the previous release, waiting for D");
            current.start().awaitHealthy(Duration.ofMinutes(2));
            int restoredByCurrent = awaitOwnsInstances(current, load.workflow);
            Soak.log("the current build joined and reads %d instances the previous release stored", restoredByCurrent);
            awaitWorkflow(current, load.workflow);

            load.nextChunk();
            awaitStepsCompleted(load, 3L * chunk + 1 + random.nextInt(2 * chunk));
            int inFlightAtUpgrade = load.inFlight();
            assertThat(inFlightAtUpgrade)
                    .as("in flight when the previous release stops")
                    .isGreaterThan(chunk);
            old.stop();
            Soak.log("previous release stopped with %d instances in flight", inFlightAtUpgrade);
            Worker d = load.worker("D", ctx -> {});
            load.awaitResults(ids.subList(0, 2 * chunk), Duration.ofMinutes(3), () -> {});
            assertThat(FailoverIT.localTotal(current, load.workflow))
                    .as("instances the current build holds alone")
                    .isEqualTo(2 * chunk);
            assertThat(completed(current, load.workflow)).isEqualTo(2 * chunk);
            d.close();

            // --- rollback: current → previous ----------------------------------------------------------------------
            load.nextChunk();
            awaitStepsCompleted(load, 4L * 2 * chunk + 3L * chunk);
            Soak.log("chunk 3 stored by the current build, waiting for D");
            old.start().awaitHealthy(Duration.ofMinutes(2));
            int restoredByPrevious = awaitOwnsInstances(old, load.workflow);
            Soak.log("the previous release joined and reads %d instances the current build stored", restoredByPrevious);

            load.nextChunk();
            awaitStepsCompleted(load, 4L * 2 * chunk + 3L * chunk + 1 + random.nextInt(2 * chunk));
            int inFlightAtRollback = load.inFlight();
            assertThat(inFlightAtRollback)
                    .as("in flight when the current build stops")
                    .isGreaterThan(chunk);
            current.stop();
            Soak.log("current build stopped with %d instances in flight", inFlightAtRollback);
            d = load.worker("D", ctx -> {});
            try {
                var figures = load.verify(ids, "SUCCEEDED");
                assertThat(FailoverIT.localTotal(old, load.workflow))
                        .as("instances the previous release holds alone")
                        .isEqualTo(4 * chunk);
                assertThat(completed(old, load.workflow)).isEqualTo(4 * chunk);
                figures.put("readByCurrentAtJoin", restoredByCurrent);
                figures.put("readByPreviousAtJoin", restoredByPrevious);
                figures.put("inFlightAtUpgrade", inFlightAtUpgrade);
                figures.put("inFlightAtRollback", inFlightAtRollback);
                figures.put("buildSeconds", TimeUnit.NANOSECONDS.toSeconds(built - t0));
                figures.put("seconds", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
                Soak.report("RollingUpgradeIT", figures);
            } finally {
                d.close();
            }
        }
    }

    /** Waits until {@code steps} StepCompleted notifications in all have been committed. */
    private static void awaitStepsCompleted(ArticleWorkload load, long steps) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (load.stepsCompleted.total() < steps) {
            assertThat(System.nanoTime())
                    .as("%d of %d steps completed within 3 minutes", load.stepsCompleted.total(), steps)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * Waits until the process that just joined holds instances in its own store: partitions and the states the other
     * version stored in their changelogs have moved to it, and its API read them.
     */
    private static int awaitOwnsInstances(OrchestratorProcess p, String workflow) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            int owned = FailoverIT.localTotal(p, workflow);
            if (owned > 0) {
                return owned;
            }
            assertThat(System.nanoTime())
                    .as("%s took over no partition within 2 minutes", p.name)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** Waits until the process has read the workflow the other version deployed (a request for it is dead-lettered). */
    private static void awaitWorkflow(OrchestratorProcess p, String workflow) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            try {
                p.get("/api/workflows/" + workflow);
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static int completed(OrchestratorProcess p, String workflow) throws Exception {
        return OrchestratorCrashIT.total(p, "workflow=" + workflow + "&status=COMPLETED");
    }
}
