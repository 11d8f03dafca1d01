package dev.baton.definition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a workflow definition from YAML or JSON text and reports every problem with its source, line and field,
 * e.g. {@code order.yaml:14: steps[2].after[0]: unknown step 'chrage' (did you mean 'charge'?)}.
 *
 * <p>The field names are those of docs/definitions.md. Unknown fields are rejected rather than ignored, because
 * a misspelt {@code afer:} silently ignored would change the workflow's shape.
 */
public final class DefinitionReader {
    private static final Set<String> WORKFLOW_FIELDS =
            Set.of("name", "version", "resultTopic", "steps", "description", "deadline", "schedule", "trigger");
    private static final Set<String> SCHEDULE_FIELDS =
            Set.of("cron", "every", "timeZone", "overlap", "catchUp", "catchUpLimit", "input");
    private static final Set<String> STEP_FIELDS = Set.of(
            "id",
            "topic",
            "signal",
            "workflow",
            "version",
            "http",
            "event",
            "emit",
            "after",
            "timeout",
            "when",
            "compensate",
            "input",
            "outcomeTopic",
            "onFailure",
            "description",
            "sleep",
            "repeat",
            "forEach");
    private static final Set<String> EVENT_FIELDS = Set.of("topic", "correlation", "consume", "bufferFor");
    private static final Set<String> CORRELATION_FIELDS = Set.of("field", "equals");
    private static final Set<String> TRIGGER_FIELDS = Set.of("topic", "filter", "instanceId", "input");
    private static final Set<String> EMIT_FIELDS = Set.of("topic", "key", "value", "type");
    private static final Set<String> FOR_EACH_FIELDS = Set.of("items", "maxConcurrency", "toleratedFailures");
    private static final Set<String> HTTP_FIELDS = Set.of("method", "url", "headers", "timeout", "retry");
    private static final Set<String> RETRY_FIELDS =
            Set.of("maxAttempts", "initialBackoff", "multiplier", "maxBackoff", "retryOn");
    private static final Set<String> SLEEP_FIELDS = Set.of("duration", "until");
    private static final Set<String> REPEAT_FIELDS = Set.of("until", "max", "delay");
    private static final Set<String> DEADLINE_FIELDS = Set.of("after", "then");
    private static final JsonFactory JSON = new JsonFactory();
    private static final YAMLFactory YAML = new YAMLFactory();
    /** Deeply nested documents are hostile input, not workflows. */
    private static final int MAX_DEPTH = 64;

    private final String source;
    private final Map<String, Integer> lines = new HashMap<>();
    private final List<DefinitionProblem> problems = new ArrayList<>();

    private DefinitionReader(String source) {
        this.source = source;
    }

    /** Reads a {@code .yaml}, {@code .yml} or {@code .json} file; problems name the file. */
    public static WorkflowDefinition read(Path file) throws IOException {
        return read(
                Files.readString(file, StandardCharsets.UTF_8),
                file.getFileName().toString());
    }

    /** Reads definition text (YAML, or JSON, which is detected by its leading brace). */
    public static WorkflowDefinition read(String text, String source) {
        return new DefinitionReader(source).parse(text);
    }

