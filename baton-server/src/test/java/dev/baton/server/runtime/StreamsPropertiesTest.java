package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams settings Baton makes itself, and which of them a user's Kafka properties replace. */
class StreamsPropertiesTest {
    private static final String PRODUCER_RETRY_BACKOFF = StreamsConfig.producerPrefix("retry.backoff.ms");

    private static java.util.Properties streams(OrchestratorSettings.Builder settings) {
        return new Orchestrator(settings.build()).streamsProperties();
    }

    @Test
    void underExactlyOnceTheStreamsProducerRetriesTransactionalRequestsSoonerThanKafkasDefault() {
        var p = streams(OrchestratorSettings.newBuilder());

        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(PRODUCER_RETRY_BACKOFF)).isEqualTo(Orchestrator.TRANSACTION_RETRY_BACKOFF_MS);
        assertThat(Orchestrator.TRANSACTION_RETRY_BACKOFF_MS).isLessThan(100); // Kafka's default
    }

    @Test
    void aRetryBackoffTheUserSetsForEveryClientOrForProducersIsKept() {
        var everyClient = streams(OrchestratorSettings.newBuilder().kafkaProperties(Map.of("retry.backoff.ms", "250")));
        assertThat(everyClient.get(PRODUCER_RETRY_BACKOFF)).isNull();
        assertThat(everyClient.get("retry.backoff.ms")).isEqualTo("250");

        var producers =
                streams(OrchestratorSettings.newBuilder().kafkaProperties(Map.of(PRODUCER_RETRY_BACKOFF, "250")));
        assertThat(producers.get(PRODUCER_RETRY_BACKOFF)).isEqualTo("250");
    }

    @Test
    void atLeastOnceHasNoTransactionsAndKeepsKafkasBackoff() {
        var p = streams(OrchestratorSettings.newBuilder().exactlyOnce(false));

        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.AT_LEAST_ONCE);
        assertThat(p.get(PRODUCER_RETRY_BACKOFF)).isNull();
    }
}
