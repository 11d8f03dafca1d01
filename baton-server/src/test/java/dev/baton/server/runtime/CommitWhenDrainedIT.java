package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.engine.Outcome;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under exactly-once nothing the orchestrator writes is visible before its transaction commits. With a commit
 * interval of a minute, the article's workflow (four orchestrator hops) would take four minutes if transactions
 * committed only on the interval: these instances finish because each commits as soon as its input is handled.
 */
class CommitWhenDrainedIT {
    static final Duration LONG_INTERVAL = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    static OrchestratorSettings settings(String name, boolean commitWhenDrained) {
        return OrchestratorSettings.newBuilder()
                .bootstrapServers(kafka.bootstrapServers())
                .applicationId(name)
                .topics(BatonTopics.withPrefix(name + "."))
                .stateDir(dir.resolve(name))
                .partitions(2)
                .commitInterval(LONG_INTERVAL)
                .commitWhenDrained(commitWhenDrained)
                // Kafka Streams refuses a commit interval longer than the transaction timeout.
                .kafkaProperties(Map.of("producer.transaction.timeout.ms", 2 * (int) LONG_INTERVAL.toMillis()))
                .build();
    }

    @Test
    void instancesFinishLongBeforeTheCommitIntervalBecauseEachHopCommitsWhenItsInputIsHandled() throws Exception {
        try (var orchestrator = new Orchestrator(settings("drained", true)).start(Duration.ofSeconds(60));
                var services = new ArticleServices("drained", kafka.bootstrapServers()).startAll();
                var results = new TopicReader(kafka.bootstrapServers(), "drained.results")) {
            var def = orchestrator.deploy(services.definition());
            List<String> ids =
                    IntStream.range(0, 20).mapToObj(i -> "drained-" + i).toList();
            long started = System.nanoTime();
            // One at a time, as at low traffic: a drained thread commits at once only while it receives at most
            // DrainedInput.QUIET_RECORDS records in two windows; records arriving faster wait for the interval, as
            // under load.
            for (String id : ids) {
                orchestrator.start(id, new StartRequest(def.name(), null, Map.of(), null));
                Thread.sleep(100);
            }

            await().atMost(LONG_INTERVAL.dividedBy(2))
                    .until(() -> results.records().size() >= ids.size());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(results.records())
                    .extracting(r -> ResultMessage.parse(r.value()))
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(Outcome.SUCCEEDED))
                    .extracting(ResultMessage::instanceId)
                    .containsExactlyInAnyOrderElementsOf(ids);
            assertThat(took).isLessThan(LONG_INTERVAL);
        }
    }

    @Test
    void withoutItTheFirstCommandWaitsForTheInterval() throws Exception {
        try (var orchestrator = new Orchestrator(settings("interval", false)).start(Duration.ofSeconds(60));
                var services = new ArticleServices("interval", kafka.bootstrapServers()).startAll()) {
            var def = orchestrator.deploy(services.definition());
            orchestrator.start("interval-1", new StartRequest(def.name(), null, Map.of(), null));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> orchestrator.localInstance("interval-1").isPresent());

            Thread.sleep(3_000); // the instance is stored; its first command sits in the open transaction
            assertThat(services.executedBy("A")).isEmpty();
        }
    }
}