    private WorkflowDefinition parse(String text) {
        Object tree;
        try (JsonParser parser = (text.stripLeading().startsWith("{") ? JSON : YAML).createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new InvalidDefinitionException(
                        List.of(new DefinitionProblem(source, 1, "", "the definition is empty")));
            }
            tree = readValue(parser, "", 0);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            int line = at == null ? 0 : Math.max(at.getLineNr(), 0);
            throw new InvalidDefinitionException(
                    List.of(new DefinitionProblem(source, line, "", "not valid YAML/JSON: " + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new InvalidDefinitionException(
                    List.of(new DefinitionProblem(source, 0, "", "cannot be read: " + e.getMessage())));
        }
        WorkflowDefinition.Builder builder = toBuilder(tree);
        if (problems.isEmpty()) {
            WorkflowDefinition definition = builder.buildUnvalidated();
            for (DefinitionProblem p : DefinitionValidator.validate(definition, source)) {
                problems.add(p.at(source, lineOf(p.field())));
            }
            if (problems.isEmpty()) {
                return definition;
            }
        }
        throw new InvalidDefinitionException(problems);
    }

    private Object readValue(JsonParser p, String field, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new InvalidDefinitionException(List.of(new DefinitionProblem(
                    source, p.currentLocation().getLineNr(), field, "nested more than " + MAX_DEPTH + " levels deep")));
        }
        lines.putIfAbsent(field, p.currentTokenLocation().getLineNr());
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT -> {
                var map = new LinkedHashMap<String, Object>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = field.isEmpty() ? name : field + "." + name;
                    lines.put(child, p.currentTokenLocation().getLineNr());
                    p.nextToken();
                    map.put(name, readValue(p, child, depth + 1));
                }
                return map;
            }
            case START_ARRAY -> {
                var list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p, field + "[" + list.size() + "]", depth + 1));
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
                return p.getDecimalValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            default -> {
                return null;
            }
        }
    }

    private int lineOf(String field) {
        // A problem about a field that was never written (a missing topic) is placed at its nearest written parent.
        String f = field;
        while (!f.isEmpty()) {
            Integer line = lines.get(f);
            if (line != null) {
                return line;
            }
            int cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
            f = cut < 0 ? "" : f.substring(0, cut);
        }
        return lines.getOrDefault("", 1);
    }

    private void problem(String field, String message) {
        problems.add(new DefinitionProblem(source, lineOf(field), field, message));
    }

    private WorkflowDefinition.Builder toBuilder(Object tree) {
        if (!(tree instanceof Map<?, ?> root)) {
            problem("", "a definition is an object with at least 'name' and 'steps'");
            return WorkflowDefinition.builder(null);
        }
        checkFields(root, "", WORKFLOW_FIELDS);
        var b = WorkflowDefinition.builder(string(root, "name", ""));
        Integer version = wholeNumber(root, "version", "");
        if (version != null) {
            b.version(version);
        }
        b.resultTopic(string(root, "resultTopic", ""));
        Object deadline = root.get("deadline");
        if (deadline instanceof Map<?, ?> dl) {
            b.deadline(readDeadline(dl, "deadline"));
        } else if (deadline != null) {
            problem("deadline", "must be an object such as { after: PT24H, then: fail }");
        }
        Object schedule = root.get("schedule");
        if (schedule instanceof Map<?, ?> sm) {
            b.schedule(readSchedule(sm, "schedule"));
        } else if (schedule != null) {
            problem("schedule", "must be an object such as { cron: \"0 2 * * *\", timeZone: Europe/Berlin }");
        }

        Object trigger = root.get("trigger");
        if (trigger instanceof Map<?, ?> t) {
            b.trigger(readTrigger(t, "trigger"));
        } else if (trigger != null) {
            problem("trigger", "must be an object such as { topic: orders.placed, instanceId: $.record.orderId }");
        }
        Object steps = root.get("steps");
        if (steps == null) {
            problem("steps", "is required: a list of steps");
        } else if (!(steps instanceof List<?> list)) {
            problem("steps", "must be a list of steps");
        } else {
            for (int i = 0; i < list.size(); i++) {
                readStep(b, list.get(i), "steps[" + i + "]");
            }
        }
        return b;
    }

    private void readStep(WorkflowDefinition.Builder b, Object node, String at) {
        if (!(node instanceof Map<?, ?> step)) {
            problem(at, "a step is an object with at least 'id' and 'topic'");
            return;
        }
        checkFields(step, at, STEP_FIELDS);
        String id = string(step, "id", at);
        b.step(id, s -> {
            s.topic(string(step, "topic", at));
            s.signal(string(step, "signal", at));
            s.workflow(string(step, "workflow", at), wholeNumber(step, "version", at));
            s.after(stringList(step.get("after"), at + ".after"));
            s.outcomeTopic(string(step, "outcomeTopic", at));
            Duration timeout = duration(step, "timeout", at);
            if (timeout != null) {
                s.timeout(timeout);
            }
            Object http = step.get("http");
            if (http instanceof Map<?, ?> h) {
                s.http(readHttp(h, at + ".http"));
            } else if (http != null) {
                problem(at + ".http", "must be an object such as { method: POST, url: https://... }");
            }
            Object sleep = step.get("sleep");
            if (sleep instanceof Map<?, ?> sl) {
                s.sleep(readSleep(sl, at + ".sleep"));
            } else if (sleep instanceof String text) {
                Duration d = duration(step, "sleep", at);
                s.sleep(d == null ? null : Sleep.lasting(d));
            } else if (sleep != null) {
                problem(at + ".sleep", "must be an object such as { duration: PT10M } or { until: $.request.runAt }");
            }
            Object repeat = step.get("repeat");
            if (repeat instanceof Map<?, ?> r) {
                s.repeat(readRepeat(r, at + ".repeat"));
            } else if (repeat != null) {
                problem(
                        at + ".repeat",
                        "must be an object such as { until: \"$.steps.poll.output.done == true\", max: 10 }");
            }

            Object event = step.get("event");
            if (event instanceof Map<?, ?> e) {
                s.event(readEvent(e, at + ".event"));
            } else if (event != null) {
                problem(
                        at + ".event",
                        "must be an object such as { topic: mail.delivered, correlation: { field: $.orderId, equals: $.request.orderId } }");
            }

            Object emit = step.get("emit");
            if (emit instanceof Map<?, ?> e) {
                s.emit(readEmit(e, at + ".emit"));
            } else if (emit != null) {
                problem(at + ".emit", "must be an object such as { topic: orders.processed, value: $.request }");
            }
            String when = string(step, "when", at);
            if (when != null) {
                try {
                    s.when(when);
                } catch (ExpressionException e) {
                    problem(at + ".when", "bad condition '" + when + "': " + e.getMessage());
                }
            }
            if (step.containsKey("input")) {
                try {
                    s.input(step.get("input"));
                } catch (ExpressionException e) {
                    problem(at + ".input", "bad path: " + e.getMessage());
                }
            }
            Object compensate = step.get("compensate");
            if (compensate instanceof String topic) {
                s.compensate(topic);
            } else if (compensate instanceof Map<?, ?> c) {
                checkFields(c, at + ".compensate", Set.of("topic"));
                s.compensate(string(c, "topic", at + ".compensate"));
            } else if (compensate != null) {
                problem(at + ".compensate", "must be an object such as { topic: stock.commands }");
            }
            Object forEach = step.get("forEach");
            if (forEach instanceof Map<?, ?> f) {
                s.forEach(readForEach(f, at + ".forEach"));
            } else if (forEach != null) {
                problem(at + ".forEach", "must be an object such as { items: $.request.lines, maxConcurrency: 10 }");
            }
            String onFailure = string(step, "onFailure", at);
            if (onFailure != null) {
                try {
                    s.onFailure(FailurePolicy.valueOf(onFailure.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    problem(at + ".onFailure", "'" + onFailure + "' is not one of: compensate, wait");
                }
            }
        });
    }

    private Sleep readSleep(Map<?, ?> m, String at) {
        checkFields(m, at, SLEEP_FIELDS);
        Duration duration = duration(m, "duration", at);
        String until = string(m, "until", at);
        if ((duration == null) == (until == null)) {
            if (!problemsAt(at)) {
                problem(at, "give exactly one of 'duration' (e.g. PT10M) and 'until' (a path such as $.request.runAt)");
            }
            return null;
        }
        if (duration != null) {
            return Sleep.lasting(duration);
        }
        try {
            return Sleep.until(until);
        } catch (ExpressionException e) {
            problem(at + ".until", "bad path '" + until + "': " + e.getMessage());
            return null;
        }
    }

    private Trigger readTrigger(Map<?, ?> t, String at) {
        checkFields(t, at, TRIGGER_FIELDS);
        String topic = string(t, "topic", at);
        String filterText = string(t, "filter", at);
        Condition filter = null;
        if (filterText != null) {
            try {
                filter = Condition.parse(filterText);
            } catch (ExpressionException e) {
                problem(at + ".filter", "bad condition '" + filterText + "': " + e.getMessage());
            }
        }
        String instanceId = string(t, "instanceId", at);
        InputMapping input = mapping(t, "input", at);
        return new Trigger(topic, filter, instanceId, input);
    }

    private EmitStep readEmit(Map<?, ?> e, String at) {
        checkFields(e, at, EMIT_FIELDS);
        return new EmitStep(
                string(e, "topic", at), mapping(e, "key", at), mapping(e, "value", at), string(e, "type", at));
    }

    private InputMapping mapping(Map<?, ?> map, String key, String at) {
        if (map.get(key) == null) {
            return null;
        }
        try {
            return InputMapping.of(map.get(key));
        } catch (ExpressionException e) {
            problem(at + "." + key, "bad path: " + e.getMessage());
            return null;
        }
    }

    private Repeat readRepeat(Map<?, ?> m, String at) {
        checkFields(m, at, REPEAT_FIELDS);
        String until = string(m, "until", at);
        Condition condition = null;
        if (until == null) {
            problem(
                    at + ".until",
                    "is required: the condition that ends the loop, e.g. $.steps.poll.output.done == true");
        } else {
            try {
                condition = Condition.parse(until);
            } catch (ExpressionException e) {
                problem(at + ".until", "bad condition '" + until + "': " + e.getMessage());
            }
        }
        Integer max = wholeNumber(m, "max", at);
        if (max == null && !m.containsKey("max")) {
            problem(at + ".max", "is required: the most rounds the step runs, e.g. 10");
        }
        Duration delay = duration(m, "delay", at);
        return condition == null || max == null ? null : new Repeat(condition, max, delay);
    }

    private Deadline readDeadline(Map<?, ?> m, String at) {
        checkFields(m, at, DEADLINE_FIELDS);
        Duration after = duration(m, "after", at);
        if (after == null && !m.containsKey("after")) {
            problem(at + ".after", "is required: how long an instance may run, e.g. PT24H");
        }
        String then = string(m, "then", at);
        Deadline.Action action = Deadline.Action.FAIL;
        if (then != null) {
            try {
                action = Deadline.Action.valueOf(then.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem(at + ".then", "'" + then + "' is not one of: fail, cancel");
                return null;
            }
        }
        return after == null ? null : new Deadline(after, action);
    }

    private boolean problemsAt(String at) {
        return problems.stream().anyMatch(p -> p.field().startsWith(at));
    }

    private Schedule readSchedule(Map<?, ?> m, String at) {
        checkFields(m, at, SCHEDULE_FIELDS);
        String overlapText = string(m, "overlap", at);
        Schedule.Overlap overlap = null;
        if (overlapText != null) {
            overlap = Schedule.Overlap.of(overlapText).orElse(null);
            if (overlap == null) {
                problem(at + ".overlap", "'" + overlapText + "' is not one of: skip, queueOne, all");
            }
        }
        String catchUpText = string(m, "catchUp", at);
        Schedule.CatchUp catchUp = null;
        if (catchUpText != null) {
            catchUp = Schedule.CatchUp.of(catchUpText).orElse(null);
            if (catchUp == null) {
                problem(at + ".catchUp", "'" + catchUpText + "' is not one of: none, latest, all");
            }
        }
        Integer limit = wholeNumber(m, "catchUpLimit", at);
        return new Schedule(
                string(m, "cron", at),
                duration(m, "every", at),
                string(m, "timeZone", at),
                overlap,
                catchUp,
                limit == null ? Schedule.DEFAULT_CATCH_UP_LIMIT : limit,
                m.get("input"));
    }

    /** A forEach whose items are missing or malformed still comes back (items null), so the validator can say so. */
    private ForEach readForEach(Map<?, ?> f, String at) {
        checkFields(f, at, FOR_EACH_FIELDS);
        DataPath items = null;
        String text = string(f, "items", at);
        if (text == null) {
            problem(at + ".items", "is required: the path of the list to run the step for, e.g. $.request.lines");
        } else {
            try {
                items = DataPath.parse(text);
            } catch (ExpressionException e) {
                problem(at + ".items", "bad path '" + text + "': " + e.getMessage());
            }
        }
        Integer max = wholeNumber(f, "maxConcurrency", at);
        ForEach.Tolerance tolerance = ForEach.Tolerance.NONE;
        Object tolerated = f.get("toleratedFailures");
        if (tolerated instanceof Integer count) {
            tolerance = new ForEach.Tolerance(count, false);
        } else if (tolerated instanceof String pct && pct.trim().matches("\\d{1,3}%")) {
            tolerance = new ForEach.Tolerance(Integer.parseInt(pct.trim().replace("%", "")), true);
        } else if (tolerated != null) {
            problem(
                    at + ".toleratedFailures",
                    "'" + tolerated + "' is neither a count of items (such as 3) nor a percentage (such as 10%)");
        }
        return new ForEach(items, max == null ? ForEach.DEFAULT_MAX_CONCURRENCY : max, tolerance);
    }

    private HttpStep readHttp(Map<?, ?> h, String at) {
        checkFields(h, at, HTTP_FIELDS);
        String method = string(h, "method", at);
        String url = string(h, "url", at);
        UrlTemplate template = null;
        if (url == null) {
            problem(at + ".url", "is required: the endpoint's absolute http:// or https:// URL");
        } else {
            try {
                template = UrlTemplate.parse(url);
            } catch (ExpressionException e) {
                problem(at + ".url", "bad placeholder: " + e.getMessage());
            }
        }
        var headers = new java.util.TreeMap<String, String>();
        Object hs = h.get("headers");
        if (hs instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                    headers.put(String.valueOf(k), String.valueOf(v));
                } else {
                    problem(at + ".headers." + k, "must be a string");
                }
            });
        } else if (hs != null) {
            problem(at + ".headers", "must be an object of header names and values");
        }
        Duration timeout = duration(h, "timeout", at);
        HttpRetry retry = null;
        Object r = h.get("retry");
        if (r instanceof Map<?, ?> rm) {
            retry = readRetry(rm, at + ".retry");
        } else if (r != null) {
            problem(at + ".retry", "must be an object such as { maxAttempts: 3, initialBackoff: PT1S }");
        }
        return template == null
                ? null
                : new HttpStep(
                        method == null ? null : method.toUpperCase(Locale.ROOT), template, headers, timeout, retry);
    }

    private EventWait readEvent(Map<?, ?> e, String at) {
        checkFields(e, at, EVENT_FIELDS);
        String topic = string(e, "topic", at);
        if (topic == null || topic.isBlank()) {
            problem(at + ".topic", "is required: the topic the event arrives on");
        }
        String field = null;
        DataPath equalsPath = null;
        Object c = e.get("correlation");
        String cat = at + ".correlation";
        if (c instanceof Map<?, ?> correlation) {
            checkFields(correlation, cat, CORRELATION_FIELDS);
            field = string(correlation, "field", cat);
            if (field == null) {
                problem(cat + ".field", "is required: a path into the event's value such as $.orderId, or 'key'");
            } else if (!EventWait.KEY.equals(field)) {
                try {
                    DataPath.parse(field);
                } catch (ExpressionException ex) {
                    problem(
                            cat + ".field",
                            "bad path '" + field + "' (a path such as $.orderId, or 'key'): " + ex.getMessage());
                    field = null;
                }
            }
            String equals = string(correlation, "equals", cat);
            if (equals == null) {
                problem(
                        cat + ".equals",
                        "is required: a path into the instance such as $.request.orderId or $.businessKey");
            } else {
                try {
                    equalsPath = DataPath.parse(equals);
                } catch (ExpressionException ex) {
                    problem(cat + ".equals", "bad path '" + equals + "': " + ex.getMessage());
                }
            }
        } else if (c == null) {
            problem(cat, "is required: { field: <path into the event>, equals: <path into the instance> }");
        } else {
            problem(cat, "must be an object such as { field: $.orderId, equals: $.request.orderId }");
        }
        EventWait.Consume consume = null;
        String mode = string(e, "consume", at);
        if (mode != null) {
            try {
                consume = EventWait.Consume.valueOf(mode.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                problem(at + ".consume", "'" + mode + "' is not one of: one, all");
            }
        }
        Duration bufferFor = duration(e, "bufferFor", at);
        if (topic == null || topic.isBlank() || field == null || equalsPath == null) {
            return null;
        }
        return new EventWait(topic, field, equalsPath, consume, bufferFor);
    }

    private HttpRetry readRetry(Map<?, ?> r, String at) {
        checkFields(r, at, RETRY_FIELDS);
        HttpRetry d = HttpRetry.defaults();
        Integer maxAttempts = wholeNumber(r, "maxAttempts", at);
        Duration initial = duration(r, "initialBackoff", at);
        Duration max = duration(r, "maxBackoff", at);
        double multiplier = d.multiplier();
        Object m = r.get("multiplier");
        if (m instanceof Number n) {
            multiplier = n.doubleValue();
        } else if (m != null) {
            problem(at + ".multiplier", "must be a number such as 2 or 1.5");
        }
        var retryOn = new java.util.LinkedHashSet<Integer>();
        Object codes = r.get("retryOn");
        if (codes instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Integer code) {
                    retryOn.add(code);
                } else {
                    problem(at + ".retryOn[" + i + "]", "must be an HTTP status code such as 503");
                }
            }
        } else if (codes != null) {
            problem(at + ".retryOn", "must be a list of HTTP status codes such as [429, 503]");
        }
        return new HttpRetry(
                maxAttempts == null ? d.maxAttempts() : maxAttempts,
                initial == null ? d.initialBackoff() : initial,
                multiplier,
                max == null ? d.maxBackoff() : max,
                codes == null ? d.retryOn() : retryOn);
    }

    private Duration duration(Map<?, ?> map, String key, String at) {
        String text = string(map, key, at);
        if (text == null) {
            return null;
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            problem(at + "." + key, "'" + text + "' is not an ISO-8601 duration such as PT30S, PT5M or PT2H");
            return null;
        }
    }

    private void checkFields(Map<?, ?> map, String at, Set<String> allowed) {
        for (Object key : map.keySet()) {
            if (!allowed.contains(key)) {
                String field = at.isEmpty() ? String.valueOf(key) : at + "." + key;
                String hint = allowed.stream()
                        .filter(a -> a.equalsIgnoreCase(String.valueOf(key)) || closeTo(a, String.valueOf(key)))
                        .findFirst()
                        .map(a -> " (did you mean '" + a + "'?)")
                        .orElse("");
                problem(
                        field,
                        "unknown field" + hint + "; allowed: "
                                + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static boolean closeTo(String a, String b) {
        // Edit distance, so that a dropped or doubled letter ('afer', 'afterr') is recognised too.
        return Math.abs(a.length() - b.length()) <= 2
                && DefinitionValidator.editDistance(a, b) <= Math.min(2, a.length() / 2);
    }

    private String string(Map<?, ?> map, String key, String at) {
        Object value = map.get(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        problem(at.isEmpty() ? key : at + "." + key, "must be a string");
        return null;
    }

    private Integer wholeNumber(Map<?, ?> map, String key, String at) {
        Object value = map.get(key);
        String field = at.isEmpty() ? key : at + "." + key;
        if (value == null || value instanceof Integer) {
            return (Integer) value;
        }
        problem(
                field,
                value instanceof Long || value instanceof java.math.BigInteger
                        ? "is too large"
                        : "must be a whole number");
        return null;
    }

    private List<String> stringList(Object value, String at) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list) {
            var out = new ArrayList<String>();
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof String s) {
                    out.add(s);
                } else {
                    problem(at + "[" + i + "]", "must be a step id");
                }
            }
            return out;
        }
        problem(at, "must be a step id or a list of step ids");
        return List.of();
    }
}
