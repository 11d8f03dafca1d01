package dev.baton.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.Failure;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.Notification.OutcomeIgnored;
import dev.baton.engine.Outcome;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The writing rules docs/protocol.md states for every status notification; the examples there have no gaps. */
class StatusMessageTest {
    private static final Instant AT = Instant.parse("2026-11-26T10:15:02.113Z");

    @Test
    void shouldLeaveOutFieldsWithoutAValue() {
        var ignored = new OutcomeIgnored("order-7", null, null, null, AT);

        assertThat(StatusMessage.toMap(ignored, "order-fulfilment"))
                .containsExactly(
                        Map.entry("type", "OutcomeIgnored"),
                        Map.entry("workflow", "order-fulfilment"),
                        Map.entry("instanceId", "order-7"),
                        Map.entry("at", "2026-11-26T10:15:02.113Z"));
    }

    @Test
    void shouldWriteACancellationsFailureWithoutAStep() {
        var cancelled = new InstanceFailing("order-7", Outcome.CANCELLED, new Failure(null, "Cancelled", "by ops"), AT);

        assertThat(StatusMessage.toMap(cancelled, "order-fulfilment"))
                .containsEntry("outcome", "CANCELLED")
                .containsEntry("failure", Map.of("type", "Cancelled", "message", "by ops"));
    }
}
