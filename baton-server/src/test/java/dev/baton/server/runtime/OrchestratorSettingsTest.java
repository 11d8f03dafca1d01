package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.server.tracing.TracingSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OrchestratorSettingsTest {

    @Test
    void shouldStartFromTheDocumentedDefaults() {
        var s = OrchestratorSettings.newBuilder().build();

        assertThat(s.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(s.applicationId()).isEqualTo("baton-orchestrator");
        assertThat(s.topics()).isEqualTo(BatonTopics.defaults());
        assertThat(s.topics().requests()).isEqualTo("baton.requests");
        assertThat(s.stateDir()).isEqualTo(Path.of("baton-data", "streams"));
        assertThat(s.partitions()).isEqualTo(3);
        assertThat(s.replicationFactor()).isEqualTo((short) 1);
        assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(20));
        assertThat(s.commitWhenDrained()).isTrue();
        assertThat(s.pollInterval()).isEqualTo(Duration.ofMillis(5));
        assertThat(s.timerResolution()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.maxPayloadBytes()).isEqualTo(1024 * 1024);
        assertThat(s.streamThreads()).isEqualTo(1);
        assertThat(s.httpConcurrency()).isEqualTo(32);
        assertThat(s.exactlyOnce()).isTrue();
        assertThat(s.clock()).isEqualTo(Clock.systemUTC());
        assertThat(s.kafkaProperties()).isEmpty();
        assertThat(s.outcomeTopics().pattern()).isEqualTo(OrchestratorTopology.DEFAULT_OUTCOME_TOPICS.pattern());
        assertThat(s.advertisedHttp()).isEmpty();
        assertThat(s.retention()).isEqualTo(Duration.ofDays(7));
        assertThat(s.tracing().isOn()).isFalse();
    }

    @Test
    void shouldCopyEverySettingAndLeaveTheTemplateAsItIs() {
        var clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        var tracing = TracingSettings.exportingTo(
                io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create(), "copy-test");
        var original = OrchestratorSettings.newBuilder()
                .bootstrapServers("kafka-1:9092,kafka-2:9092")
                .applicationId("copy")
                .topics(BatonTopics.withPrefix("copy."))
                .stateDir(Path.of("/tmp/copy"))
                .partitions(12)
                .replicationFactor((short) 3)
                .commitInterval(Duration.ofMillis(50))
                .commitWhenDrained(false)
                .pollInterval(Duration.ofMillis(7))
                .timerResolution(Duration.ofMillis(250))
                .maxPayloadBytes(4096)
                .streamThreads(4)
                .httpConcurrency(8)
                .exactlyOnce(false)
                .clock(clock)
                .kafkaProperties(Map.of("security.protocol", "SSL"))
                .outcomeTopics(Pattern.compile("copy\\..+"))
                .advertisedHttp("10.0.0.1:8080")
                .retention(Duration.ofHours(1))
                .tracing(tracing)
                .hopTiming(true)
                .build();

        var copy = OrchestratorSettings.newBuilder(original).build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy.toString()).isEqualTo(original.toString());

        var changed = OrchestratorSettings.newBuilder(original).partitions(1).build();
        assertThat(changed.partitions()).isEqualTo(1);
        assertThat(original.partitions()).isEqualTo(12);
        assertThat(changed.applicationId()).isEqualTo("copy");
        assertThat(changed.tracing()).isSameAs(tracing);
    }

    @Test
    void shouldNotBeChangedThroughItsKafkaPropertiesOrTheBuilderItCameFrom() {
        var given = new HashMap<String, Object>(Map.of("acks", "all"));
        var builder = OrchestratorSettings.newBuilder().kafkaProperties(given);
        var settings = builder.build();

        given.put("linger.ms", "5");
        builder.kafkaProperties(Map.of("retries", "1")).partitions(7);

        assertThat(settings.kafkaProperties()).containsExactly(Map.entry("acks", "all"));
        assertThat(settings.partitions()).isEqualTo(3);
        assertThatThrownBy(() -> settings.kafkaProperties().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldRejectOutOfRangeValuesInBuildNamingTheSetting() {
        assertRejected(OrchestratorSettings.newBuilder().partitions(0), "partitions must be at least 1, not 0");
        assertRejected(
                OrchestratorSettings.newBuilder().replicationFactor((short) 0),
                "replicationFactor must be at least 1, not 0");
        assertRejected(
                OrchestratorSettings.newBuilder().maxPayloadBytes(-1), "maxPayloadBytes must be at least 1, not -1");
        assertRejected(OrchestratorSettings.newBuilder().streamThreads(0), "streamThreads must be at least 1, not 0");
        assertRejected(
                OrchestratorSettings.newBuilder().httpConcurrency(0), "httpConcurrency must be at least 1, not 0");
        assertRejected(
                OrchestratorSettings.newBuilder().commitInterval(Duration.ofMillis(-1)),
                "commitInterval must not be negative, not PT-0.001S");
        assertRejected(
                OrchestratorSettings.newBuilder().pollInterval(Duration.ofMillis(-5)),
                "pollInterval must not be negative, not PT-0.005S");
        assertRejected(
                OrchestratorSettings.newBuilder().retention(Duration.ofDays(-1)),
                "retention must not be negative, not PT-24H");
        assertRejected(
                OrchestratorSettings.newBuilder().timerResolution(Duration.ZERO),
                "timerResolution must be at least 1 ms, not PT0S");
        assertRejected(OrchestratorSettings.newBuilder().bootstrapServers(" "), "bootstrapServers must not be blank");
        assertRejected(OrchestratorSettings.newBuilder().applicationId(""), "applicationId must not be blank");
        assertRejected(OrchestratorSettings.newBuilder().advertisedHttp(""), "advertisedHttp must not be blank");
    }

    @Test
    void shouldNameEverySettingThatIsOutOfRange() {
        assertThatThrownBy(() -> OrchestratorSettings.newBuilder()
                        .partitions(0)
                        .retention(Duration.ofSeconds(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid orchestrator settings: partitions must be at least 1, not 0; "
                        + "retention must not be negative, not PT-1S");
    }

    @Test
    void shouldAcceptTheEdgesOfEachRange() {
        var s = OrchestratorSettings.newBuilder()
                .partitions(1)
                .commitInterval(Duration.ZERO)
                .pollInterval(Duration.ZERO)
                .retention(Duration.ZERO)
                .timerResolution(Duration.ofMillis(1))
                .maxPayloadBytes(1)
                .advertisedHttp(null)
                .build();

        assertThat(s.partitions()).isEqualTo(1);
        assertThat(s.retention()).isZero();
        assertThat(s.advertisedHttp()).isEmpty();
    }

    @Test
    void shouldRejectNullAtOnceNamingTheSetting() {
        assertThatNullPointerException()
                .isThrownBy(() -> OrchestratorSettings.newBuilder().stateDir(null))
                .withMessage("stateDir");
        assertThatNullPointerException()
                .isThrownBy(() -> OrchestratorSettings.newBuilder().retention(null))
                .withMessage("retention");
        var withNull = new HashMap<String, Object>();
        withNull.put("ssl.keystore.password", null);
        assertThatNullPointerException()
                .isThrownBy(() -> OrchestratorSettings.newBuilder().kafkaProperties(withNull))
                .withMessage("kafkaProperties value of ssl.keystore.password");
    }

    private static void assertRejected(OrchestratorSettings.Builder builder, String message) {
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid orchestrator settings: " + message);
    }
}
