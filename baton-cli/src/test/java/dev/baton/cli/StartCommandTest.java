package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code baton start --start-at}: an instant, or a duration from now; anything else is refused before sending. */
class StartCommandTest {
    static final Instant NOW = Instant.parse("2026-06-01T17:40:00Z");

    @Test
    void shouldReadAnInstantWithAnOffset() {
        assertThat(StartCommand.startAtInstant("2026-06-02T02:00:00Z", NOW))
                .isEqualTo(Instant.parse("2026-06-02T02:00:00Z"));
        assertThat(StartCommand.startAtInstant("2026-06-02T04:00:00+02:00", NOW))
                .isEqualTo(Instant.parse("2026-06-02T02:00:00Z"));
    }

    @Test
    void shouldReadADurationFromNow() {
        assertThat(StartCommand.startAtInstant("PT10M", NOW)).isEqualTo(Instant.parse("2026-06-01T17:50:00Z"));
    }

    @Test
    void shouldRefuseAnythingElse() {
        assertThat(StartCommand.startAtInstant("tonight", NOW)).isNull();
        assertThat(StartCommand.startAtInstant("2026-06-02T02:00:00", NOW))
                .as("no offset")
                .isNull();
        assertThat(StartCommand.startAtInstant("P-", NOW)).isNull();
    }
}
