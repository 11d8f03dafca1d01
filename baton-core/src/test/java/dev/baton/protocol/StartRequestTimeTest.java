package dev.baton.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code startAt} and {@code deadline} on a start request: read, written back, and refused when malformed. */
class StartRequestTimeTest {
    @Test
    void shouldReadAndWriteBackADelayedStartAndAnOwnDeadline() {
        StartRequest r = StartRequest.parse(bytes(
                "{\"workflow\":\"nightly-order\",\"startAt\":\"2026-06-02T04:00:00+02:00\",\"deadline\":\"PT2H\"}"));
        assertThat(r.startAt()).isEqualTo(Instant.parse("2026-06-02T02:00:00Z"));
        assertThat(r.deadline()).isEqualTo(Duration.ofHours(2));
        assertThat(StartRequest.parse(r.toJson())).isEqualTo(r);
        assertThat(r.toInbound("o-1", Instant.EPOCH).startAt()).isEqualTo(r.startAt());
        assertThat(r.toInbound("o-1", Instant.EPOCH).deadline()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void shouldWriteNeitherWhenAbsent() {
        StartRequest r = StartRequest.parse(bytes("{\"workflow\":\"article\"}"));
        assertThat(new String(r.toJson(), StandardCharsets.UTF_8)).isEqualTo("{\"workflow\":\"article\",\"input\":{}}");
    }

    @Test
    void shouldRefuseAStartAtWithoutOffsetAndADeadlineThatIsNotPositive() {
        assertThatThrownBy(() -> StartRequest.parse(bytes("{\"workflow\":\"a\",\"startAt\":\"2026-06-02T02:00:00\"}")))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("field 'startAt' must be an ISO-8601 instant with an offset");
        assertThatThrownBy(() -> StartRequest.parse(bytes("{\"workflow\":\"a\",\"deadline\":\"PT0S\"}")))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("field 'deadline' must be a positive ISO-8601 duration of at most P3650D");
        assertThat(StartRequest.deadlineOf("P4000D")).isNull();
        assertThat(StartRequest.deadlineOf("two hours")).isNull();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
