package dev.baton.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The W3C Trace Context rules for reading {@code traceparent}, with the specification's examples. */
class TraceParentTest {
    static final String EXAMPLE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void shouldReadTheSpecificationsExample() {
        TraceParent p = TraceParent.parse(EXAMPLE).orElseThrow();
        assertThat(p.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(p.spanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(p.sampled()).isTrue();
        assertThat(p.header()).isEqualTo(EXAMPLE);
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
                        .orElseThrow()
                        .sampled())
                .isFalse();
    }

    @Test
    void shouldReadALaterVersionsFirstFieldsAndIgnoreWhatItAppends() {
        assertThat(TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds"))
                .hasValueSatisfying(p -> assertThat(p.header()).isEqualTo(EXAMPLE));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", // version 00 has no more fields
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // the forbidden version
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero span id
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", // upper case
                "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01", // misplaced dash
                "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"
            })
    void shouldRejectInvalidValues(String value) {
        assertThat(TraceParent.parse(value)).isEmpty();
    }

    @Test
    void shouldTreatARecordWithAnInvalidTraceparentAsCarryingNoContext() {
        var headers = new RecordHeaders()
                .add("traceparent", "00-xyz".getBytes(StandardCharsets.UTF_8))
                .add("tracestate", "vendor=1".getBytes(StandardCharsets.UTF_8));
        assertThat(TraceContext.of(headers)).isEqualTo(TraceContext.NONE);
        assertThat(TraceContext.of(EXAMPLE, "x".repeat(TraceParent.MAX_STATE_LENGTH + 1))
                        .tracestate())
                .isNull();
        assertThat(TraceContext.of(EXAMPLE, "vendor=1").tracestate()).isEqualTo("vendor=1");
    }

    @Test
    void shouldDeriveTheSameIdsForTheSameInstanceAndOthersForAnother() {
        Instant at = Instant.parse("2026-06-01T12:00:00Z");
        InstanceTrace one = InstanceTrace.recording("i-1", at, TraceContext.NONE);
        InstanceTrace again = InstanceTrace.recording("i-1", at, TraceContext.NONE);
        InstanceTrace reused = InstanceTrace.recording("i-1", at.plusMillis(1), TraceContext.NONE);
        assertThat(again.instanceSpan()).isEqualTo(one.instanceSpan());
        assertThat(again.commandSpan("i-1/a/1")).isEqualTo(one.commandSpan("i-1/a/1"));
        assertThat(one.commandSpan("i-1/a/2").spanId())
                .isNotEqualTo(one.commandSpan("i-1/a/1").spanId());
        assertThat(reused.instanceSpan().traceId())
                .as("an id used again after a purge is another trace")
                .isNotEqualTo(one.instanceSpan().traceId());
        assertThat(TraceParent.parse(one.command("i-1/a/1").traceparent())).isPresent();
    }
}
