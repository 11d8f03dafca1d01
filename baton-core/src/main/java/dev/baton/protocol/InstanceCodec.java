package dev.baton.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.baton.engine.Failure;
import dev.baton.engine.Instance;
import dev.baton.engine.Outcome;
import dev.baton.engine.ProcessStatus;
import dev.baton.engine.StepExecution;
import dev.baton.engine.StepState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Instance state as stored in the orchestrator's state store and its changelog topic. Written with Jackson's
 * streaming API because this runs on every event: it is part of the engine's hot path. The format is JSON so a
 * changelog can be read by people; times are nanoseconds since the epoch so they round-trip exactly.
 */
public final class InstanceCodec {
    /** Bumped when the layout changes incompatibly; readers reject versions they do not know. */
    static final int FORMAT = 1;

    private InstanceCodec() {}

    public static byte[] write(Instance i) {
        var out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("id", i.instanceId());
            g.writeStringField("workflow", i.workflow());
            g.writeNumberField("version", i.version());
            text(g, "businessKey", i.businessKey());
            value(g, "input", i.input());
            g.writeStringField("status", i.status().name());
            if (i.outcome() != null) {
                g.writeStringField("outcome", i.outcome().name());
            }
            failure(g, "failure", i.failure());
            g.writeNumberField("completions", i.completions());
            if (!i.compensated().isEmpty()) {
                g.writeArrayFieldStart("compensated");
                for (String s : i.compensated()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            time(g, "startedAt", i.startedAt());
            time(g, "updatedAt", i.updatedAt());
            time(g, "completedAt", i.completedAt());
            g.writeArrayFieldStart("steps");
            for (StepExecution s : i.steps().values()) {
                writeStep(g, s);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeStep(JsonGenerator g, StepExecution s) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", s.stepId());
        g.writeStringField("state", s.state().name());
        if (s.attempt() > 0) {
            g.writeNumberField("attempt", s.attempt());
        }
        text(g, "commandId", s.commandId());
        value(g, "input", s.input());
        value(g, "output", s.output());
        failure(g, "error", s.error());
        if (s.workerAttempts() > 0) {
            g.writeNumberField("workerAttempts", s.workerAttempts());
        }
        time(g, "startedAt", s.startedAt());
        time(g, "finishedAt", s.finishedAt());
        if (s.completionOrder() > 0) {
            g.writeNumberField("completionOrder", s.completionOrder());
        }
        if (s.compensationAttempt() > 0) {
            g.writeNumberField("compensationAttempt", s.compensationAttempt());
        }
        text(g, "compensationCommandId", s.compensationCommandId());
        time(g, "compensationStartedAt", s.compensationStartedAt());
        time(g, "compensationFinishedAt", s.compensationFinishedAt());
        failure(g, "compensationError", s.compensationError());
        g.writeEndObject();
    }

    public static Instance read(byte[] bytes) {
        try (JsonParser p = Json.mapper().getFactory().createParser(bytes)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            String id = null;
            String workflow = null;
            int version = 0;
            var holder = new Holder();
            List<StepExecution> steps = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "format" -> {
                        if (p.getIntValue() != FORMAT) {
                            throw new IllegalStateException("instance state format " + p.getIntValue() + " is not supported");
                        }
                    }
                    case "id" -> id = p.getText();
                    case "workflow" -> workflow = p.getText();
                    case "version" -> version = p.getIntValue();
                    case "businessKey" -> holder.businessKey = p.getText();
                    case "input" -> holder.input = readValue(p);
                    case "status" -> holder.status = ProcessStatus.valueOf(p.getText());
                    case "outcome" -> holder.outcome = Outcome.valueOf(p.getText());
                    case "failure" -> holder.failure = readFailure(p);
                    case "completions" -> holder.completions = p.getIntValue();
                    case "compensated" -> {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            holder.compensated.add(p.getText());
                        }
                    }
                    case "startedAt" -> holder.startedAt = readTime(p);
                    case "updatedAt" -> holder.updatedAt = readTime(p);
                    case "completedAt" -> holder.completedAt = readTime(p);
                    case "steps" -> {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            steps.add(readStep(p));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            Instance.Builder b = Instance.builder(id, workflow, version)
                    .businessKey(holder.businessKey).input(holder.input).status(holder.status).outcome(holder.outcome)
                    .failure(holder.failure).completions(holder.completions).compensated(holder.compensated)
                    .startedAt(holder.startedAt).updatedAt(holder.updatedAt).completedAt(holder.completedAt);
            steps.forEach(b::step);
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Holder {
        String businessKey;
        Object input;
        ProcessStatus status;
        Outcome outcome;
        Failure failure;
        int completions;
        final List<String> compensated = new ArrayList<>();
        Instant startedAt;
        Instant updatedAt;
        Instant completedAt;
    }

    private static StepExecution readStep(JsonParser p) throws IOException {
        StepExecution.Builder b = null;
        String id = null;
        StepState state = null;
        // "id" and "state" are written first, so the builder exists before any other field is read.
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (b == null && !field.equals("id") && !field.equals("state")) {
                throw new IllegalStateException("step state must start with id and state, found " + field);
            }
            switch (field) {
                case "id" -> id = p.getText();
                case "state" -> {
                    state = StepState.valueOf(p.getText());
                    b = StepExecution.builder(id).state(state);
                }
                case "attempt" -> b.attempt(p.getIntValue());
                case "commandId" -> b.commandId(p.getText());
                case "input" -> b.input(readValue(p));
                case "output" -> b.output(readValue(p));
                case "error" -> b.error(readFailure(p));
                case "workerAttempts" -> b.workerAttempts(p.getIntValue());
                case "startedAt" -> b.startedAt(readTime(p));
                case "finishedAt" -> b.finishedAt(readTime(p));
                case "completionOrder" -> b.completionOrder(p.getIntValue());
                case "compensationAttempt" -> b.compensationAttempt(p.getIntValue());
                case "compensationCommandId" -> b.compensationCommandId(p.getText());
                case "compensationStartedAt" -> b.compensationStartedAt(readTime(p));
                case "compensationFinishedAt" -> b.compensationFinishedAt(readTime(p));
                case "compensationError" -> b.compensationError(readFailure(p));
                default -> p.skipChildren();
            }
        }
        if (b == null) {
            throw new IllegalStateException("step state without id and state");
        }
        return b.build();
    }

    private static void text(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static void value(JsonGenerator g, String field, Object value) throws IOException {
        if (value != null) {
            g.writeFieldName(field);
            writeTree(g, value);
        }
    }

    /**
     * Writes a plain JSON tree (maps with string keys, lists, strings, booleans, the usual numbers) straight to the
     * generator, exactly as the mapper would; anything else goes through the mapper. Going round the mapper for
     * the usual case saves a serializer provider per value, which is most of what a small payload costs.
     */
    private static void writeTree(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Map<?, ?> map && hasStringKeys(map)) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName((String) e.getKey());
                writeTree(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                writeTree(g, item);
            }
            g.writeEndArray();
        } else {
            Json.mapper().writeValue(g, v);
        }
    }

    private static boolean hasStringKeys(Map<?, ?> map) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private static void time(JsonGenerator g, String field, Instant t) throws IOException {
        if (t != null) {
            g.writeNumberField(field, t.getEpochSecond() * 1_000_000_000L + t.getNano());
        }
    }

    private static void failure(JsonGenerator g, String field, Failure f) throws IOException {
        if (f != null) {
            g.writeObjectFieldStart(field);
            text(g, "stepId", f.stepId());
            text(g, "type", f.type());
            text(g, "message", f.message());
            g.writeEndObject();
        }
    }

    /**
     * Reads a JSON value as the mapper reads it into {@code Object}: objects as {@link LinkedHashMap}, arrays as
     * {@link ArrayList}, whole numbers as the smallest of Integer, Long and BigInteger, fractions as BigDecimal.
     */
    private static Object readValue(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                var map = new LinkedHashMap<String, Object>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    map.put(key, readValue(p));
                }
                return map;
            }
            case START_ARRAY -> {
                var list = new ArrayList<Object>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDecimalValue(); // Json's USE_BIG_DECIMAL_FOR_FLOATS
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> {
                return Json.mapper().readValue(p, Object.class);
            }
        }
    }

    private static Instant readTime(JsonParser p) throws IOException {
        long nanos = p.getLongValue();
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static Failure readFailure(JsonParser p) throws IOException {
        String stepId = null;
        String type = null;
        String message = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "stepId" -> stepId = p.getText();
                case "type" -> type = p.getText();
                case "message" -> message = p.getText();
                default -> p.skipChildren();
            }
        }
        return new Failure(stepId, type, message);
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalStateException("instance state is not a JSON object");
        }
    }
}
