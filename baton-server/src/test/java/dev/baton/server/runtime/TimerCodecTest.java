package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TimerCodecTest {
    static final Instant DUE = Instant.parse("2026-06-01T12:00:05.123456789Z");

    static Stream<DueTimer> everyKind() {
        return Stream.of(
                DueTimer.stepTimeout("i-1", "charge", "i-1/charge/1", DUE),
                DueTimer.retryBackoff("i-1", "notify", "i-1/notify/3", DUE),
                DueTimer.purge("i-1", DUE),
                DueTimer.stepTimeout("i-2", "charge", "i-2/charge/1", DUE).failedOnceMore(DUE.plusSeconds(1)),
                DueTimer.purge("i-2", DUE).failedOnceMore(DUE.plusSeconds(1)).failedOnceMore(DUE.plusSeconds(3)),
                // odd ids: the key's separator, JSON's own characters, accents, a character outside the BMP
                DueTimer.stepTimeout("ordre|7 \"{é}\"", "étape|1", "ordre|7 \"{é}\"/étape|1/1", DUE),
                DueTimer.retryBackoff("注文-\uD83D\uDE80", "支払い", "注文-\uD83D\uDE80/支払い/2", DUE),
                DueTimer.purge("{\"not\":\"json\"}|x", DUE),
                DueTimer.wake("i-1", "nap", "i-1/nap/1", DUE),
                DueTimer.start("i-1", DUE),
                DueTimer.deadline("i-1", DUE),
                DueTimer.wake("i-3", "track", "i-3/track/2", DUE).failedOnceMore(DUE.plusSeconds(1)),
                DueTimer.start("i-3", DUE).failedOnceMore(DUE.plusSeconds(1)),
                DueTimer.deadline("i-3", DUE).failedOnceMore(DUE.plusSeconds(1)));
    }

    /**
     * The new kinds are written in format 0 with a marker the previous release does not know: it reads any marker but
     * {@code retry} as a step timeout (see wire/v1), so it finds no step {@code @start} or {@code @deadline} and
     * ignores them rather than failing the partition.
     */
    @Test
    void shouldWriteTheTimeKindsInFormatZeroWithTheirMarker() {
        assertThat(TimerCodec.write(DueTimer.wake("i-1", "nap", "i-1/nap/1", DUE)))
                .isEqualTo(bytes("i-1\u0000nap\u0000wake"));
        assertThat(TimerCodec.write(DueTimer.start("i-1", DUE))).isEqualTo(bytes("i-1\u0000@start\u0000start"));
        assertThat(TimerCodec.write(DueTimer.deadline("i-1", DUE)))
                .isEqualTo(bytes("i-1\u0000@deadline\u0000deadline"));
        assertThat(DueTimer.start("i-1", DUE).key()).endsWith("|\u0002i-1");
        assertThat(DueTimer.deadline("i-1", DUE).key()).endsWith("|\u0003i-1");
        assertThat(DueTimer.wake("i-1", "nap", "i-1/nap/1", DUE).key()).endsWith("|i-1/nap/1");
    }

    @Test
    void shouldRefuseAStartOrDeadlineValueUnderAnotherKindOfKey() {
        String stepKey = TimerCodec.key(DUE, "i-1/nap/1");
        assertThatThrownBy(() -> TimerCodec.read(stepKey, bytes("i-1\u0000@start\u0000start")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a start timer but its key or step part is not");
        String startKey = DueTimer.start("i-1", DUE).key();
        assertThatThrownBy(() -> TimerCodec.read(startKey, bytes("i-1\u0000nap")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("its value names a step");
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void shouldReadBackEveryTimerItWrites(DueTimer timer) {
        byte[] value = TimerCodec.write(timer);

        assertThat(TimerCodec.read(timer.key(), value)).isEqualTo(timer);
        if (timer.failures() == 0) {
            assertThat(value)
                    .as("format 0, which the previous release reads after a rollback, holds a NUL")
                    .contains((byte) 0);
        } else {
            assertThat(value)
                    .as("a JSON value never holds a NUL, which marks format 0")
                    .doesNotContain((byte) 0);
            assertThat(OrchestratorTopologyTest.json(value).path("format").asInt())
                    .isEqualTo(TimerCodec.FORMAT);
        }
    }

    /** What the previous release's TimerIndex wrote and reads (wire/v1 fixtures check the same against its code). */
    @Test
    void shouldWriteATimerThatNeverFailedAsThePreviousReleaseDid() {
        assertThat(TimerCodec.write(DueTimer.stepTimeout("i-1", "charge", "i-1/charge/1", DUE)))
                .isEqualTo(bytes("i-1\u0000charge"));
        assertThat(TimerCodec.write(DueTimer.retryBackoff("i-1", "notify", "i-1/notify/3", DUE)))
                .isEqualTo(bytes("i-1\u0000notify\u0000retry"));
        assertThat(TimerCodec.write(DueTimer.purge("i-1", DUE))).isEqualTo(bytes("i-1\u0000"));
    }

    @Test
    void shouldWriteTheFieldsByTheirWireNames() {
        var timer = DueTimer.retryBackoff("i-1", "notify", "i-1/notify/3", DUE).failedOnceMore(DUE);

        assertThat(new String(TimerCodec.write(timer), StandardCharsets.UTF_8))
                .isEqualTo("{\"format\":1,\"kind\":\"retry\",\"instanceId\":\"i-1\",\"stepId\":\"notify\","
                        + "\"commandId\":\"i-1/notify/3\",\"dueAt\":\"2026-06-01T12:00:05.123456789Z\","
                        + "\"failures\":1}");
    }

    @Test
    void shouldKeepKeysInDueTimeOrderWhateverTheIds() {
        List<DueTimer> inTimeOrder = List.of(
                DueTimer.stepTimeout("\uD83D\uDE80", "s", "\uD83D\uDE80/s/1", Instant.parse("2001-09-09T01:46:39Z")),
                DueTimer.purge("zzz", Instant.parse("2001-09-09T01:46:40Z")),
                DueTimer.stepTimeout("a", "s", "a/s/1", Instant.parse("2001-09-09T01:46:40.000000001Z")),
                DueTimer.retryBackoff("a", "s", "a/s/1", DUE),
                DueTimer.stepTimeout("0", "s", "0/s/1", DUE.plusNanos(1)));

        // The store compares serialized keys byte by byte.
        byte[][] keys = inTimeOrder.stream()
                .map(t -> t.key().getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        byte[][] sorted = keys.clone();
        Arrays.sort(sorted, Arrays::compareUnsigned);
        assertThat(sorted).isDeepEqualTo(keys);
        assertThat(TimerCodec.firstKeyAfter(DUE))
                .isGreaterThan(inTimeOrder.get(3).key());
        assertThat(TimerCodec.firstKeyAfter(DUE)).isLessThan(inTimeOrder.get(4).key());
    }

    /** Keys and values exactly as InstanceProcessor.TimerIndex wrote them before the format number existed. */
    @Test
    void shouldReadTimersWrittenInFormatZero() {
        // 2026-06-01T12:00:05Z is 1780315205 s after the epoch; TimerIndex keyed by String.format("%019d", nanos).
        assertThat(TimerCodec.read("1780315205000000000|i-1/first/1", bytes("i-1\u0000first")))
                .isEqualTo(DueTimer.stepTimeout("i-1", "first", "i-1/first/1", Instant.parse("2026-06-01T12:00:05Z")));
        assertThat(TimerCodec.read("1780315205000000001|h-1/call/1", bytes("h-1\u0000call\u0000retry")))
                .isEqualTo(DueTimer.retryBackoff(
                        "h-1", "call", "h-1/call/1", Instant.parse("2026-06-01T12:00:05.000000001Z")));
        assertThat(TimerCodec.read("1780315805000000000|\u0001i-7", bytes("i-7\u0000")))
                .isEqualTo(DueTimer.purge("i-7", Instant.parse("2026-06-01T12:10:05Z")));
        // an id with the key's separator in it: everything after the first '|' is the command id
        assertThat(TimerCodec.read(
                        "1780315205000000000|a|b/é/1", new byte[] {'a', '|', 'b', 0, (byte) 0xC3, (byte) 0xA9}))
                .isEqualTo(DueTimer.stepTimeout("a|b", "é", "a|b/é/1", Instant.parse("2026-06-01T12:00:05Z")));
    }

    @Test
    void shouldReadWhatTheFormatZeroEncoderWroteForAnyDueTime() {
        for (Instant due : List.of(
                Instant.EPOCH.plusNanos(1),
                Instant.parse("2026-06-01T12:00:05.123456789Z"),
                Instant.parse("2262-04-11T23:47:16.854775807Z"))) {
            assertThat(TimerCodec.read(
                            formatZeroKey(due, "i-1/a/1"), ("i-1" + '\u0000' + "a").getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(DueTimer.stepTimeout("i-1", "a", "i-1/a/1", due));
            assertThat(TimerCodec.read(
                            formatZeroKey(due, "\u0001" + "i-1"), ("i-1" + '\u0000').getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(DueTimer.purge("i-1", due));
        }
    }

    /** TimerIndex.key, as it was. */
    private static String formatZeroKey(Instant dueAt, String commandId) {
        long nanos = dueAt.getEpochSecond() * 1_000_000_000L + dueAt.getNano();
        return String.format("%019d", nanos) + "|" + commandId;
    }

    @Test
    void shouldWriteAFormatZeroTimerBackAsItWasUnderTheSameKey() {
        String key = "1780315205000000000|i-1/first/1";
        DueTimer old = TimerCodec.read(key, bytes("i-1\u0000first"));

        assertThat(old.key()).isEqualTo(key);
        assertThat(TimerCodec.write(old)).isEqualTo(bytes("i-1\u0000first"));
        DueTimer failed = old.failedOnceMore(old.dueAt());
        assertThat(TimerCodec.read(key, TimerCodec.write(failed))).isEqualTo(failed);
    }

    @Test
    void shouldRefuseAnEntryItCannotReadRatherThanGuessATimer() {
        String key = "1780315205000000000|i-1/first/1";
        assertUnreadable(key, bytes("garbage"), "neither JSON nor the format-0 layout");
        assertUnreadable(key, bytes("[1,2]"), "not a JSON object");
        assertUnreadable(key, null, "no value");
        assertUnreadable(key, bytes("{\"kind\":\"timeout\"}"), "no format number");
        assertUnreadable(
                key,
                bytes("{\"format\":2,\"kind\":\"timeout\",\"instanceId\":\"i-1\"}"),
                "format 2 is not known to this version");
        assertUnreadable(
                key,
                bytes("{\"format\":1,\"kind\":\"alarm\",\"instanceId\":\"i-1\",\"dueAt\":\"2026-06-01T12:00:05Z\"}"),
                "unknown timer kind 'alarm'");
        assertUnreadable(
                key,
                bytes("{\"format\":1,\"kind\":\"timeout\",\"stepId\":\"first\",\"commandId\":\"i-1/first/1\","
                        + "\"dueAt\":\"2026-06-01T12:00:05Z\"}"),
                "'instanceId' is missing");
        assertUnreadable(
                key,
                bytes("{\"format\":1,\"kind\":\"timeout\",\"instanceId\":\"i-1\",\"dueAt\":\"2026-06-01T12:00:05Z\"}"),
                "a purge has no step and no command");
        assertUnreadable(
                key,
                bytes("{\"format\":1,\"kind\":\"timeout\",\"instanceId\":\"i-1\",\"stepId\":\"first\","
                        + "\"commandId\":\"i-1/first/1\",\"dueAt\":\"yesterday\"}"),
                "yesterday");
        assertUnreadable(
                key,
                bytes("{\"format\":1,\"kind\":\"timeout\",\"instanceId\":\"i-1\",\"stepId\":\"first\","
                        + "\"commandId\":\"i-1/first/1\",\"dueAt\":\"2026-06-01T12:00:05Z\",\"failures\":1.5}"),
                "'failures' is not a whole number");
        // a readable value under another timer's key would fire at the wrong time, or for the wrong command
        assertUnreadable(
                "1780315206000000000|i-1/first/1",
                TimerCodec.write(
                        DueTimer.stepTimeout("i-1", "first", "i-1/first/1", Instant.parse("2026-06-01T12:00:05Z"))
                                .failedOnceMore(Instant.parse("2026-06-01T12:00:05Z"))),
                "its key does not match");
        assertUnreadable(key, bytes("i-1\u0000first\u0000later"), "unknown marker");
        assertUnreadable(key, bytes("i-1\u0000first\u0000retry\u0000x"), "does not have an instance id and a step id");
        assertUnreadable(key, bytes("\u0000first"), "does not have an instance id and a step id");
        assertUnreadable("17803152050|i-1/first/1", bytes("i-1\u0000first"), "not a due time, '|' and an id");
        assertUnreadable("1780315205000000000|i-1/first/1", bytes("i-7\u0000"), "its key does not match");
        assertUnreadable("1780315205000000000|\u0001i-7", bytes("i-7\u0000first"), "is a purge's");
    }

    @Test
    void shouldNameTheKeyOfAnUnreadableEntryWithItsControlCharactersShown() {
        assertThatThrownBy(() -> TimerCodec.read("1780315205000000000|\u0001i-7", bytes("nope")))
                .hasMessageStartingWith("unreadable timer under key '1780315205000000000|\\u0001i-7': ");
    }

    private static void assertUnreadable(String key, byte[] value, String why) {
        assertThatThrownBy(() -> TimerCodec.read(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unreadable timer under key ")
                .hasMessageContaining(why);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
