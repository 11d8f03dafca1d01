package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.TimerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimerStoreTest {
    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    KeyValueStore<String, byte[]> backing;
    TimerStore timers;

    @BeforeEach
    void open() {
        backing = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(OrchestratorTopology.TIMER_STORE),
                        Serdes.String(),
                        Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        backing.init(new MockProcessorContext<>().getStateStoreContext(), backing);
        timers = new TimerStore(backing);
    }

    @AfterEach
    void close() {
        backing.close();
    }

    @Test
    void shouldGiveTheTimersDueByNowEarliestFirstAndNoneLater() {
        timers.apply(List.of(
                new TimerRequest.ScheduleTimeout("i-1", "a", "i-1/a/1", T0.plusSeconds(5)),
                new TimerRequest.ScheduleRetry("i-2", "b", "i-2/b/1", T0.plusSeconds(2)),
                new TimerRequest.ScheduleTimeout(
                        "i-3", "c", "i-3/c/1", T0.plusSeconds(5).plusNanos(1))));
        timers.schedulePurge("i-4", T0.plusSeconds(3));

        assertThat(timers.dueAt(T0.plusSeconds(1))).isEmpty();
        assertThat(timers.dueAt(T0.plusSeconds(5)))
                .containsExactly(
                        DueTimer.retryBackoff("i-2", "b", "i-2/b/1", T0.plusSeconds(2)),
                        DueTimer.purge("i-4", T0.plusSeconds(3)),
                        DueTimer.stepTimeout("i-1", "a", "i-1/a/1", T0.plusSeconds(5)));
    }

    @Test
    void shouldClearATimerTheEngineCancelsAndOneThatFired() {
        timers.apply(List.of(
                new TimerRequest.ScheduleTimeout("i-1", "a", "i-1/a/1", T0.plusSeconds(5)),
                new TimerRequest.ScheduleRetry("i-1", "b", "i-1/b/1", T0.plusSeconds(6)),
                new TimerRequest.ScheduleTimeout("i-2", "a", "i-2/a/1", T0.plusSeconds(7))));
        timers.apply(List.of(
                new TimerRequest.CancelTimeout("i-1", "a", "i-1/a/1", T0.plusSeconds(5)),
                new TimerRequest.CancelRetry("i-1", "b", "i-1/b/1", T0.plusSeconds(6))));
        List<DueTimer> due = timers.dueAt(T0.plusSeconds(10));
        assertThat(due).extracting(DueTimer::commandId).containsExactly("i-2/a/1");

        timers.remove(due.get(0));
        assertThat(timers.dueAt(T0.plusSeconds(10))).isEmpty();
    }

    @Test
    void shouldFireTimersAnOlderVersionStoredAlongsideNewOnes() {
        // As InstanceProcessor.TimerIndex wrote them: nanos|commandId -> instanceId NUL stepId [NUL retry].
        backing.put("1780315203000000000|i-1/a/1", bytes("i-1\u0000a"));
        backing.put("1780315204000000000|h-1/call/1", bytes("h-1\u0000call\u0000retry"));
        backing.put("1780315206000000000|\u0001i-7", bytes("i-7\u0000"));
        timers.schedulePurge("i-8", T0.plusSeconds(5));

        assertThat(timers.dueAt(T0.plusSeconds(10)))
                .containsExactly(
                        DueTimer.stepTimeout("i-1", "a", "i-1/a/1", T0.plusSeconds(3)),
                        DueTimer.retryBackoff("h-1", "call", "h-1/call/1", T0.plusSeconds(4)),
                        DueTimer.purge("i-8", T0.plusSeconds(5)),
                        DueTimer.purge("i-7", T0.plusSeconds(6)));
        timers.dueAt(T0.plusSeconds(10)).forEach(timers::remove);
        assertThat(count()).isZero();
    }

    @Test
    void shouldKeepAFailedTimerAndMakeItDueAgainAfterABackoffThatDoublesUpToAMinute() {
        timers.apply(List.of(new TimerRequest.ScheduleTimeout("i-1", "a", "i-1/a/1", T0)));
        Instant now = T0;
        var waits = new java.util.ArrayList<Duration>();
        for (int failure = 1; failure <= 9; failure++) {
            DueTimer due = timers.dueAt(now).get(0);
            assertThat(due.failures()).isEqualTo(failure - 1);
            timers.remove(due);
            DueTimer again = timers.tryAgainLater(due, now);

            assertThat(again.failures()).isEqualTo(failure);
            assertThat(again.commandId()).isEqualTo("i-1/a/1");
            assertThat(timers.dueAt(again.dueAt().minusNanos(1)))
                    .as("not due before its backoff")
                    .isEmpty();
            assertThat(timers.dueAt(again.dueAt())).containsExactly(again);
            waits.add(Duration.between(now, again.dueAt()));
            now = again.dueAt();
        }
        assertThat(waits)
                .containsExactly(IntStream.of(1, 2, 4, 8, 16, 32, 60, 60, 60)
                        .mapToObj(Duration::ofSeconds)
                        .toArray(Duration[]::new));
        assertThat(count()).as("one entry: the timer moved, it was not copied").isEqualTo(1);
    }

    @Test
    void shouldWriteARetriedOldTimerInTheNewFormat() {
        backing.put("1780315203000000000|i-1/a/1", bytes("i-1\u0000a"));
        DueTimer due = timers.dueAt(T0.plusSeconds(3)).get(0);
        timers.remove(due);
        DueTimer again = timers.tryAgainLater(due, T0.plusSeconds(3));

        byte[] stored = backing.get(again.key());
        assertThat(OrchestratorTopologyTest.json(stored).path("format").asInt()).isEqualTo(TimerCodec.FORMAT);
        assertThat(OrchestratorTopologyTest.json(stored).path("failures").asInt())
                .isEqualTo(1);
        assertThat(backing.get("1780315203000000000|i-1/a/1")).isNull();
    }

    @Test
    void shouldLeaveAnUnreadableEntryInPlaceAndStillFireTheOthers() {
        backing.put("1780315201000000000|x/y/1", bytes("{\"format\":9}"));
        timers.apply(List.of(new TimerRequest.ScheduleTimeout("i-1", "a", "i-1/a/1", T0.plusSeconds(2))));

        assertThat(timers.dueAt(T0.plusSeconds(3)))
                .extracting(DueTimer::commandId)
                .containsExactly("i-1/a/1");
        assertThat(timers.dueAt(T0.plusSeconds(3))).hasSize(1);
        assertThat(backing.get("1780315201000000000|x/y/1"))
                .as("kept for a version that reads it")
                .isNotNull();
    }

    @Test
    void shouldWaitOneSecondAfterTheFirstFailureAndNeverMoreThanAMinute() {
        assertThat(TimerStore.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(TimerStore.backoffAfter(6)).isEqualTo(Duration.ofSeconds(32));
        assertThat(TimerStore.backoffAfter(7)).isEqualTo(Duration.ofMinutes(1));
        assertThat(TimerStore.backoffAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(1));
    }

    private long count() {
        try (var it = backing.all()) {
            long n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return n;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
