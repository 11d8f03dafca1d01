package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.server.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 1: a load of A → (B ‖ C) → D instances while the orchestrator process is killed with SIGKILL at
 * random moments and restarted on the same data directory each time. Then nothing may be lost or doubled: one
 * terminal state and one result per instance, one committed command per step, one delivery per command.
 *
 * <p>The requests are written in chunks, one at the start and one after each restart, and each kill comes at a random
 * moment in the life of the chunk (once 5% to 80% of its steps have completed), so every kill finds instances in
 * flight: some not started, some half way, some with their result being written. CI: 600 instances, 3 kills. Soak
 * ({@code scripts/soak.sh}): 10,000 instances, 20 kills.
 */
class OrchestratorCrashIT {
    @TempDir
    static Path dir;

    @Test
    void shouldLoseAndDoubleNothingWhenTheOrchestratorIsKilledAtRandomMoments() throws Exception {
        int n = Soak.size("instances", 600, 10_000);
        int kills = Soak.size("kills", 3, 20);
        Random random = Soak.random("OrchestratorCrashIT");
        long t0 = System.nanoTime();
        try (var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                var orchestrator = new OrchestratorProcess(
                        "orchestrator", kafka.bootstrapServers(), dir.resolve("orchestrator"), 4);
                var load = new ArticleWorkload("crash", kafka.bootstrapServers())) {
            orchestrator.start().awaitHealthy(Duration.ofMinutes(2));
            load.createTopics(4);
            load.deploy(load.definition(), orchestrator);
            load.startLedger().startWorkers();
            List<String> ids = load.ids(0, n);
            load.writeInChunks(ids, kills + 1);
            Soak.log("load started");

            List<Integer> inFlightAtKill = new ArrayList<>();
            for (int k = 0; k < kills; k++) {
                load.awaitRandomMomentOfChunk(random);
                int inFlight = load.inFlight();
                assertThat(inFlight)
                        .as("instances in flight at kill %d (make the run longer)", k + 1)
                        .isPositive();
                orchestrator.kill();
                inFlightAtKill.add(inFlight);
                Soak.log(
                        "kill %d/%d with %d instances in flight, %d results so far",
                        k + 1, kills, inFlight, load.results.distinct());
                orchestrator.start().awaitHealthy(Duration.ofMinutes(2));
                Soak.log("restarted");
                load.nextChunk();
            }

            var figures = load.verify(ids, "SUCCEEDED");
            // The orchestrator's own view: every instance is COMPLETED, none is still running.
            assertThat(total(orchestrator, "workflow=" + load.workflow + "&status=COMPLETED"))
                    .isEqualTo(n);
            assertThat(total(orchestrator, "workflow=" + load.workflow)).isEqualTo(n);
            figures.put("kills", kills);
            figures.put("inFlightAtKills", inFlightAtKill);
            figures.put("seconds", Duration.ofNanos(System.nanoTime() - t0).toSeconds());
            Soak.report("OrchestratorCrashIT", figures);
            assertThat(orchestrator.starts()).isEqualTo(kills + 1);
        }
    }

    /** The API's count of instances matching {@code query}, asking again while partitions move (see FailoverIT). */
    static int total(OrchestratorProcess p, String query) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
        while (true) {
            try {
                return dev.baton.protocol.Json.mapper()
                        .readTree(p.get("/api/instances?limit=1&" + query))
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
