package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.baton.worker.internal.KafkaConfigs;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {

    private static WorkerOptions.Builder minimal() {
        return WorkerOptions.newBuilder().bootstrapServers("localhost:9092").commandTopic("stock.commands");
    }

    @Test
    void defaults() {
        WorkerOptions o = minimal().build();
        assertThat(o.groupId()).isEqualTo("stock.commands-worker");
        assertThat(o.concurrency()).isEqualTo(1);
        assertThat(o.retryPolicy()).isEqualTo(RetryPolicy.getDefaultInstance());
        assertThat(o.outcomeTopic()).isEmpty();
        assertThat(o.kafkaProperties()).isEmpty();
        assertThat(o.maxPollRecords()).isEqualTo(500);
        assertThat(o.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.redeliveryCacheSize()).isEqualTo(10_000);
        assertThat(o.objectMapper().isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES))
                .isFalse();
    }

    @Test
    void requiredSettingsAreChecked() {
        assertThatThrownBy(
                        () -> WorkerOptions.newBuilder().bootstrapServers("x:1").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("commandTopic");
        assertThatThrownBy(() -> WorkerOptions.newBuilder().commandTopic("t").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bootstrapServers");
        // bootstrap servers may come from the Kafka properties
        WorkerOptions o = WorkerOptions.newBuilder()
                .commandTopic("t")
                .kafkaProperties(Map.of("bootstrap.servers", "b:9092"))
                .build();
        assertThat(KafkaConfigs.consumer(o)).containsEntry("bootstrap.servers", "b:9092");
    }

    @Test
    void invalidValuesAreRejectedAtOnce() {
        assertThatThrownBy(() -> minimal().concurrency(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> minimal().maxPollRecords(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> minimal().commandTopic("bad topic")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> minimal().outcomeTopic("..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> minimal().groupId(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> minimal().shutdownTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> minimal().redeliveryCacheSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> minimal().retryPolicy(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void copyKeepsTheDerivedGroupIdDerived() {
        WorkerOptions a = minimal().concurrency(4).build();
        WorkerOptions b =
                WorkerOptions.newBuilder(a).commandTopic("pay.commands").build();
        assertThat(b.groupId()).isEqualTo("pay.commands-worker");
        assertThat(b.concurrency()).isEqualTo(4);
        WorkerOptions c = WorkerOptions.newBuilder(minimal().groupId("g").build())
                .commandTopic("x")
                .build();
        assertThat(c.groupId()).isEqualTo("g");
    }

    @Test
    void kafkaConfigsApplyDefaultsPassthroughAndEnforcedSettings() {
        WorkerOptions o = minimal()
                .groupId("g")
                .maxPollRecords(50)
                .kafkaProperties(Map.of(
                        "security.protocol", "SASL_SSL",
                        "enable.auto.commit", "true", // enforced off
                        "auto.offset.reset", "latest", // default, may be overridden
                        "linger.ms", 5, // producer default, may be overridden
                        "max.poll.interval.ms", 600_000, // consumer only
                        "group.id", "other"))
                .build(); // the option wins
        Map<String, Object> consumer = KafkaConfigs.consumer(o);
        assertThat(consumer)
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("group.id", "g")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("auto.offset.reset", "latest")
                .containsEntry("max.poll.records", 50)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("max.poll.interval.ms", 600_000)
                .containsEntry("value.deserializer", ByteArrayDeserializer.class)
                .doesNotContainKey("linger.ms");
        Map<String, Object> producer = KafkaConfigs.producer(o);
        assertThat(producer)
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("linger.ms", 5)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("value.serializer", ByteArraySerializer.class)
                .doesNotContainKeys("max.poll.interval.ms", "auto.offset.reset", "group.id");
        Map<String, Object> defaults = KafkaConfigs.consumer(minimal().build());
        assertThat(defaults).containsEntry("auto.offset.reset", "earliest");
        assertThat(KafkaConfigs.producer(minimal().build())).containsEntry("linger.ms", 1);
    }

    @Test
    void toStringHidesPropertyValues() {
        WorkerOptions o = minimal()
                .kafkaProperties(Map.of("sasl.jaas.config", "secret-password"))
                .build();
        assertThat(o.toString()).contains("sasl.jaas.config").doesNotContain("secret-password");
    }
}
