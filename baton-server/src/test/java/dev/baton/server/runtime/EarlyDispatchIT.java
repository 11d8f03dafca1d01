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
 * Early dispatch on a real broker: with a commit interval of 20 s (and no commit when drained), every step of the
 * article's workflow runs within seconds, because each command leaves when it is decided and its outcome is handled
 * in the same open transaction; the results, which stay in the transaction, appear with its commit.
 */
class EarlyDispatchIT {
    static final Duration LONG_INTERVAL = Duration.ofSeconds(20);

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

    @Test
    void shouldRunEveryStepBeforeTheTransactionCommitsAndPublishTheResultsWithTheCommit() throws Exception {
        var settings = OrchestratorSettings.newBuilder()
                .bootstrapServers(kafka.bootstrapServers())
                .applicationId("early")
                .topics(BatonTopics.withPrefix("early."))
                .stateDir(dir.resolve("early"))
                .partitions(2)
                .commitInterval(LONG_INTERVAL)
                .earlyDispatch(true)
                // Kafka Streams refuses a commit interval longer than the transaction timeout.
                .kafkaProperties(Map.of("producer.transaction.timeout.ms", 2 * (int) LONG_INTERVAL.toMillis()))
                .build();
        try (var orchestrator = new Orchestrator(settings).start(Duration.ofSeconds(60));
                var services = new ArticleServices("early", kafka.bootstrapServers()).startAll();
                var results = new TopicReader(kafka.bootstrapServers(), "early.results")) {
            var def = orchestrator.deploy(services.definition());
            List<String> ids =
                    IntStream.range(0, 10).mapToObj(i -> "early-" + i).toList();
            long started = System.nanoTime();
            ids.forEach(id -> orchestrator.start(id, new StartRequest(def.name(), def.version(), Map.of(), null)));

            await().atMost(LONG_INTERVAL.dividedBy(2))
                    .until(() -> services.executedBy("D").size() >= ids.size());
            Duration allStepsRan = Duration.ofNanos(System.nanoTime() - started);
            // Four hops in less than one commit interval: at most one commit fell in between, and without early
            // dispatch each hop's command would wait for a commit of its own.
            assertThat(allStepsRan).isLessThan(LONG_INTERVAL);
            assertThat(services.executedBy("A"))
                    .containsExactlyInAnyOrderElementsOf(
                            ids.stream().map(id -> id + "/A/1").toList());

            await().atMost(LONG_INTERVAL.multipliedBy(3))
                    .until(() -> results.records().size() >= ids.size());
            assertThat(results.records())
                    .extracting(r -> ResultMessage.parse(r.value()))
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(Outcome.SUCCEEDED))
                    .extracting(ResultMessage::instanceId)
                    .containsExactlyInAnyOrderElementsOf(ids);
            assertThat(orchestrator
                            .metrics()
                            .registry()
                            .find("baton.commands.dispatched.early")
                            .functionCounter()
                            .count())
                    .as("four commands per instance, all sent early")
                    .isEqualTo(4.0 * ids.size());
        }
    }
}
