package dev.baton.worker.internal;

import static dev.baton.worker.internal.TestCommands.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The worker SDK writes its outcomes' CloudEvents headers by hand, to stay free of dependencies; the official
 * CloudEvents SDK's Kafka binding must read them as the outcome event docs/protocol.md describes.
 */
class OutcomeCloudEventsTest {

    @Test
    void shouldWriteOutcomesTheCloudEventsSdkReads() {
        Command command = TestCommands.command("i-1", "charge", 2);
        Answer failed = Answer.of(
                Outcome.failed(command, "CardDeclined", "declined", 3),
                MAPPER,
                Instant.parse("2026-11-26T10:15:02.113Z"));

        for (ProducerRecord<byte[], byte[]> record :
                new OutcomeRecords("payments", "payments.outcomes").records(command, failed)) {
            try (var deserializer = new CloudEventDeserializer()) {
                CloudEvent event = deserializer.deserialize(record.topic(), record.headers(), record.value());
                assertThat(event.getSpecVersion()).isEqualTo(SpecVersion.V1);
                assertThat(event.getId()).isEqualTo("i-1/charge/2");
                assertThat(event.getSource()).isEqualTo(URI.create("baton-worker/payments"));
                assertThat(event.getType()).isEqualTo("dev.baton.outcome.v1");
                assertThat(event.getSubject()).isEqualTo("i-1");
                assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:15:02.113Z"));
                assertThat(event.getDataContentType()).isEqualTo("application/json");
                assertThat(event.getData().toBytes()).isEqualTo(record.value());
            }
        }
    }
}
