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
 * Issue 13, item 2: {@link OrchestratorCrashIT} under {@code --early-dispatch}. Commands leave before the transaction
 * that decided them commits, so a SIGKILL can come after a worker got its command and before the orchestrator's state
 * says it was sent. The replay must decide the same command again (same id) and finish the instance: no instance lost,
 * no result or completion doubled, nothing dead-lettered. A command may be sent twice here; that is counted and
 * reported, not held against Baton (commands are at-least-once by protocol).
 *
 * <p>Start requests name their version, so that their first command is sent early too. CI: 400 instances, 3 kills.
 */
class EarlyDispatchCrashIT {
    @TempDir
    static Path dir;

    @Test
    void shouldLoseAndDoubleNoResultWhenTheOrchestratorIsKilledWithCommandsSentAheadOfItsTransactions()
            throws Exception {
        int n = Soak.size("earlyInstances", 400, 10_000);
        int kills = Soak.size("earlyKills", 3, 20);
        Random random = Soak.random("EarlyDispatchCrashIT");
        long t0 = System.nanoTime();
        try (var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                var orchestrator = new OrchestratorProcess(
                        "orchestrator",
                        kafka.bootstrapServers(),
                        dir.resolve("orchestrator"),
                        4,
                        OrchestratorProcess.CLIENT_PROPERTIES,
                        List.of("--early-dispatch"));
                var load = new ArticleWorkload("early", kafka.bootstrapServers())) {
            orchestrator.start().awaitHealthy(Duration.ofMinutes(2));
            load.createTopics(4);
            var deployed = load.deploy(load.definition(), orchestrator);
            load.pinVersion(deployed.version()).startLedger().startWorkers();
            List<String> ids = load.ids(0, n);
            load.writeInChunks(ids, kills + 1);

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
                load.nextChunk();
            }

            var figures = load.verifyWithRepeatedCommands(ids, "SUCCEEDED");
            assertThat(OrchestratorCrashIT.total(orchestrator, "workflow=" + load.workflow + "&status=COMPLETED"))
                    .isEqualTo(n);
            figures.put("kills", kills);
            figures.put("inFlightAtKills", inFlightAtKill);
            figures.put("seconds", Duration.ofNanos(System.nanoTime() - t0).toSeconds());
            Soak.report("EarlyDispatchCrashIT", figures);
            assertThat(orchestrator.starts()).isEqualTo(kills + 1);
        }
    }
}
