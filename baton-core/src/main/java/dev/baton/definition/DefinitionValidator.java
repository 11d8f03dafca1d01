package dev.baton.definition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules a definition must satisfy before anything runs on it; each broken rule becomes one problem. */
final class DefinitionValidator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    /** RFC 9110 token characters. */
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

    private static final Set<String> DATA_ROOTS = Set.of("request", "steps", "instanceId", "businessKey");
    /** Longer timeouts are mistakes, and a huge one would overflow the time at which it is due. */
    static final java.time.Duration MAX_TIMEOUT = java.time.Duration.ofDays(3650);

    private final String source;
    private final List<DefinitionProblem> problems = new ArrayList<>();

    private DefinitionValidator(String source) {
        this.source = source;
    }

    static List<DefinitionProblem> validate(WorkflowDefinition definition, String source) {
        var validator = new DefinitionValidator(source);
        validator.check(definition);
        return validator.problems;
    }

    private void problem(String field, String message) {
        problems.add(new DefinitionProblem(source, 0, field, message));
    }

    private void check(WorkflowDefinition d) {
        if (d.name() == null || d.name().isBlank()) {
            problem("name", "is required");
        } else if (!NAME.matcher(d.name()).matches()) {
            problem("name", "'" + d.name() + "' may hold only letters, digits, '.', '_' and '-'");
        }
        if (d.version() < 0) {
            problem("version", "must be 1 or more");
        }
        checkTopic("resultTopic", d.resultTopic());
        d.deadline().ifPresent(dl -> checkDuration("deadline.after", dl.after()));
        d.schedule()
                .ifPresent(schedule -> schedule.problems()
                        .forEach((field, message) ->
                                problem(field.isEmpty() ? "schedule" : "schedule." + field, message)));
        d.trigger().ifPresent(this::checkTrigger);
        if (d.steps().isEmpty()) {
            problem("steps", "a workflow needs at least one step");
            return;
        }
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < d.steps().size(); i++) {
            StepDefinition s = d.steps().get(i);
            String at = "steps[" + i + "]";
            if (s.id() == null || s.id().isBlank()) {
                problem(at + ".id", "is required");
                continue;
            }
            if (!NAME.matcher(s.id()).matches()) {
                problem(at + ".id", "'" + s.id() + "' may hold only letters, digits, '.', '_' and '-'");
            }
            Integer earlier = firstIndex.putIfAbsent(s.id(), i);
            if (earlier != null) {
                problem(at + ".id", "duplicate step id '" + s.id() + "' (first defined at steps[" + earlier + "])");
            }
        }
        for (int i = 0; i < d.steps().size(); i++) {
            checkStep(d, d.steps().get(i), "steps[" + i + "]");
        }
        checkCycles(d);
    }

    private void checkStep(WorkflowDefinition d, StepDefinition s, String at) {
        List<String> kinds = new ArrayList<>();
        for (StepKind kind : s.declaredKinds()) {
            // A workflow version without a name is reported by checkSubWorkflow, not as a second kind.
            if (!(kind instanceof SubWorkflow w && w.name() == null)) {
                kinds.add(kind.field());
            }
        }
        if (kinds.isEmpty()) {
            var others = new ArrayList<String>();
            for (StepKind.Described k : StepKind.FIELDS.subList(1, StepKind.FIELDS.size())) {
                others.add("'" + k.field() + "' to " + k.does());
            }
            problem(at + ".topic", "is required: the worker's command topic (or " + String.join(", ", others) + ")");
        } else if (kinds.size() > 1) {
            var each = new ArrayList<String>();
            for (StepKind.Described k : StepKind.FIELDS) {
                each.add(k.does() + " (" + k.field() + ")");
            }
            problem(
                    at + "." + kinds.get(1),
                    "a step does one thing: " + String.join(", ", each.subList(0, each.size() - 1)) + " or "
                            + each.get(each.size() - 1) + "; this one has " + String.join(" and ", kinds));
        }
        if (s.topic() != null) {
            if (s.topic().isBlank()) {
                problem(at + ".topic", "is required: the worker's command topic");
            } else {
                checkTopic(at + ".topic", s.topic());
            }
        }
        s.signal().ifPresent(signal -> {
            if (!NAME.matcher(signal).matches()) {
                problem(at + ".signal", "'" + signal + "' may hold only letters, digits, '.', '_' and '-'");
            }
            if (s.compensate().isPresent()) {
                problem(at + ".compensate", "a step that waits for a signal has no work to undo");
            }
        });
        s.workflow().ifPresent(w -> checkSubWorkflow(s, w, at));
        s.http().ifPresent(h -> checkHttp(d, s, h, at));
        s.sleep().ifPresent(sleep -> checkSleep(d, s, sleep, at));
        s.repeat().ifPresent(r -> checkRepeat(d, s, r, at));
        s.event().ifPresent(e -> checkEvent(d, s, e, at));
        s.emit().ifPresent(e -> checkEmit(d, s, e, at));
        for (int j = 0; j < s.after().size(); j++) {
            String p = s.after().get(j);
            if (p.equals(s.id())) {
                problem(at + ".after[" + j + "]", "a step cannot wait for itself");
            } else if (d.step(p).isEmpty()) {
                problem(at + ".after[" + j + "]", "unknown step '" + p + "'" + suggestion(d, p));
            }
        }
        if (s.after().size() != new HashSet<>(s.after()).size()) {
            problem(at + ".after", "names a step twice");
        }
        s.timeout().ifPresent(t -> {
            if (t.isZero() || t.isNegative()) {
                problem(at + ".timeout", "must be a positive duration, e.g. PT30S or PT2H");
            } else if (t.compareTo(MAX_TIMEOUT) > 0) {
                problem(
                        at + ".timeout",
                        "must be at most " + MAX_TIMEOUT.toDays() + " days (P" + MAX_TIMEOUT.toDays() + "D)");
            }
        });
        s.compensate().ifPresent(c -> {
            if (c.topic() == null || c.topic().isBlank()) {
                problem(at + ".compensate.topic", "is required");
            } else {
                checkTopic(at + ".compensate.topic", c.topic());
            }
        });
        s.outcomeTopic().ifPresent(t -> checkTopic(at + ".outcomeTopic", t));
        s.forEach().ifPresent(f -> checkForEach(d, s, f, at));
        if (s.id() != null) {
            Set<String> upstream = d.ancestors(s.id());
            s.when().ifPresent(c -> checkPaths(at + ".when", c.paths(), s, upstream));
            s.input().ifPresent(m -> checkPaths(at + ".input", withoutItemPaths(s, m.paths()), s, upstream));
        }
    }

    private void checkSleep(WorkflowDefinition d, StepDefinition s, Sleep sleep, String at) {
        sleep.durationIfAny().ifPresent(t -> checkDuration(at + ".sleep.duration", t));
        if (sleep.until() != null && s.id() != null) {
            checkPaths(at + ".sleep.until", List.of(sleep.until()), s, d.ancestors(s.id()));
        }
        // A sleep sends nothing and does nothing: fields about work, its input or its outcome have no meaning on it.
        if (s.compensate().isPresent()) {
            problem(at + ".compensate", "a step that sleeps has no work to undo");
        }
        if (s.timeout().isPresent()) {
            problem(at + ".timeout", "a step that sleeps ends at its wake time; it takes no 'timeout'");
        }
        if (s.input().isPresent()) {
            problem(at + ".input", "a step that sleeps sends nothing; it takes no 'input'");
        }
        if (s.outcomeTopic().isPresent()) {
            problem(at + ".outcomeTopic", "a step that sleeps gets no outcome; it takes no 'outcomeTopic'");
        }
    }

    private void checkRepeat(WorkflowDefinition d, StepDefinition s, Repeat r, String at) {
        if (r.max() < 1 || r.max() > Repeat.MAX_ROUNDS) {
            problem(at + ".repeat.max", "must be 1 to " + Repeat.MAX_ROUNDS);
        }
        r.delayIfAny().ifPresent(t -> checkDuration(at + ".repeat.delay", t));
        if (s.id() != null) {
            // The condition reads the round's own output, besides what the step itself may read.
            Set<String> readable = new HashSet<>(d.ancestors(s.id()));
            readable.add(s.id());
            checkPaths(at + ".repeat.until", r.until().paths(), s, readable);
        }
        if (s.signal().isPresent() || s.sleep().isPresent()) {
            problem(
                    at + ".repeat",
                    "only a step that does work repeats (a worker's topic, an HTTP call or a workflow); "
                            + "this one waits for " + (s.signal().isPresent() ? "a signal" : "a time"));
        }
    }

    private void checkDuration(String field, java.time.Duration t) {
        if (t.isZero() || t.isNegative()) {
            problem(field, "must be a positive duration, e.g. PT30S or PT2H");
        } else if (t.compareTo(MAX_TIMEOUT) > 0) {
            problem(field, "must be at most " + MAX_TIMEOUT.toDays() + " days (P" + MAX_TIMEOUT.toDays() + "D)");
        }
    }

    private void checkTrigger(Trigger t) {
        if (t.topic() == null || t.topic().isBlank()) {
            problem("trigger.topic", "is required: the topic whose records start instances");
        } else {
            checkTopic("trigger.topic", t.topic());
        }
        if (t.instanceId() == null || t.instanceId().isBlank()) {
            problem(
                    "trigger.instanceId",
                    "is required: 'key' for the record key, or a path such as $.record.orderId; the same id never "
                            + "starts two instances");
        } else if (!Trigger.KEY.equals(t.instanceId())) {
            try {
                checkTriggerPaths("trigger.instanceId", List.of(DataPath.parse(t.instanceId())));
            } catch (ExpressionException e) {
                problem(
                        "trigger.instanceId",
                        "'" + t.instanceId() + "' is neither 'key' nor a path such as $.record.orderId: "
                                + e.getMessage());
            }
        }
        t.filterCondition().ifPresent(c -> checkTriggerPaths("trigger.filter", c.paths()));
        if (t.input() != null) {
            checkTriggerPaths("trigger.input", t.input().paths());
        }
    }

    private void checkTriggerPaths(String field, List<DataPath> paths) {
        for (DataPath path : paths) {
            List<Object> seg = path.segments();
            if (seg.isEmpty() || !Trigger.DATA_ROOTS.contains(String.valueOf(seg.get(0)))) {
                problem(
                        field,
                        "path " + path + " must start with $.record (the record's value), $.key (its key) or $.event "
                                + "(its CloudEvents attributes)");
            }
        }
    }

    private void checkEmit(WorkflowDefinition d, StepDefinition s, EmitStep e, String stepAt) {
        String at = stepAt + ".emit";
        if (e.topic() == null || e.topic().isBlank()) {
            problem(at + ".topic", "is required: the topic the record is published to");
        } else {
            checkTopic(at + ".topic", e.topic());
        }
        if (e.value() == null) {
            problem(at + ".value", "is required: the record's value, e.g. $.steps.D.output or a template");
        }
        if (e.type() != null && e.type().isBlank()) {
            problem(at + ".type", "must not be empty (leave it out for " + EmitStep.DEFAULT_TYPE + ")");
        }
        if (s.id() != null) {
            Set<String> upstream = d.ancestors(s.id());
            if (e.key() != null) {
                checkPaths(at + ".key", e.key().paths(), s, upstream);
            }
            if (e.value() != null) {
                checkPaths(at + ".value", e.value().paths(), s, upstream);
            }
        }
        if (s.compensate().isPresent()) {
            problem(
                    stepAt + ".compensate",
                    "a published record cannot be taken back; an emit step takes no 'compensate'");
        }
        if (s.outcomeTopic().isPresent()) {
            problem(stepAt + ".outcomeTopic", "an emit step succeeds as it publishes; it takes no 'outcomeTopic'");
        }
        if (s.timeout().isPresent()) {
            problem(stepAt + ".timeout", "an emit step succeeds as it publishes; it takes no 'timeout'");
        }
    }

    private void checkSubWorkflow(StepDefinition s, SubWorkflow w, String at) {
        if (w.name() == null) {
            problem(at + ".version", "belongs to a step that runs a workflow: add 'workflow: <name>'");
            return;
        }
        if (!NAME.matcher(w.name()).matches()) {
            problem(at + ".workflow", "'" + w.name() + "' is not a workflow name (letters, digits, '.', '_' and '-')");
        }
        if (w.version() != null && w.version() < 1) {
            problem(at + ".version", "must be 1 or more (leave it out for the newest deployed version)");
        }
        if (s.compensate().isPresent()) {
            problem(
                    at + ".compensate",
                    "a step that runs a workflow is undone by that workflow's own compensations "
                            + "(the child instance undoes its completed steps); it takes no 'compensate'");
        }
        if (s.outcomeTopic().isPresent()) {
            problem(
                    at + ".outcomeTopic",
                    "a step that runs a workflow gets its outcome from the child instance; it takes no 'outcomeTopic'");
        }
    }

    private void checkHttp(WorkflowDefinition d, StepDefinition s, HttpStep h, String stepAt) {
        String at = stepAt + ".http";
        if (!HttpStep.METHODS.contains(h.method())) {
            problem(
                    at + ".method",
                    "'" + h.method() + "' is not one of: "
                            + String.join(
                                    ", ", HttpStep.METHODS.stream().sorted().toList()));
        }
        String start = h.url().literalPrefix();
        if (!(start.startsWith("http://") || start.startsWith("https://"))
                || start.length() <= start.indexOf("//") + 2) {
            problem(
                    at + ".url",
                    "'" + h.url() + "' must be an absolute URL starting with http:// or https:// and a host");
        } else {
            try {
                java.net.URI.create(h.url().render(Map.of())).toURL();
            } catch (IllegalArgumentException | java.net.MalformedURLException e) {
                problem(at + ".url", "'" + h.url() + "' is not a valid URL: " + e.getMessage());
            }
        }
        if (s.id() != null) {
            checkPaths(at + ".url", h.url().paths(), s, d.ancestors(s.id()));
        }
        for (String name : h.headers().keySet()) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (Set.of("host", "connection", "content-length", "expect", "upgrade")
                    .contains(lower)) {
                problem(at + ".headers." + name, "is set by the HTTP client and cannot be given");
            } else if (Set.of("idempotency-key", "traceparent", "tracestate").contains(lower)) {
                problem(at + ".headers." + name, "is set by Baton on every call and cannot be given");
            } else if (!HEADER.matcher(name).matches()) {
                problem(at + ".headers." + name, "is not a valid header name");
            }
        }
        if (h.timeout().isZero() || h.timeout().isNegative() || h.timeout().compareTo(HttpStep.MAX_TIMEOUT) > 0) {
            problem(at + ".timeout", "must be a positive duration of at most " + HttpStep.MAX_TIMEOUT + ", e.g. PT10S");
        }
        HttpRetry r = h.retry();
        if (r.maxAttempts() < 1 || r.maxAttempts() > 100) {
            problem(at + ".retry.maxAttempts", "must be 1 to 100 (1 means no retry)");
        }
        if (r.initialBackoff().isZero() || r.initialBackoff().isNegative()) {
            problem(at + ".retry.initialBackoff", "must be a positive duration, e.g. PT1S");
        }
        if (r.maxBackoff().compareTo(r.initialBackoff()) < 0 || r.maxBackoff().compareTo(MAX_TIMEOUT) > 0) {
            problem(
                    at + ".retry.maxBackoff",
                    "must be at least initialBackoff (" + r.initialBackoff() + ") and at most P" + MAX_TIMEOUT.toDays()
                            + "D");
        }
        if (!(r.multiplier() >= 1.0 && r.multiplier() <= 100.0)) {
            problem(at + ".retry.multiplier", "must be between 1 and 100");
        }
        for (int code : r.retryOnSorted()) {
            if (code < 100 || code > 599) {
                problem(at + ".retry.retryOn", code + " is not an HTTP status code (100 to 599)");
            } else if (code >= 200 && code < 300) {
                problem(at + ".retry.retryOn", code + " is a success: it is never retried");
            }
        }
        if (s.outcomeTopic().isPresent()) {
            problem(
                    stepAt + ".outcomeTopic",
                    "a step that calls an endpoint gets its outcome from Baton's HTTP executor; it takes no 'outcomeTopic'");
        }
    }

    private void checkEvent(WorkflowDefinition d, StepDefinition s, EventWait e, String stepAt) {
        String at = stepAt + ".event";
        checkTopic(at + ".topic", e.topic());
        if (s.id() != null) {
            checkPaths(at + ".correlation.equals", List.of(e.equalsPath()), s, d.ancestors(s.id()));
        }
        if (e.bufferFor() != null
                && (e.bufferFor().isZero()
                        || e.bufferFor().isNegative()
                        || e.bufferFor().compareTo(MAX_TIMEOUT) > 0)) {
            problem(
                    at + ".bufferFor",
                    "must be a positive duration of at most P" + MAX_TIMEOUT.toDays() + "D, e.g. PT1H");
        }
        if (s.compensate().isPresent()) {
            problem(stepAt + ".compensate", "a step that waits for an event has no work to undo");
        }
        if (s.input().isPresent()) {
            problem(
                    stepAt + ".input",
                    "a step that waits for an event takes no input: its correlation says what it waits for");
        }
        if (s.outcomeTopic().isPresent()) {
            problem(
                    stepAt + ".outcomeTopic",
                    "a step that waits for an event gets the event as its outcome; it takes no 'outcomeTopic'");
        }
    }

    private void checkForEach(WorkflowDefinition d, StepDefinition s, ForEach f, String stepAt) {
        String at = stepAt + ".forEach";
        if (f.items() != null && s.id() != null) {
            checkPaths(at + ".items", List.of(f.items()), s, d.ancestors(s.id()));
        }
        if (f.maxConcurrency() < 1 || f.maxConcurrency() > ForEach.MAX_CONCURRENCY) {
            problem(at + ".maxConcurrency", "must be 1 to " + ForEach.MAX_CONCURRENCY);
        }
        ForEach.Tolerance t = f.toleratedFailures();
        if (t.amount() < 0 || (t.percent() && t.amount() > 100)) {
            problem(at + ".toleratedFailures", "must be a count of 0 or more, or a percentage from 0% to 100%");
        }
        if (s.signal().isPresent()) {
            problem(at, "a step that waits for a signal sends no work to run per item");
        }
        if (s.sleep().isPresent()) {
            problem(at, "a step that sleeps sends no work to run per item");
        }
        if (s.event().isPresent()) {
            problem(at, "a step that waits for an event sends no work to run per item");
        }
        if (s.emit().isPresent()) {
            problem(at, "a step that emits a record sends no work to run per item");
        }
        if (s.repeat().isPresent()) {
            problem(at, "a step runs its items or repeats, not both: repeat a sub-workflow that holds the forEach");
        }
        if (s.timeout().isPresent()) {
            problem(
                    stepAt + ".timeout",
                    "is not supported on a forEach step yet: give each item's worker its own deadline");
        }
    }

    /** In a forEach step's input, {@code $.item} and {@code $.index} name the item's element and its position. */
    private static List<DataPath> withoutItemPaths(StepDefinition s, List<DataPath> paths) {
        if (s.forEach().isEmpty()) {
            return paths;
        }
        return paths.stream()
                .filter(p -> p.segments().isEmpty()
                        || !ITEM_ROOTS.contains(String.valueOf(p.segments().get(0))))
                .toList();
    }

    private static final Set<String> ITEM_ROOTS = Set.of("item", "index");

    private void checkPaths(String field, List<DataPath> paths, StepDefinition s, Set<String> upstream) {
        for (DataPath path : paths) {
            List<Object> seg = path.segments();
            if (seg.isEmpty() || !DATA_ROOTS.contains(String.valueOf(seg.get(0)))) {
                problem(
                        field,
                        "path " + path + " must start with $.request, $.steps.<id>, $.instanceId or $.businessKey");
            } else if ("steps".equals(seg.get(0))) {
                if (seg.size() < 2) {
                    problem(field, "path " + path + " must name a step: $.steps.<id>.output");
                } else if (!upstream.contains(String.valueOf(seg.get(1)))) {
                    problem(
                            field,
                            "path " + path + " reads step '" + seg.get(1) + "', which does not run before '" + s.id()
                                    + "' (only steps it waits for, directly or not, can be read)");
                }
            }
        }
    }

    private void checkCycles(WorkflowDefinition d) {
        // Kahn's algorithm: whatever cannot be ordered sits on a cycle or waits on one.
        Map<String, Integer> waiting = new HashMap<>();
        for (StepDefinition s : d.steps()) {
            if (s.id() != null) {
                waiting.put(s.id(), (int) s.after().stream()
                        .filter(p -> d.step(p).isPresent() && !p.equals(s.id()))
                        .distinct()
                        .count());
            }
        }
        var ready = new ArrayList<String>();
        waiting.forEach((id, n) -> {
            if (n == 0) {
                ready.add(id);
            }
        });
        var ordered = new HashSet<String>();
        while (!ready.isEmpty()) {
            String id = ready.remove(ready.size() - 1);
            ordered.add(id);
            for (String next : d.successors(id)) {
                if (waiting.merge(next, -1, Integer::sum) == 0) {
                    ready.add(next);
                }
            }
        }
        if (ordered.size() == waiting.size()) {
            return;
        }
        Set<String> reported = new HashSet<>();
        for (int i = 0; i < d.steps().size(); i++) {
            StepDefinition s = d.steps().get(i);
            if (s.id() == null || ordered.contains(s.id()) || reported.contains(s.id())) {
                continue;
            }
            List<String> cycle = findCycle(d, s.id());
            if (cycle != null && !reported.containsAll(cycle)) {
                reported.addAll(cycle);
                problem("steps[" + i + "].after", "cycle: " + String.join(" -> ", cycle));
            }
        }
        for (int i = 0; i < d.steps().size(); i++) {
            StepDefinition s = d.steps().get(i);
            if (s.id() != null && !ordered.contains(s.id()) && !reported.contains(s.id())) {
                problem("steps[" + i + "].after", "step '" + s.id() + "' is unreachable: it waits on a cycle");
            }
        }
    }

    /** A cycle through {@code start}, written start -> ... -> start, or null if start only waits on one. */
    private static List<String> findCycle(WorkflowDefinition d, String start) {
        var path = new ArrayList<String>();
        return dfs(d, start, start, path, new LinkedHashSet<>()) ? path : null;
    }

    private static boolean dfs(
            WorkflowDefinition d, String start, String current, List<String> path, Set<String> seen) {
        path.add(current);
        for (String p : d.step(current).map(StepDefinition::after).orElse(List.of())) {
            if (p.equals(start)) {
                path.add(p);
                java.util.Collections.reverse(path);
                return true;
            }
            if (d.step(p).isPresent() && seen.add(p) && dfs(d, start, p, path, seen)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        return false;
    }

    private void checkTopic(String field, String topic) {
        if (topic != null && (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals(".."))) {
            problem(
                    field,
                    "'" + topic + "' is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
        }
    }

    private static String suggestion(WorkflowDefinition d, String unknown) {
        String best = null;
        // A suggestion must be closer than a third of the name, or every short typo would "mean" some other step.
        int bestDistance = Math.max(1, unknown.length() / 3) + 1;
        for (StepDefinition s : d.steps()) {
            if (s.id() == null) {
                continue;
            }
            int distance = editDistance(unknown, s.id());
            if (distance < bestDistance) {
                bestDistance = distance;
                best = s.id();
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
