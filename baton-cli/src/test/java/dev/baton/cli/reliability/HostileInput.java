package dev.baton.cli.reliability;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The fuzzer's records for {@link HostileInputIT}: malformed or hostile records for the request and callback topics,
 * each with what Baton must do with it. The contents come from jqwik generators (random bytes and strings, JSON
 * values of the wrong type, truncated JSON, deep nesting, invalid UTF-8, sizes around the limits); the category decides
 * the record's shape and the expected handling:
 *
 * <ul>
 *   <li>{@link Expect#DEAD_LETTER}: baton.dlq gets exactly one copy (or, when too large to copy, a record without its
 *       value) naming the record's topic, partition and offset, with a reason that contains {@link #reason};</li>
 *   <li>{@link Expect#IGNORED}: well-formed, about a real instance, and meaningless (a second start, a retry with nothing
 *       to retry, a signal nobody waits for, a cancel of a finished instance, an outcome for an unknown step, a stale or
 *       unknown command, a duplicate): exactly one status notification ({@link #reason} is its type and reason)
 *       carrying the record's {@code traceparent}, and nothing else changes.</li>
 * </ul>
 */
final class HostileInput {
    enum Expect {
        DEAD_LETTER,
        IGNORED
    }

    /** One record to write. {@code traceparent} identifies it on baton.status (IGNORED only). */
    record Hostile(
            String category,
            String topic,
            byte[] key,
            byte[] value,
            List<Header> headers,
            Expect expect,
            String reason,
            String traceparent) {
        int size() {
            return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        }
    }

    /** What the fuzzer needs to know about the valid traffic: which instances exist, and which have finished. */
    interface Valid {
        String workflow();

        /** A valid instance whose start request was acknowledged, or null if none yet. */
        String written(Random random);

        /** A valid instance that has its result, or null if none yet. */
        String finished(Random random);
    }

    private final Random random;
    private final int limit;
    private final Valid valid;
    private long sequence;

    private final Iterator<byte[]> junkBytes = Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(300)
            .sampleStream()
            .iterator();
    private final Iterator<String> junkStrings =
            Arbitraries.strings().all().ofMaxLength(200).sampleStream().iterator();
    private final Iterator<String> names = Arbitraries.strings()
            .all()
            .ofMinLength(1)
            .ofMaxLength(60)
            .sampleStream()
            .iterator();
    private final Iterator<String> wrongValues = Arbitraries.of(
                    "42",
                    "-1",
                    "0",
                    "1.5",
                    "true",
                    "false",
                    "[]",
                    "{}",
                    "[1,2]",
                    "{\"a\":1}",
                    "\"\"",
                    "\" \"",
                    "1e999",
                    "99999999999999999999",
                    "-0")
            .sampleStream()
            .iterator();
    private final Iterator<String> jsonValues = jsonValues().sampleStream().iterator();
    private final Iterator<List<Header>> headers = headers().sampleStream().iterator();

    HostileInput(long seed, int limit, Valid valid) {
        this.random = new Random(seed);
        this.limit = limit;
        this.valid = valid;
    }

    /** Any JSON value, a few levels deep: the payload of records that are otherwise well-formed. */
    static Arbitrary<String> jsonValues() {
        Arbitrary<String> leaves = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(30).map(HostileInput::quote),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.of(
                        "true", "false", "null", "1e308", "-0.0", "123456789012345678901234567890", "\"\\u0000\""));
        return Arbitraries.recursive(
                () -> leaves,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
                        Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(8), inner)
                                .as((k, v) -> "{" + quote(k) + ":" + v + "}")),
                0,
                4);
    }

    /** Hostile headers: odd names, empty and invalid UTF-8 values, CloudEvents headers with nonsense, a large one. */
    static Arbitrary<List<Header>> headers() {
        Arbitrary<Header> one = Arbitraries.oneOf(
                // (Header names without lone surrogates: Kafka's producer sizes those differently from how it writes
                // them,
                // and the broker rejects the whole batch.)
                Combinators.combine(
                                Arbitraries.strings()
                                        .all()
                                        .ofMaxLength(20)
                                        .filter(k -> k.chars().noneMatch(c -> Character.isSurrogate((char) c))),
                                Arbitraries.bytes().array(byte[].class).ofMaxSize(50))
                        .as(RecordHeader::new),
                Arbitraries.of("ce_type", "ce_id", "ce_specversion", "content-type", "ce_time", "baton.dlq.reason")
                        .map(k -> new RecordHeader(k, new byte[] {(byte) 0xC3, (byte) 0x28, 'x'})),
                Arbitraries.integers().between(1_000, 8_000).map(n -> new RecordHeader("big", new byte[n])),
                Arbitraries.just(new RecordHeader("empty", null)));
        return one.list().ofMaxSize(3).map(l -> new ArrayList<>(l));
    }

    static String quote(String s) {
        var b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A key no valid instance has. */
    private String freshKey() {
        return "hostile-" + (sequence++) + "-" + Integer.toHexString(random.nextInt());
    }

    private String traceparent() {
        // Never all zero: W3C makes such ids invalid, Baton drops them, and the record would not be found on
        // baton.status by its traceparent (the first record of a run, at sequence 0, once failed CI that way).
        return String.format("00-%032x-%016x-01", ++sequence, (random.nextLong() & Long.MAX_VALUE) | 1);
    }

    private Hostile dead(String category, String topic, byte[] key, byte[] value, String reason) {
        // Hostile headers on a quarter of them; not on a record near 1 MB, which the test's own producer would refuse.
        boolean large = value != null && value.length > 1_000_000;
        List<Header> h = !large && random.nextInt(4) == 0 ? headers.next() : List.of();
        return new Hostile(category, topic, key, value, h, Expect.DEAD_LETTER, reason, null);
    }

    private Hostile ignored(String category, String topic, String key, String value, String reason) {
        String trace = traceparent();
        return new Hostile(
                category,
                topic,
                utf8(key),
                utf8(value),
                List.of(new RecordHeader("traceparent", utf8(trace))),
                Expect.IGNORED,
                reason,
                trace);
    }

    private String outcome(String commandId, String instanceId, String stepId, String status, String payload) {
        var m = new LinkedHashMap<String, String>();
        m.put("commandId", quote(commandId));
        m.put("instanceId", quote(instanceId));
        m.put("stepId", quote(stepId));
        m.put("status", quote(status));
        m.put(status.equals("FAILED") ? "error" : "output", payload);
        var b = new StringBuilder("{");
        m.forEach((k, v) ->
                b.append(b.length() > 1 ? "," : "").append(quote(k)).append(':').append(v));
        return b.append('}').toString();
    }

    private String validRequestJson() {
        return "{\"workflow\":" + quote(valid.workflow()) + ",\"input\":" + jsonValues.next() + "}";
    }

    private String deep(int depth, String inner) {
        return "[".repeat(depth) + inner + "]".repeat(depth);
    }

    /** The next hostile record; categories are drawn with fixed weights. */
    Hostile next() {
        List<Map.Entry<Integer, Supplier<Hostile>>> table = categories();
        int total = table.stream().mapToInt(Map.Entry::getKey).sum();
        int pick = random.nextInt(total);
        for (var e : table) {
            pick -= e.getKey();
            if (pick < 0) {
                Hostile h = e.getValue().get();
                if (h != null) {
                    return h;
                }
                return next(); // needs valid traffic that is not there yet
            }
        }
        throw new IllegalStateException();
    }

    private List<Map.Entry<Integer, Supplier<Hostile>>> categories() {
        String req = "baton.requests";
        String cb = "baton.callbacks";
        return List.of(
                // --- requests: dead letters
                Map.entry(8, () -> dead("request: random bytes", req, utf8(freshKey()), junkBytes.next(), "request: ")),
                Map.entry(
                        6,
                        () -> dead(
                                "request: random text", req, utf8(freshKey()), utf8(junkStrings.next()), "request: ")),
                Map.entry(6, () -> {
                    String json = validRequestJson();
                    return dead(
                            "request: truncated JSON",
                            req,
                            utf8(freshKey()),
                            utf8(json.substring(0, random.nextInt(json.length()))),
                            "request: ");
                }),
                Map.entry(4, () -> {
                    String garbage = List.of("}", "]", "x", " {\"workflow\":1}", ",", "\"", "null", "{")
                            .get(random.nextInt(8));
                    return dead(
                            "request: trailing garbage",
                            req,
                            utf8(freshKey()),
                            utf8(validRequestJson() + garbage),
                            "not valid JSON");
                }),
                Map.entry(6, () -> {
                    String field = List.of("workflow", "version", "businessKey", "operation", "signal")
                            .get(random.nextInt(5));
                    String value = wrongValues.next();
                    if (field.equals("version") && value.matches("\\d{1,9}") && !value.equals("0")) {
                        value = "\"" + value + "\"";
                    }
                    if (field.equals("businessKey") && value.startsWith("\"")) {
                        value = "[" + value + "]"; // a string would be a valid business key
                    }
                    String json = field.equals("workflow")
                            ? "{\"workflow\":" + value + "}"
                            : "{\"workflow\":" + quote(valid.workflow()) + ",\"" + field + "\":" + value + "}";
                    return dead("request: wrong type (" + field + ")", req, utf8(freshKey()), utf8(json), "request: ");
                }),
                Map.entry(5, () -> {
                    String name = names.next();
                    if (name.equals(valid.workflow())) {
                        name = name + "-not";
                    }
                    return dead(
                            "request: unknown workflow",
                            req,
                            utf8(freshKey()),
                            utf8("{\"workflow\":" + quote(name) + "}"),
                            name.isBlank() ? "must be a non-empty string" : "unknown workflow");
                }),
                Map.entry(
                        3,
                        () -> dead(
                                "request: unknown version",
                                req,
                                utf8(freshKey()),
                                utf8("{\"workflow\":" + quote(valid.workflow()) + ",\"version\":"
                                        + (2 + random.nextInt(1_000_000)) + "}"),
                                "unknown workflow")),
                Map.entry(4, () -> {
                    String op = List.of(
                                    "{\"operation\":\"cancel\"}",
                                    "{\"operation\":\"retry\",\"stepId\":\"A\"}",
                                    "{\"signal\":\"go\",\"payload\":" + jsonValues.next() + "}")
                            .get(random.nextInt(3));
                    return dead(
                            "request: action on unknown instance", req, utf8(freshKey()), utf8(op), "unknown instance");
                }),
                Map.entry(3, () -> {
                    String op = names.next();
                    if (op.equalsIgnoreCase("cancel") || op.equalsIgnoreCase("retry")) {
                        op = "explode";
                    }
                    return dead(
                            "request: unknown operation",
                            req,
                            utf8(freshKey()),
                            utf8("{\"operation\":" + quote(op) + "}"),
                            "request: ");
                }),
                // --- either topic: dead letters
                Map.entry(3, () -> {
                    int size = random.nextInt(50) == 0 ? 1_040_000 : limit + 1 + random.nextInt(3 * limit);
                    String topic = random.nextBoolean() ? req : cb;
                    byte[] value = utf8(
                            "{\"workflow\":" + quote(valid.workflow()) + ",\"input\":\"" + "x".repeat(size) + "\"}");
                    return dead("oversized record", topic, utf8(freshKey()), value, "more than the limit");
                }),
                Map.entry(4, () -> {
                    int depth = 129 + random.nextInt(20_000);
                    String topic = random.nextBoolean() ? req : cb;
                    String key = freshKey();
                    String json = topic.equals(req)
                            ? "{\"workflow\":" + quote(valid.workflow()) + ",\"input\":" + deep(depth, "1") + "}"
                            : outcome(key + "/A/1", key, "A", "SUCCEEDED", deep(depth, "1"));
                    return dead("deep nesting", topic, utf8(key), utf8(json), "nesting depth");
                }),
                Map.entry(4, () -> {
                    String topic = random.nextBoolean() ? req : cb;
                    String key = freshKey();
                    String json =
                            topic.equals(req) ? validRequestJson() : outcome(key + "/A/1", key, "A", "SUCCEEDED", "{}");
                    byte[] bytes = utf8(json);
                    byte[] broken = new byte[bytes.length + 2];
                    int at = 1 + random.nextInt(bytes.length - 1);
                    System.arraycopy(bytes, 0, broken, 0, at);
                    byte[] bad = List.of(
                                    new byte[] {(byte) 0xC3, (byte) 0x28},
                                    new byte[] {(byte) 0xFF, (byte) 0xFE},
                                    new byte[] {(byte) 0x80, (byte) 0x80})
                            .get(random.nextInt(3));
                    System.arraycopy(bad, 0, broken, at, 2);
                    System.arraycopy(bytes, at, broken, at + 2, bytes.length - at);
                    return dead("invalid UTF-8 value", topic, utf8(key), broken, "not valid JSON");
                }),
                Map.entry(3, () -> {
                    byte[] key = List.of(new byte[] {(byte) 0xFF}, new byte[] {'a', (byte) 0xC3}, new byte[] {
                                (byte) 0xED, (byte) 0xA0, (byte) 0x80
                            })
                            .get(random.nextInt(3));
                    return dead(
                            "invalid UTF-8 key",
                            random.nextBoolean() ? req : cb,
                            key,
                            utf8(validRequestJson()),
                            "not valid UTF-8");
                }),
                Map.entry(
                        3,
                        () -> dead(
                                "null key",
                                random.nextBoolean() ? req : cb,
                                null,
                                utf8(validRequestJson()),
                                "has no key")),
                Map.entry(
                        3,
                        () -> dead(
                                "null value", random.nextBoolean() ? req : cb, utf8(freshKey()), null, "has no value")),
                Map.entry(3, () -> {
                    String key = List.of(
                                    "", " ", "\t", "a\u0001b", "line\nbreak", "k".repeat(201 + random.nextInt(500)))
                            .get(random.nextInt(6));
                    return dead(
                            "bad key",
                            random.nextBoolean() ? req : cb,
                            utf8(key),
                            utf8(validRequestJson()),
                            "instance id");
                }),
                Map.entry(2, () -> {
                    String id = valid.written(random);
                    String topic = random.nextBoolean() ? req : cb;
                    return id == null
                            ? null
                            : dead(
                                    "garbage about a valid instance",
                                    topic,
                                    utf8(id),
                                    utf8(junkStrings.next() + "{"),
                                    topic.equals(req) ? "request: " : "outcome: ");
                }),
                // --- callbacks: dead letters
                Map.entry(6, () -> dead("outcome: random bytes", cb, utf8(freshKey()), junkBytes.next(), "outcome: ")),
                Map.entry(5, () -> {
                    String key = freshKey();
                    String json = outcome(key + "/A/1", key, "A", "SUCCEEDED", jsonValues.next());
                    return dead(
                            "outcome: truncated JSON",
                            cb,
                            utf8(key),
                            utf8(json.substring(0, random.nextInt(json.length()))),
                            "outcome: ");
                }),
                Map.entry(6, () -> {
                    String key = freshKey();
                    String json = switch (random.nextInt(6)) {
                        case 0 ->
                            "{\"commandId\":" + wrongValues.next() + ",\"instanceId\":" + quote(key)
                                    + ",\"stepId\":\"A\",\"status\":\"SUCCEEDED\"}";
                        case 1 ->
                            outcome(
                                    key + "/A/1",
                                    key,
                                    "A",
                                    List.of("MAYBE", "succeeded", "", "DONE").get(random.nextInt(4)),
                                    "{}");
                        case 2 -> {
                            String o = outcome(key + "/A/1", key, "A", "SUCCEEDED", "{}");
                            yield o.substring(0, o.length() - 1) + ",\"attempts\":"
                                    + List.of("-1", "1.5", "\"x\"", "[]").get(random.nextInt(4)) + "}";
                        }
                        case 3 ->
                            outcome(
                                    key + "/A/1",
                                    key,
                                    "A",
                                    "FAILED",
                                    List.of("5", "true", "[1]").get(random.nextInt(3)));
                        case 4 ->
                            "{\"commandId\":\"" + key + "/A/1\",\"instanceId\":" + quote(key) + ",\"stepId\":"
                                    + wrongValues.next() + ",\"status\":\"SUCCEEDED\"}";
                        default -> jsonValues.next();
                    };
                    return dead("outcome: wrong type", cb, utf8(key), utf8(json), "outcome");
                }),
                Map.entry(5, () -> {
                    String key = freshKey();
                    return dead(
                            "outcome: unknown instance",
                            cb,
                            utf8(key),
                            utf8(outcome(key + "/A/1", key, "A", "SUCCEEDED", jsonValues.next())),
                            "unknown instance");
                }),
                Map.entry(3, () -> {
                    String other = valid.written(random);
                    String body = other != null && random.nextBoolean() ? other : freshKey();
                    return dead(
                            "outcome: key is not its instance",
                            cb,
                            utf8(freshKey()),
                            utf8(outcome(body + "/A/1", body, "A", "SUCCEEDED", "{}")),
                            "is not the outcome's instanceId");
                }),
                // --- well-formed, about real instances: ignored and reported on baton.status
                Map.entry(3, () -> {
                    String id = valid.written(random);
                    return id == null ? null : ignored("second start", req, id, validRequestJson(), "RequestIgnored");
                }),
                Map.entry(2, () -> {
                    String id = valid.written(random);
                    return id == null
                            ? null
                            : ignored(
                                    "retry with nothing to retry",
                                    req,
                                    id,
                                    "{\"operation\":\"retry\"}",
                                    "RequestIgnored");
                }),
                Map.entry(2, () -> {
                    String id = valid.written(random);
                    return id == null
                            ? null
                            : ignored(
                                    "signal nobody waits for",
                                    req,
                                    id,
                                    "{\"signal\":" + quote("sig-" + names.next()) + ",\"payload\":" + jsonValues.next()
                                            + "}",
                                    "RequestIgnored");
                }),
                Map.entry(2, () -> {
                    String id = valid.finished(random);
                    return id == null
                            ? null
                            : ignored(
                                    "cancel of a finished instance",
                                    req,
                                    id,
                                    "{\"operation\":\"cancel\",\"reason\":\"fuzz\"}",
                                    "RequestIgnored");
                }),
                Map.entry(3, () -> {
                    String id =
                            valid.finished(random); // processed: its start cannot come after this on the other topic
                    String step = "Z" + random.nextInt(1000);
                    return id == null
                            ? null
                            : ignored(
                                    "outcome for an unknown step",
                                    cb,
                                    id,
                                    outcome(id + "/" + step + "/1", id, step, "SUCCEEDED", jsonValues.next()),
                                    "OutcomeIgnored/UNKNOWN_STEP");
                }),
                Map.entry(3, () -> {
                    String id =
                            valid.finished(random); // processed: its start cannot come after this on the other topic
                    String step = List.of("A", "B", "C", "D").get(random.nextInt(4));
                    return id == null
                            ? null
                            : ignored(
                                    "outcome for a stale attempt",
                                    cb,
                                    id,
                                    outcome(
                                            id + "/" + step + "/" + (2 + random.nextInt(9)),
                                            id,
                                            step,
                                            random.nextBoolean() ? "SUCCEEDED" : "FAILED",
                                            "{}"),
                                    "OutcomeIgnored/STALE");
                }),
                Map.entry(2, () -> {
                    String id =
                            valid.finished(random); // processed: its start cannot come after this on the other topic
                    return id == null
                            ? null
                            : ignored(
                                    "outcome for an unknown command",
                                    cb,
                                    id,
                                    outcome("cmd-" + random.nextLong(), id, "B", "SUCCEEDED", "{}"),
                                    "OutcomeIgnored/UNKNOWN_COMMAND");
                }),
                Map.entry(3, () -> {
                    String id = valid.finished(random);
                    String step = List.of("A", "B", "C", "D").get(random.nextInt(4));
                    return id == null
                            ? null
                            : ignored(
                                    "duplicate outcome",
                                    cb,
                                    id,
                                    outcome(
                                            id + "/" + step + "/1",
                                            id,
                                            step,
                                            random.nextBoolean() ? "SUCCEEDED" : "FAILED",
                                            "{\"type\":\"Late\"}"),
                                    "OutcomeIgnored/DUPLICATE");
                }));
    }
}
