package dev.baton.server.runtime;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Keys and values of the {@link TimerStore}, as they sit in RocksDB and in the store's changelog topic.
 *
 * <p>A key is the due time in zero-padded nanoseconds since the epoch, {@code |}, then the command id (or, for a purge,
 * {@link #PURGE_MARK} and the instance id), so the store's key order is due-time order. A value is a small JSON object
 * with a {@code format} number:
 *
 * <pre>{"format":1,"kind":"timeout","instanceId":"i-1","stepId":"charge","commandId":"i-1/charge/1",
 *  "dueAt":"2026-06-01T12:00:05Z","failures":0}</pre>
 *
 * Values written before the format existed (format 0) are still read: they are the instance id, a NUL, the step id
 * (empty for a purge) and, for a retry, another NUL and {@code retry}; the due time and command id are in the key.
 * Every such value holds a NUL, and no JSON value does (JSON escapes control characters), which tells them apart.
 *
 * <p>The timers of sleeps, repeating steps' rounds, delayed starts and deadlines are written in format 0 too, with
 * their kind's wire name as the third part ({@code i-1 NUL nap NUL wake}; {@code i-1 NUL @start NUL start} under the
 * key id {@link #START_MARK} + instance id; likewise {@code @deadline}). The previous release reads any third part
 * but {@code retry} as a step timeout: for a start or deadline it finds no step {@code @start} and ignores it, so a
 * rollback loses those timers instead of failing the partition (see docs/compatibility.md).
 *
 * <p>This release still <em>writes</em> format 0 for every timer format 0 can hold (one that never failed to fire):
 * the previous release reads only format 0, and fails its partition's task on anything else, so a rollback must not
 * find JSON values (see docs/compatibility.md: a new format is written one release after its readers ship). Only a
 * timer that failed to fire is written as JSON, because format 0 has no place for its failure count. The release after
 * this one may write {@link #FORMAT} for every timer.
 */
final class TimerCodec {
    /** Bumped when the layout changes incompatibly; readers reject versions they do not know. */
    static final int FORMAT = 1;

    /** Starts a purge key's id part; no command id or instance id starts with a control character. */
    static final char PURGE_MARK = '\u0001';

    /** Starts a delayed start's key id, as {@link #PURGE_MARK} a purge's. */
    static final char START_MARK = '\u0002';

    /** Starts a deadline's key id. */
    static final char DEADLINE_MARK = '\u0003';

    /** The step id part of a format-0 start or deadline: never a valid step id, so older readers find no such step. */
    private static final String START_STEP = "@start";

    private static final String DEADLINE_STEP = "@deadline";

    private static final int NANOS_DIGITS = 19;
    private static final String FORMAT_ZERO_RETRY = "retry";

    private TimerCodec() {}

    /** The store key of a timer due at {@code dueAt} for {@code id} (a command id, or a purge's marked instance id). */
    static String key(Instant dueAt, String id) {
        return nanosPrefix(dueAt) + id;
    }

    /**
     * The smallest key of a timer due after {@code dueAt}. No timer has an empty id, so this bound is never a key
     * itself and an inclusive range up to it holds exactly the timers due at or before {@code dueAt}.
     */
    static String firstKeyAfter(Instant dueAt) {
        return nanosPrefix(dueAt.plusNanos(1));
    }

    private static String nanosPrefix(Instant at) {
        long nanos = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
        return String.format("%0" + NANOS_DIGITS + "d", nanos) + "|";
    }

    static byte[] write(DueTimer timer) {
        return timer.failures() == 0 && fitsFormatZero(timer) ? writeFormatZero(timer) : writeJson(timer);
    }

    /** The layout InstanceProcessor's TimerIndex wrote, byte for byte: what the previous release reads. */
    private static byte[] writeFormatZero(DueTimer timer) {
        String value = switch (timer.kind()) {
            case PURGE -> timer.instanceId() + '\u0000';
            case STEP_TIMEOUT -> timer.instanceId() + '\u0000' + timer.stepId();
            case RETRY_BACKOFF -> timer.instanceId() + '\u0000' + timer.stepId() + '\u0000' + FORMAT_ZERO_RETRY;
            case WAKE ->
                timer.instanceId()
                        + '\u0000'
                        + timer.stepId()
                        + '\u0000'
                        + timer.kind().wireName();
            case START ->
                timer.instanceId()
                        + '\u0000'
                        + START_STEP
                        + '\u0000'
                        + timer.kind().wireName();
            case DEADLINE ->
                timer.instanceId()
                        + '\u0000'
                        + DEADLINE_STEP
                        + '\u0000'
                        + timer.kind().wireName();
        };
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Format 0 separates its parts with NULs; ids that hold one (never valid ones) can only be written as JSON. */
    private static boolean fitsFormatZero(DueTimer timer) {
        return timer.instanceId().indexOf('\u0000') < 0
                && (timer.stepId() == null || timer.stepId().indexOf('\u0000') < 0);
    }

    private static byte[] writeJson(DueTimer timer) {
        var out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("kind", timer.kind().wireName());
            g.writeStringField("instanceId", timer.instanceId());
            if (timer.stepId() != null) {
                g.writeStringField("stepId", timer.stepId());
                g.writeStringField("commandId", timer.commandId());
            }
            g.writeStringField("dueAt", timer.dueAt().toString());
            g.writeNumberField("failures", timer.failures());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads the timer stored under {@code key}.
     *
     * @throws IllegalArgumentException if the entry is not a timer this version can read (naming the key and why), so
     *     that nothing fires from a misread entry
     */
    static DueTimer read(String key, byte[] value) {
        try {
            if (value == null) {
                throw new IllegalArgumentException("it has no value");
            }
            DueTimer timer = indexOf(value, (byte) 0) >= 0 ? readFormatZero(key, value) : readJson(value);
            if (!timer.key().equals(key)) {
                throw new IllegalArgumentException("its key does not match the value's due time and id");
            }
            return timer;
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "unreadable timer under key '" + printable(key) + "': " + e.getMessage(), e);
        }
    }

    private static DueTimer readJson(byte[] value) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("its value is neither JSON nor the format-0 layout", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("its value is not a JSON object");
        }
        JsonNode format = node.get("format");
        if (format == null || !format.isIntegralNumber() || !format.canConvertToInt()) {
            throw new IllegalArgumentException("its value has no format number");
        }
        if (format.intValue() != FORMAT) {
            throw new IllegalArgumentException("its format " + format.intValue() + " is not known to this version"
                    + " (format " + FORMAT + "); it may have been written by a newer Baton");
        }
        JsonNode failures = node.get("failures");
        if (failures != null && (!failures.isIntegralNumber() || !failures.canConvertToInt())) {
            throw new IllegalArgumentException("'failures' is not a whole number");
        }
        return new DueTimer(
                DueTimer.Kind.ofWireName(text(node, "kind", true)),
                text(node, "instanceId", true),
                text(node, "stepId", false),
                text(node, "commandId", false),
                Instant.parse(text(node, "dueAt", true)),
                failures == null ? 0 : failures.intValue());
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("'" + field + "' is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is not a string");
        }
        return v.textValue();
    }

    /** The layout InstanceProcessor's TimerIndex wrote before the format number existed. */
    private static DueTimer readFormatZero(String key, byte[] value) {
        if (key.length() <= NANOS_DIGITS + 1
                || key.charAt(NANOS_DIGITS) != '|'
                || !key.substring(0, NANOS_DIGITS).chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("its key is not a due time, '|' and an id");
        }
        long nanos = Long.parseLong(key.substring(0, NANOS_DIGITS));
        Instant dueAt = Instant.ofEpochSecond(0, nanos);
        String id = key.substring(NANOS_DIGITS + 1);
        String[] parts = new String(value, StandardCharsets.UTF_8).split("\u0000", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("its format-0 value does not have an instance id and a step id");
        }
        DueTimer.Kind marked = parts.length < 3 ? DueTimer.Kind.STEP_TIMEOUT : formatZeroKind(parts[2]);
        String instanceId = parts[0];
        String stepId = parts[1];
        if (marked == DueTimer.Kind.START || marked == DueTimer.Kind.DEADLINE) {
            String expectedStep = marked == DueTimer.Kind.START ? START_STEP : DEADLINE_STEP;
            if (!stepId.equals(expectedStep) || id.charAt(0) != marked.mark()) {
                throw new IllegalArgumentException(
                        "its format-0 value is a " + marked.wireName() + " timer but its key or step part is not");
            }
            return marked == DueTimer.Kind.START
                    ? DueTimer.start(instanceId, dueAt)
                    : DueTimer.deadline(instanceId, dueAt);
        }
        if (stepId.isEmpty()) {
            if (parts.length == 3) {
                throw new IllegalArgumentException("its format-0 value is a retry without a step");
            }
            return DueTimer.purge(instanceId, dueAt);
        }
        if (Character.isISOControl(id.charAt(0))) {
            throw new IllegalArgumentException(
                    "its key is a purge's, start's or deadline's but its value names a step");
        }
        return switch (marked) {
            case RETRY_BACKOFF -> DueTimer.retryBackoff(instanceId, stepId, id, dueAt);
            case WAKE -> DueTimer.wake(instanceId, stepId, id, dueAt);
            default -> DueTimer.stepTimeout(instanceId, stepId, id, dueAt);
        };
    }

    private static DueTimer.Kind formatZeroKind(String marker) {
        if (marker.equals(FORMAT_ZERO_RETRY)) {
            return DueTimer.Kind.RETRY_BACKOFF;
        }
        for (DueTimer.Kind k : new DueTimer.Kind[] {DueTimer.Kind.WAKE, DueTimer.Kind.START, DueTimer.Kind.DEADLINE}) {
            if (k.wireName().equals(marker)) {
                return k;
            }
        }
        throw new IllegalArgumentException("its format-0 value ends in an unknown marker");
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Purge keys hold a control character; a log line shows it escaped. */
    private static String printable(String key) {
        var sb = new StringBuilder(key.length());
        key.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
