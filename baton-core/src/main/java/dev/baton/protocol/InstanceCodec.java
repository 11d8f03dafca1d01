package dev.baton.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.baton.engine.BufferedSignal;
import dev.baton.engine.Failure;
import dev.baton.engine.FanOut;
import dev.baton.engine.IndexSet;
import dev.baton.engine.Instance;
import dev.baton.engine.ItemResult;
import dev.baton.engine.Outcome;
import dev.baton.engine.ParentRef;
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

    /**
     * Nesting allowed when reading stored state. Stored state is Baton's own, not hostile input: payloads were bounded
     * by {@link Json#MAX_NESTING_DEPTH} when they arrived, but the state nests them deeper (a step's output sits three
     * levels down, inside the steps array, and an input mapping may wrap it further). Reading state with the protocol's
     * limit made an instance whose worker returned a deeply nested output unreadable: every later event about it
     * failed. Jackson's own default, far above anything Baton can store.
     */
    static final int STATE_MAX_NESTING_DEPTH = 1000;

    private static final JsonFactory STATE_READER = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(STATE_MAX_NESTING_DEPTH)
                    .build())
            .build();

    private InstanceCodec() {}

    // Field names and enum values are encoded once: the writer then copies their bytes instead of escaping them.
    private static final SerializedString FORMAT_FIELD = name("format");
    private static final SerializedString ID = name("id");
    private static final SerializedString WORKFLOW = name("workflow");
    private static final SerializedString VERSION = name("version");
    private static final SerializedString BUSINESS_KEY = name("businessKey");
    private static final SerializedString INPUT = name("input");
    private static final SerializedString STATUS = name("status");
    private static final SerializedString OUTCOME = name("outcome");
    private static final SerializedString FAILURE = name("failure");
    private static final SerializedString COMPLETIONS = name("completions");
    private static final SerializedString COMPENSATED = name("compensated");
    private static final SerializedString STARTED_AT = name("startedAt");
    private static final SerializedString UPDATED_AT = name("updatedAt");
    private static final SerializedString COMPLETED_AT = name("completedAt");
    private static final SerializedString STEPS = name("steps");
    private static final SerializedString PARENT = name("parent");
    // Stored under its first name, so states written before the rename read the same.
    private static final SerializedString PARENT_COMPENSATION_COMMAND_ID = name("undoCommandId");
    // Written only when set, so a state without them is byte for byte what format 1 always wrote.
    private static final SerializedString PAUSED = name("paused");
    private static final SerializedString REDRIVES = name("redrives");
    private static final SerializedString INPUT_OVERRIDE = name("inputOverride");
    private static final SerializedString STARTS_AT = name("startsAt");
    private static final SerializedString DEADLINE_AT = name("deadlineAt");
    private static final SerializedString ROUND = name("round");
    private static final SerializedString DUE_AT = name("dueAt");
    private static final SerializedString BUFFERED_SIGNALS = name("bufferedSignals");
    private static final SerializedString NAME = name("name");
    private static final SerializedString PAYLOAD = name("payload");
    private static final SerializedString RECEIVED_AT = name("receivedAt");
    // A forEach step's progress: written only for such a step, so other states are what format 1 always wrote.
    private static final SerializedString FAN_OUT = name("forEach");
    private static final SerializedString TOTAL = name("total");
    private static final SerializedString STARTED = name("started");
    private static final SerializedString SUCCEEDED = name("succeeded");
    private static final SerializedString FAILED = name("failed");
    private static final SerializedString COMPENSATIONS_SENT = name("compensationsSent");
    private static final SerializedString COMPENSATED_ITEMS = name("compensated");
    private static final SerializedString COMPENSATION_FAILED_ITEMS = name("compensationFailed");
    private static final SerializedString INDEX = name("index");
    private static final SerializedString INSTANCE_ID = name("instanceId");
    private static final SerializedString STATE = name("state");
    private static final SerializedString ATTEMPT = name("attempt");
    private static final SerializedString COMMAND_ID = name("commandId");
    private static final SerializedString OUTPUT = name("output");
    private static final SerializedString ERROR = name("error");
    private static final SerializedString WORKER_ATTEMPTS = name("workerAttempts");
    private static final SerializedString FINISHED_AT = name("finishedAt");
    private static final SerializedString COMPLETION_ORDER = name("completionOrder");
    private static final SerializedString COMPENSATION_ATTEMPT = name("compensationAttempt");
    private static final SerializedString COMPENSATION_COMMAND_ID = name("compensationCommandId");
    private static final SerializedString COMPENSATION_STARTED_AT = name("compensationStartedAt");
    private static final SerializedString COMPENSATION_FINISHED_AT = name("compensationFinishedAt");
    private static final SerializedString COMPENSATION_ERROR = name("compensationError");
    private static final SerializedString STEP_ID = name("stepId");
    private static final SerializedString TYPE = name("type");
    private static final SerializedString MESSAGE = name("message");
    private static final SerializedString[] STEP_STATES = names(StepState.values());
    private static final SerializedString[] STATUSES = names(ProcessStatus.values());
    private static final SerializedString[] OUTCOMES = names(Outcome.values());

    private static SerializedString name(String s) {
        var encoded = new SerializedString(s);
        encoded.asQuotedUTF8(); // encode now, not on first use
        return encoded;
    }

    private static SerializedString[] names(Enum<?>[] values) {
        var out = new SerializedString[values.length];
        for (Enum<?> v : values) {
            out[v.ordinal()] = name(v.name());
        }
        return out;
    }

    public static byte[] write(Instance i) {
        var out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName(FORMAT_FIELD);
            g.writeNumber(FORMAT);
            g.writeFieldName(ID);
            g.writeString(i.instanceId());
            g.writeFieldName(WORKFLOW);
            g.writeString(i.workflow());
            g.writeFieldName(VERSION);
            g.writeNumber(i.version());
            text(g, BUSINESS_KEY, i.businessKey());
            value(g, INPUT, i.input());
            g.writeFieldName(STATUS);
            g.writeString(STATUSES[i.status().ordinal()]);
            if (i.outcome() != null) {
                g.writeFieldName(OUTCOME);
                g.writeString(OUTCOMES[i.outcome().ordinal()]);
            }
            failure(g, FAILURE, i.failure());
            g.writeFieldName(COMPLETIONS);
            g.writeNumber(i.completions());
            if (!i.compensated().isEmpty()) {
                g.writeFieldName(COMPENSATED);
                g.writeStartArray();
                for (String s : i.compensated()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            time(g, STARTED_AT, i.startedAt());
            time(g, UPDATED_AT, i.updatedAt());
            time(g, COMPLETED_AT, i.completedAt());
            if (i.parent() != null) {
                g.writeFieldName(PARENT);
                g.writeStartObject();
                text(g, INSTANCE_ID, i.parent().instanceId());
                text(g, STEP_ID, i.parent().stepId());
                text(g, COMMAND_ID, i.parent().commandId());
                g.writeEndObject();
            }
            text(g, PARENT_COMPENSATION_COMMAND_ID, i.parentCompensationCommandId());
            if (i.paused()) {
                g.writeFieldName(PAUSED);
                g.writeBoolean(true);
            }
            number(g, REDRIVES, i.redrives());
            time(g, STARTS_AT, i.startsAt());
            time(g, DEADLINE_AT, i.deadlineAt());
            if (!i.bufferedSignals().isEmpty()) {
                g.writeFieldName(BUFFERED_SIGNALS);
                g.writeStartArray();
                for (BufferedSignal b : i.bufferedSignals()) {
                    g.writeStartObject();
                    text(g, NAME, b.name());
                    value(g, PAYLOAD, b.payload());
                    time(g, RECEIVED_AT, b.receivedAt());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeFieldName(STEPS);
            g.writeStartArray();
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
        g.writeFieldName(ID);
        g.writeString(s.stepId());
        g.writeFieldName(STATE);
        g.writeString(STEP_STATES[storedState(s.state()).ordinal()]);
        number(g, ATTEMPT, s.attempt());
        text(g, COMMAND_ID, s.commandId());
        value(g, INPUT, s.input());
        value(g, OUTPUT, s.output());
        failure(g, ERROR, s.error());
        number(g, WORKER_ATTEMPTS, s.workerAttempts());
        time(g, STARTED_AT, s.startedAt());
        time(g, FINISHED_AT, s.finishedAt());
        number(g, COMPLETION_ORDER, s.completionOrder());
        number(g, COMPENSATION_ATTEMPT, s.compensationAttempt());
        text(g, COMPENSATION_COMMAND_ID, s.compensationCommandId());
        time(g, COMPENSATION_STARTED_AT, s.compensationStartedAt());
        time(g, COMPENSATION_FINISHED_AT, s.compensationFinishedAt());
        failure(g, COMPENSATION_ERROR, s.compensationError());
        value(g, INPUT_OVERRIDE, s.inputOverride());
        number(g, ROUND, s.round());
        time(g, DUE_AT, s.dueAt());
        fanOut(g, s.fanOut());
        g.writeEndObject();
    }

    private static void fanOut(JsonGenerator g, FanOut f) throws IOException {
        if (f == null) {
            return;
        }
        g.writeFieldName(FAN_OUT);
        g.writeStartObject();
        g.writeFieldName(TOTAL);
        g.writeNumber(f.total());
        number(g, STARTED, f.started());
        indexes(g, SUCCEEDED, f.succeeded());
        indexes(g, FAILED, f.failed());
        indexes(g, COMPENSATIONS_SENT, f.compensationsSent());
        indexes(g, COMPENSATED_ITEMS, f.compensated());
        indexes(g, COMPENSATION_FAILED_ITEMS, f.compensationFailed());
        g.writeEndObject();
    }

    private static void indexes(JsonGenerator g, SerializedString field, IndexSet set) throws IOException {
        if (!set.isEmpty()) {
            g.writeFieldName(field);
            g.writeString(set.toString());
        }
    }

    private static FanOut readFanOut(JsonParser p) throws IOException {
        int total = 0;
        int started = 0;
        IndexSet[] sets = {IndexSet.EMPTY, IndexSet.EMPTY, IndexSet.EMPTY, IndexSet.EMPTY, IndexSet.EMPTY};
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "total" -> total = p.getIntValue();
                case "started" -> started = p.getIntValue();
                case "succeeded" -> sets[0] = IndexSet.parse(p.getText());
                case "failed" -> sets[1] = IndexSet.parse(p.getText());
                case "compensationsSent" -> sets[2] = IndexSet.parse(p.getText());
                case "compensated" -> sets[3] = IndexSet.parse(p.getText());
                case "compensationFailed" -> sets[4] = IndexSet.parse(p.getText());
                default -> p.skipChildren();
            }
        }
        return new FanOut(total, started, sets[0], sets[1], sets[2], sets[3], sets[4]);
    }

    /** One forEach item's result, as the runtime stores it apart from its instance. */
    public static byte[] writeItem(ItemResult r) {
        var out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName(FORMAT_FIELD);
            g.writeNumber(FORMAT);
            g.writeFieldName(INSTANCE_ID);
            g.writeString(r.instanceId());
            g.writeFieldName(STEP_ID);
            g.writeString(r.stepId());
            g.writeFieldName(INDEX);
            g.writeNumber(r.index());
            number(g, ATTEMPT, r.attempt());
            g.writeFieldName(STATE);
            g.writeString(r.succeeded() ? "SUCCEEDED" : "FAILED");
            value(g, OUTPUT, r.output());
            failure(g, ERROR, r.error());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads what {@link #writeItem} wrote. */
    public static ItemResult readItem(byte[] bytes) {
        try (JsonParser p = STATE_READER.createParser(bytes)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            String instanceId = null;
            String stepId = null;
            int index = 0;
            int attempt = 0;
            boolean succeeded = false;
            Object output = null;
            Failure error = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "instanceId" -> instanceId = p.getText();
                    case "stepId" -> stepId = p.getText();
                    case "index" -> index = p.getIntValue();
                    case "attempt" -> attempt = p.getIntValue();
                    case "state" -> succeeded = p.getText().equals("SUCCEEDED");
                    case "output" -> output = readValue(p);
                    case "error" -> error = readFailure(p);
                    default -> p.skipChildren();
                }
            }
            return new ItemResult(instanceId, stepId, index, attempt, succeeded, output, error);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Written only when positive; absent reads as 0. */
    private static void number(JsonGenerator g, SerializedString field, int value) throws IOException {
        if (value > 0) {
            g.writeFieldName(field);
            g.writeNumber(value);
        }
    }

    public static Instance read(byte[] bytes) {
        return read(bytes, true);
    }

    /**
     * Reads the instance without its payloads (request input, step inputs and outputs): what lists and counts need,
     * at a fraction of the cost.
     */
    public static Instance readSummary(byte[] bytes) {
        return read(bytes, false);
    }

    private static Instance read(byte[] bytes, boolean payloads) {
        try (JsonParser p = STATE_READER.createParser(bytes)) {
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
                            throw new IllegalStateException(
                                    "instance state format " + p.getIntValue() + " is not supported");
                        }
                    }
                    case "id" -> id = p.getText();
                    case "workflow" -> workflow = p.getText();
                    case "version" -> version = p.getIntValue();
                    case "businessKey" -> holder.businessKey = p.getText();
                    case "input" -> holder.input = payloads ? readValue(p) : skip(p);
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
                    case "parent" -> holder.parent = readParent(p);
                    case "undoCommandId" -> holder.parentCompensationCommandId = p.getText();
                    case "paused" -> holder.paused = p.getBooleanValue();
                    case "redrives" -> holder.redrives = p.getIntValue();
                    case "startsAt" -> holder.startsAt = readTime(p);
                    case "deadlineAt" -> holder.deadlineAt = readTime(p);
                    case "bufferedSignals" -> {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            holder.bufferedSignals.add(readBufferedSignal(p, payloads));
                        }
                    }
                    case "steps" -> {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            steps.add(readStep(p, payloads));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            Instance.Builder b = Instance.builder(id, workflow, version)
                    .businessKey(holder.businessKey)
                    .input(holder.input)
                    .status(holder.status)
                    .outcome(holder.outcome)
                    .failure(holder.failure)
                    .completions(holder.completions)
                    .compensated(holder.compensated)
                    .startedAt(holder.startedAt)
                    .updatedAt(holder.updatedAt)
                    .completedAt(holder.completedAt)
                    .parent(holder.parent)
                    .parentCompensationCommandId(holder.parentCompensationCommandId)
                    .paused(holder.paused)
                    .redrives(holder.redrives)
                    .startsAt(holder.startsAt)
                    .deadlineAt(holder.deadlineAt)
                    .bufferedSignals(holder.bufferedSignals);
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
        ParentRef parent;
        String parentCompensationCommandId;
        boolean paused;
        int redrives;
        Instant startsAt;
        Instant deadlineAt;
        final List<BufferedSignal> bufferedSignals = new ArrayList<>();
    }

    private static BufferedSignal readBufferedSignal(JsonParser p, boolean payloads) throws IOException {
        String name = null;
        Object payload = null;
        Instant receivedAt = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "name" -> name = p.getText();
                case "payload" -> payload = payloads ? readValue(p) : skip(p);
                case "receivedAt" -> receivedAt = readTime(p);
                default -> p.skipChildren();
            }
        }
        return new BufferedSignal(name, payload, receivedAt);
    }

    private static Object skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    /**
     * Format 1 has no name for {@link StepState#WAITING_TO_RETRY}: it is stored as RUNNING with the last call's error,
     * which no other running step has. Kept so that orchestrators of the previous version, which know only that
     * encoding, read every state a newer one writes while both run during a rolling upgrade.
     */
    private static StepState storedState(StepState state) {
        return state == StepState.WAITING_TO_RETRY ? StepState.RUNNING : state;
    }

    private static StepExecution readStep(JsonParser p, boolean payloads) throws IOException {
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
                case "input" -> b.input(payloads ? readValue(p) : skip(p));
                case "output" -> b.output(payloads ? readValue(p) : skip(p));
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
                case "inputOverride" -> b.inputOverride(payloads ? readValue(p) : skip(p));
                case "round" -> b.round(p.getIntValue());
                case "dueAt" -> b.dueAt(readTime(p));
                case "forEach" -> b.fanOut(readFanOut(p));
                default -> p.skipChildren();
            }
        }
        if (b == null) {
            throw new IllegalStateException("step state without id and state");
        }
        StepExecution step = b.build();
        if (step.state() == StepState.RUNNING && step.error() != null) {
            return step.toBuilder().state(StepState.WAITING_TO_RETRY).build(); // see storedState
        }
        return step;
    }

    private static void text(JsonGenerator g, SerializedString field, String value) throws IOException {
        if (value != null) {
            g.writeFieldName(field);
            g.writeString(value);
        }
    }

    private static void value(JsonGenerator g, SerializedString field, Object value) throws IOException {
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

    private static void time(JsonGenerator g, SerializedString field, Instant t) throws IOException {
        if (t != null) {
            g.writeFieldName(field);
            g.writeNumber(t.getEpochSecond() * 1_000_000_000L + t.getNano());
        }
    }

    private static void failure(JsonGenerator g, SerializedString field, Failure f) throws IOException {
        if (f != null) {
            g.writeFieldName(field);
            g.writeStartObject();
            text(g, STEP_ID, f.stepId());
            text(g, TYPE, f.type());
            text(g, MESSAGE, f.message());
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

    private static ParentRef readParent(JsonParser p) throws IOException {
        String instanceId = null;
        String stepId = null;
        String commandId = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "instanceId" -> instanceId = p.getText();
                case "stepId" -> stepId = p.getText();
                case "commandId" -> commandId = p.getText();
                default -> p.skipChildren();
            }
        }
        return new ParentRef(instanceId, stepId, commandId);
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
