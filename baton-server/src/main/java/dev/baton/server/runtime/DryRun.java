package dev.baton.server.runtime;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Decision;
import dev.baton.engine.Engine;
import dev.baton.engine.Inbound;
import dev.baton.engine.Instance;
import dev.baton.engine.Notification;
import dev.baton.engine.Outbound;
import dev.baton.engine.RuntimeFacts;
import dev.baton.engine.StepExecution;
import dev.baton.engine.StepState;
import dev.baton.engine.TimerRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A dry run for a new version of a workflow: every retained instance's {@link InputLog.InstanceLog input log} is
 * replayed with the pure engine twice, through the definition version the instance ran on (the baseline) and through
 * the candidate, and the two are compared decision by decision. Nothing here reads Kafka or a clock, and nothing is
 * written anywhere: {@link InputLog} reads the topics, this class only computes.
 *
 * <p>Verdicts per instance:
 *
 * <ul>
 *   <li>{@code SAME}: every decision sends the same commands (topic, step, kind, command id, input), the same
 *       result, child requests and parent outcomes, and the end states agree.
 *   <li>{@code DIFFERS}: the candidate takes every input, but some decision differs; the first one is reported with
 *       each command added, removed or changed.
 *   <li>{@code FAILS}: the candidate cannot take this instance: the engine throws or rejects an input the baseline
 *       took, an input names a step the candidate does not have (an outcome, an operator's retry, complete or skip),
 *       or the instance ran a step (its baseline end state has it anything but PENDING or SKIPPED) that the
 *       candidate does not have, so its state could not be carried over.
 * </ul>
 *
 * <p><b>Timers.</b> Timeouts, HTTP retry backoffs, wake-ups (sleeps, rounds), delayed starts and deadlines are not in
 * the input topics: the orchestrator fires them from its
 * own timer store. Each replay therefore keeps the timers its own decisions ask for ({@link TimerRequest}) and fires
 * one at its due time, as a decision of its own, before the first recorded input that is later than it, and at the
 * end of the log when it is due before the time the topics were read ({@code horizon}). So a candidate that sets a
 * shorter timeout fires it where the recorded log shows nothing happening, and the report says so. What this gets
 * wrong: the orchestrator fired a timer when its punctuation ran (up to 100 ms late, later when it was busy or down)
 * and took a record when it polled it, not at the record's timestamp; an outcome recorded within about that margin of
 * a timeout's due time may have been taken first by the original and after the timeout by the replay, or the other
 * way round. Purges (retention) are not replayed: they only forget a completed instance.
 */
public final class DryRun {
    public enum Verdict {
        SAME,
        DIFFERS,
        FAILS
    }

    /** One decision of one replay: what it answered and what it sent. */
    record Step(String input, List<Sent> sent, String rejection, String ignored) {}

    /**
     * Something a decision sends, reduced to what the comparison looks at.
     *
     * @param type {@code command}, {@code http-call}, {@code start-child}, {@code cancel-child},
     *     {@code compensate-child}, {@code parent-outcome} or {@code result}
     * @param topic where it goes (an HTTP call: method and URL; a child start: the child's workflow)
     * @param kind {@code execute} or {@code compensate} for a command
     */
    record Sent(String type, String topic, String stepId, String kind, String commandId, Object input) {
        String key() {
            return type + " " + (commandId != null ? commandId : stepId != null ? stepId : "");
        }

        Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("type", type);
            put(m, "topic", topic);
            put(m, "stepId", stepId);
            put(m, "kind", kind);
            put(m, "commandId", commandId);
            put(m, "input", input);
            return m;
        }
    }

    /** One replay of one log through one definition. */
    record Replay(List<Step> steps, Instance end, String failure, int failedAt, int timersFired) {}

    /** What the dry run found for one instance. */
    public record InstanceReport(
            String instanceId,
            int baselineVersion,
            Instant startedAt,
            int inputs,
            Verdict verdict,
            Integer decision,
            String input,
            String reason,
            List<Map<String, Object>> changes,
            int timersFired) {

        public Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("instanceId", instanceId);
            m.put("verdict", verdict.name());
            m.put("baselineVersion", baselineVersion);
            put(m, "startedAt", startedAt == null ? null : startedAt.toString());
            m.put("inputs", inputs);
            put(m, "decision", decision);
            put(m, "input", input);
            put(m, "reason", reason);
            if (!changes.isEmpty()) {
                m.put("changes", changes);
            }
            if (timersFired > 0) {
                m.put("timersFired", timersFired);
            }
            return m;
        }
    }

    /** The report over every instance of a dry run. */
    public record Report(
            String workflow,
            int candidateVersion,
            Instant from,
            Instant to,
            Instant readAt,
            List<InstanceReport> instances,
            Map<String, Integer> skipped) {

        public int count(Verdict verdict) {
            return (int) instances.stream().filter(i -> i.verdict() == verdict).count();
        }

        public InstanceReport of(String instanceId) {
            return instances.stream()
                    .filter(i -> i.instanceId().equals(instanceId))
                    .findFirst()
                    .orElse(null);
        }

        public Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("workflow", workflow);
            m.put("candidateVersion", candidateVersion);
            put(m, "from", from == null ? null : from.toString());
            put(m, "to", to == null ? null : to.toString());
            put(m, "readAt", readAt.toString());
            var totals = new LinkedHashMap<String, Object>();
            totals.put("instances", instances.size());
            for (Verdict v : Verdict.values()) {
                totals.put(v.name().toLowerCase(java.util.Locale.ROOT), count(v));
            }
            m.put("totals", totals);
            if (!skipped.isEmpty()) {
                m.put("skippedRecords", skipped);
            }
            m.put("instances", instances.stream().map(InstanceReport::toMap).toList());
            return m;
        }
    }

    private DryRun() {}

    /**
     * Replays every instance of {@code log} through its baseline and through {@code candidate}.
     *
     * @throws IllegalArgumentException when the candidate is not a version of the log's workflow
     */
    public static Report run(InputLog log, WorkflowDefinition candidate) {
        if (!candidate.name().equals(log.workflow())) {
            throw new IllegalArgumentException(
                    "the candidate is a definition of '" + candidate.name() + "', not of '" + log.workflow() + "'");
        }
        var reports = new ArrayList<InstanceReport>();
        for (InputLog.InstanceLog instance : log.instances()) {
            WorkflowDefinition baseline = log.baselineOf(instance).orElse(null);
            reports.add(
                    baseline == null
                            ? new InstanceReport(
                                    instance.instanceId(),
                                    0,
                                    instance.startedAt(),
                                    instance.inputs().size(),
                                    Verdict.FAILS,
                                    null,
                                    null,
                                    "no deployed version of " + log.workflow() + " is retained that this instance"
                                            + " could have run on (version "
                                            + (instance.version() == null ? "newest" : instance.version()) + ")",
                                    List.of(),
                                    0)
                            : compare(instance, baseline, candidate, log.readAt()));
        }
        return new Report(
                log.workflow(), candidate.version(), log.from(), log.to(), log.readAt(), reports, log.skipped());
    }

    /** Replays one instance through both definitions and compares; {@code horizon} ends the timers' clock. */
    public static InstanceReport compare(
            InputLog.InstanceLog log, WorkflowDefinition baseline, WorkflowDefinition candidate, Instant horizon) {
        Replay base = replay(log, baseline, null, horizon);
        Replay cand = replay(log, candidate, baseline, horizon);
        int timers = Math.max(base.timersFired(), cand.timersFired());
        int inputs = log.inputs().size();
        if (base.failure() != null) {
            // The baseline is what the orchestrator ran; if even it cannot take the log, the log is not trustworthy.
            return new InstanceReport(
                    log.instanceId(),
                    baseline.version(),
                    log.startedAt(),
                    inputs,
                    Verdict.FAILS,
                    base.failedAt(),
                    label(base, base.failedAt()),
                    "the baseline (v" + baseline.version() + ") itself cannot replay this log: " + base.failure(),
                    List.of(),
                    timers);
        }
        String unmapped = unmappedStep(base.end(), candidate);
        if (cand.failure() != null || unmapped != null) {
            int at = cand.failure() != null ? cand.failedAt() : cand.steps().size() - 1;
            return new InstanceReport(
                    log.instanceId(),
                    baseline.version(),
                    log.startedAt(),
                    inputs,
                    Verdict.FAILS,
                    at,
                    label(cand, at),
                    cand.failure() != null ? cand.failure() : unmapped,
                    firstDifference(base, cand).changes,
                    timers);
        }
        Difference d = firstDifference(base, cand);
        if (d.index >= 0) {
            return new InstanceReport(
                    log.instanceId(),
                    baseline.version(),
                    log.startedAt(),
                    inputs,
                    Verdict.DIFFERS,
                    d.index,
                    d.input,
                    d.reason,
                    d.changes,
                    timers);
        }
        List<Map<String, Object>> endChanges = endStateChanges(base.end(), cand.end());
        if (!endChanges.isEmpty()) {
            return new InstanceReport(
                    log.instanceId(),
                    baseline.version(),
                    log.startedAt(),
                    inputs,
                    Verdict.DIFFERS,
                    null,
                    null,
                    "the decisions agree, the end states do not",
                    endChanges,
                    timers);
        }
        return new InstanceReport(
                log.instanceId(),
                baseline.version(),
                log.startedAt(),
                inputs,
                Verdict.SAME,
                null,
                null,
                null,
                List.of(),
                timers);
    }

    /**
     * Runs the log through {@code definition}. {@code baseline} is given for the candidate's run: an input naming a
     * step the baseline has and the candidate does not fails the run there.
     */
    static Replay replay(
            InputLog.InstanceLog log, WorkflowDefinition definition, WorkflowDefinition baseline, Instant horizon) {
        var steps = new ArrayList<Step>();
        // The timers this replay's own decisions set, by the key the orchestrator's timer store uses.
        var timers = new TreeMap<String, Inbound>();
        Instance state = null;
        int fired = 0;
        List<InputLog.LoggedInput> inputs = log.inputs();
        for (int i = 0; i <= inputs.size(); i++) {
            Instant until = i < inputs.size() ? inputs.get(i).at() : horizon;
            // Timers due before the next recorded input (or before the topics were read) fire first, in due order.
            while (!timers.isEmpty()) {
                var first = timers.firstEntry();
                Inbound timer = first.getValue();
                boolean due = i < inputs.size()
                        ? timer.at().isBefore(until)
                        : !timer.at().isAfter(until);
                if (!due) {
                    break;
                }
                timers.remove(first.getKey());
                fired++;
                String label = "timer: " + describe(timer);
                Outcome o = decide(definition, state, timer, label, steps);
                if (o.failure != null) {
                    return new Replay(steps, state, o.failure, steps.size() - 1, fired);
                }
                state = o.state;
                apply(o.decision, timers);
            }
            if (i == inputs.size()) {
                break;
            }
            InputLog.LoggedInput input = inputs.get(i);
            String label = describe(input.event()) + " (" + input.source() + ")";
            String missing = baseline == null ? null : missingStep(input.event(), baseline, definition);
            if (missing != null) {
                steps.add(new Step(label, List.of(), null, null));
                return new Replay(
                        steps,
                        state,
                        "the recorded " + kindOf(input.event()) + " names step " + missing
                                + ", which the candidate does not have",
                        steps.size() - 1,
                        fired);
            }
            Outcome o = decide(definition, state, input.event(), label, steps);
            if (o.failure != null) {
                return new Replay(steps, state, o.failure, steps.size() - 1, fired);
            }
            state = o.state;
            apply(o.decision, timers);
        }
        return new Replay(steps, state, null, -1, fired);
    }

    private record Outcome(Instance state, Decision decision, String failure) {}

    private static Outcome decide(
            WorkflowDefinition definition, Instance state, Inbound event, String label, List<Step> steps) {
        Decision decision;
        try {
            // Early signals are kept as the orchestrator keeps them by default, or the replay would drop them.
            decision = Engine.decide(
                    definition,
                    state,
                    event,
                    RuntimeFacts.NONE.withSignalBuffer(
                            OrchestratorSettings.DEFAULT_EVENT_BUFFER_TTL,
                            OrchestratorSettings.DEFAULT_SIGNAL_BUFFER_LIMIT));
        } catch (RuntimeException e) {
            steps.add(new Step(label, List.of(), "engine error: " + e, null));
            return new Outcome(state, null, "the engine cannot decide " + label + ": " + e.getMessage());
        }
        steps.add(new Step(label, sent(decision), decision.rejection(), ignored(decision)));
        // As the orchestrator does: a rejected event is dead-lettered and changes nothing; an empty decision keeps
        // the stored state; a purge forgets it.
        Instance next = decision.isRejected()
                ? state
                : decision.forget() ? null : decision.instance() != null ? decision.instance() : state;
        return new Outcome(next, decision.isRejected() ? null : decision, null);
    }

    private static void apply(Decision decision, TreeMap<String, Inbound> timers) {
        if (decision == null) {
            return;
        }
        for (TimerRequest t : decision.timers()) {
            if (t instanceof TimerRequest.ScheduleTimeout s) {
                timers.put(
                        key(s.dueAt(), s.commandId()),
                        new Inbound.FireTimeout(s.instanceId(), s.stepId(), s.commandId(), s.dueAt()));
            } else if (t instanceof TimerRequest.ScheduleRetry r) {
                timers.put(
                        key(r.dueAt(), r.commandId()),
                        new Inbound.FireRetry(r.instanceId(), r.stepId(), r.commandId(), r.dueAt()));
            } else if (t instanceof TimerRequest.CancelTimeout || t instanceof TimerRequest.CancelRetry) {
                timers.remove(key(t.dueAt(), t.commandId()));
            } else if (t instanceof TimerRequest.ScheduleWake w) {
                timers.put(
                        key(w.dueAt(), w.commandId() + "|wake"),
                        new Inbound.FireWake(w.instanceId(), w.stepId(), w.commandId(), w.dueAt()));
            } else if (t instanceof TimerRequest.CancelWake w) {
                timers.remove(key(w.dueAt(), w.commandId() + "|wake"));
            } else if (t instanceof TimerRequest.ScheduleStart st) {
                timers.put(
                        key(st.dueAt(), "\u0002" + st.instanceId()),
                        new Inbound.FireStart(st.instanceId(), st.dueAt()));
            } else if (t instanceof TimerRequest.CancelStart st) {
                timers.remove(key(st.dueAt(), "\u0002" + st.instanceId()));
            } else if (t instanceof TimerRequest.ScheduleDeadline dl) {
                timers.put(
                        key(dl.dueAt(), "\u0003" + dl.instanceId()),
                        new Inbound.FireDeadline(dl.instanceId(), dl.dueAt()));
            } else if (t instanceof TimerRequest.CancelDeadline dl) {
                timers.remove(key(dl.dueAt(), "\u0003" + dl.instanceId()));
            }
            // SchedulePurge: not replayed (see the class comment)
        }
    }

    /** Sorts by due time, then command id, like the orchestrator's timer store. */
    private static String key(Instant dueAt, String commandId) {
        return String.format("%020d%09d", dueAt.getEpochSecond(), dueAt.getNano()) + commandId;
    }

    /** The step an input names that the baseline has and the candidate does not; {@code null} if none. */
    private static String missingStep(Inbound event, WorkflowDefinition baseline, WorkflowDefinition candidate) {
        String stepId = event instanceof Inbound.ReportOutcome o
                ? o.stepId()
                : event instanceof Inbound.CompleteStep c
                        ? c.stepId()
                        : event instanceof Inbound.SkipStep s
                                ? s.stepId()
                                : event instanceof Inbound.RetryInstance r ? r.stepId() : null;
        return stepId != null
                        && baseline.step(stepId).isPresent()
                        && candidate.step(stepId).isEmpty()
                ? stepId
                : null;
    }

    /** A step the instance ran on the baseline that the candidate does not have; {@code null} if none. */
    private static String unmappedStep(Instance baselineEnd, WorkflowDefinition candidate) {
        if (baselineEnd == null) {
            return null;
        }
        for (StepExecution s : baselineEnd.steps().values()) {
            if (s.state() != StepState.PENDING
                    && s.state() != StepState.SKIPPED
                    && candidate.step(s.stepId()).isEmpty()) {
                return "the instance ran step " + s.stepId() + " (" + s.state() + " at its end on the baseline),"
                        + " which the candidate does not have";
            }
        }
        return null;
    }

    private record Difference(int index, String input, String reason, List<Map<String, Object>> changes) {}

    /** The first decision at which the two replays differ; index -1 when none does. */
    private static Difference firstDifference(Replay base, Replay cand) {
        int n = Math.min(base.steps().size(), cand.steps().size());
        for (int i = 0; i < n; i++) {
            Step b = base.steps().get(i);
            Step c = cand.steps().get(i);
            if (!b.input().equals(c.input())) {
                return new Difference(
                        i,
                        c.input(),
                        "the baseline's decision " + i + " is on " + b.input() + ", the candidate's on " + c.input()
                                + " (a timer fired in one replay and not in the other)",
                        List.of());
            }
            var changes = changes(b, c);
            if (!changes.isEmpty()) {
                return new Difference(i, b.input(), summary(changes), changes);
            }
        }
        if (base.steps().size() != cand.steps().size() && base.failure() == null && cand.failure() == null) {
            boolean candLonger = cand.steps().size() > base.steps().size();
            Step extra = (candLonger ? cand : base).steps().get(n);
            return new Difference(
                    n,
                    extra.input(),
                    (candLonger ? "only the candidate" : "only the baseline") + " decides on " + extra.input(),
                    List.of());
        }
        return new Difference(-1, null, null, List.of());
    }

    private static List<Map<String, Object>> changes(Step b, Step c) {
        var out = new ArrayList<Map<String, Object>>();
        if (!Objects.equals(b.rejection(), c.rejection())) {
            out.add(change("rejection", null, b.rejection(), c.rejection()));
        }
        if (!Objects.equals(b.ignored(), c.ignored())) {
            out.add(change("ignored", null, b.ignored(), c.ignored()));
        }
        var base = byKey(b.sent());
        var cand = byKey(c.sent());
        for (var e : base.entrySet()) {
            Sent other = cand.get(e.getKey());
            if (other == null) {
                out.add(change("removed", e.getValue(), null, null));
            } else if (!other.equals(e.getValue())) {
                for (String field : differingFields(e.getValue(), other)) {
                    var m = change("changed", e.getValue(), field(e.getValue(), field), field(other, field));
                    m.put("field", field);
                    out.add(m);
                }
            }
        }
        for (var e : cand.entrySet()) {
            if (!base.containsKey(e.getKey())) {
                out.add(change("added", e.getValue(), null, null));
            }
        }
        return out;
    }

    private static Map<String, Object> change(String what, Sent sent, Object baseline, Object candidate) {
        var m = new LinkedHashMap<String, Object>();
        m.put("change", what);
        if (sent != null) {
            m.putAll(sent.toMap());
        }
        if (baseline != null || candidate != null) {
            m.put("baseline", baseline);
            m.put("candidate", candidate);
        }
        return m;
    }

    private static List<String> differingFields(Sent a, Sent b) {
        var fields = new ArrayList<String>();
        for (String f : List.of("topic", "stepId", "kind", "commandId", "input")) {
            if (!Objects.equals(field(a, f), field(b, f))) {
                fields.add(f);
            }
        }
        return fields;
    }

    private static Object field(Sent s, String field) {
        return switch (field) {
            case "topic" -> s.topic();
            case "stepId" -> s.stepId();
            case "kind" -> s.kind();
            case "commandId" -> s.commandId();
            default -> s.input();
        };
    }

    private static String summary(List<Map<String, Object>> changes) {
        var parts = new ArrayList<String>();
        for (var c : changes) {
            String what = (String) c.get("change");
            String subject = c.get("type") == null
                    ? ""
                    : " " + c.get("type") + (c.get("kind") == null ? "" : " " + c.get("kind"))
                            + (c.get("stepId") == null ? "" : " of step " + c.get("stepId"))
                            + (c.get("commandId") == null ? "" : " (" + c.get("commandId") + ")");
            String detail = c.containsKey("baseline")
                    ? (c.get("field") == null ? "" : " " + c.get("field")) + ": " + c.get("baseline") + " -> "
                            + c.get("candidate")
                    : c.get("topic") == null ? "" : " to " + c.get("topic");
            parts.add(what + subject + detail);
        }
        return String.join("; ", parts);
    }

    private static Map<String, Sent> byKey(List<Sent> sent) {
        var m = new LinkedHashMap<String, Sent>();
        for (Sent s : sent) {
            m.put(s.key(), s);
        }
        return m;
    }

    /** Status, item outcome, failure, compensations and each step's state and attempt; not times or the version. */
    private static List<Map<String, Object>> endStateChanges(Instance base, Instance cand) {
        var out = new ArrayList<Map<String, Object>>();
        Map<String, Object> b = endState(base);
        Map<String, Object> c = endState(cand);
        Set<String> keys = new LinkedHashSet<>(b.keySet());
        keys.addAll(c.keySet());
        for (String k : keys) {
            if (!Objects.equals(b.get(k), c.get(k))) {
                var m = change("end state", null, String.valueOf(b.get(k)), String.valueOf(c.get(k)));
                m.put("field", k);
                out.add(m);
            }
        }
        return out;
    }

    static Map<String, Object> endState(Instance i) {
        var m = new LinkedHashMap<String, Object>();
        if (i == null) {
            m.put("instance", "none");
            return m;
        }
        m.put("status", i.status());
        m.put("outcome", i.outcome());
        m.put(
                "failure",
                i.failure() == null
                        ? null
                        : i.failure().stepId() + ":" + i.failure().type());
        m.put("compensated", i.compensated());
        m.put("paused", i.paused());
        for (StepExecution s : i.steps().values()) {
            if (s.state() != StepState.PENDING) {
                m.put("step " + s.stepId(), s.state() + " attempt " + s.attempt());
            }
        }
        return m;
    }

    static List<Sent> sent(Decision decision) {
        var out = new ArrayList<Sent>();
        for (Outbound o : decision.outbound()) {
            if (o instanceof Outbound.StepCommand c) {
                out.add(new Sent(
                        "command",
                        c.topic(),
                        c.stepId(),
                        c.kind().name().toLowerCase(java.util.Locale.ROOT),
                        c.commandId(),
                        c.input()));
            } else if (o instanceof Outbound.HttpCall h) {
                out.add(new Sent(
                        "http-call", h.http().method() + " " + h.url(), h.stepId(), null, h.commandId(), h.body()));
            } else if (o instanceof Outbound.StartChild s) {
                out.add(new Sent(
                        "start-child",
                        s.workflow() + (s.version() == null ? "" : " v" + s.version()),
                        s.parent().stepId(),
                        null,
                        s.parent().commandId(),
                        s.input()));
            } else if (o instanceof Outbound.CancelChild c) {
                out.add(new Sent("cancel-child", null, null, null, c.childInstanceId(), null));
            } else if (o instanceof Outbound.CompensateChild c) {
                out.add(new Sent(
                        "compensate-child",
                        null,
                        c.parent().stepId(),
                        null,
                        c.parent().commandId(),
                        c.childInstanceId()));
            } else if (o instanceof Outbound.ParentOutcome p) {
                var answer = new LinkedHashMap<String, Object>();
                answer.put("succeeded", p.succeeded());
                put(answer, "output", p.output());
                put(
                        answer,
                        "error",
                        p.error() == null
                                ? null
                                : p.error().type() + ": " + p.error().message());
                out.add(new Sent(
                        "parent-outcome",
                        null,
                        p.parent().stepId(),
                        null,
                        p.parent().commandId(),
                        answer));
            } else if (o instanceof Outbound.WorkflowResult r) {
                var result = new LinkedHashMap<String, Object>();
                result.put("outcome", r.outcome().name());
                put(result, "output", r.output());
                put(
                        result,
                        "error",
                        r.error() == null
                                ? null
                                : r.error().stepId() + ": " + r.error().type());
                result.put("compensated", r.compensated());
                out.add(new Sent("result", r.topic(), null, null, null, result));
            }
        }
        return out;
    }

    private static String ignored(Decision decision) {
        for (Notification n : decision.notifications()) {
            if (n instanceof Notification.OutcomeIgnored o) {
                return "outcome ignored: " + o.reason();
            }
            if (n instanceof Notification.RequestIgnored r) {
                return "request ignored: " + r.reason();
            }
        }
        return null;
    }

    private static String label(Replay r, int index) {
        return index >= 0 && index < r.steps().size() ? r.steps().get(index).input() : null;
    }

    private static String kindOf(Inbound event) {
        return event instanceof Inbound.ReportOutcome ? "outcome" : "operator request";
    }

    /** A short description of an input, the same in both replays, for the report. */
    static String describe(Inbound e) {
        if (e instanceof Inbound.StartInstance s) {
            return "start request";
        } else if (e instanceof Inbound.ReportOutcome o) {
            return "outcome " + (o.succeeded() ? "SUCCEEDED" : "FAILED") + " of " + o.commandId();
        } else if (e instanceof Inbound.FireTimeout t) {
            return "timeout of " + t.commandId() + " at " + t.at();
        } else if (e instanceof Inbound.FireRetry r) {
            return "retry backoff after " + r.commandId() + " ends at " + r.at();
        } else if (e instanceof Inbound.FireWake w) {
            return "wake-up of " + w.commandId() + " at " + w.at();
        } else if (e instanceof Inbound.FireStart st) {
            return "delayed start at " + st.at();
        } else if (e instanceof Inbound.FireDeadline dl) {
            return "deadline at " + dl.at();
        } else if (e instanceof Inbound.DeliverSignal s) {
            return "signal " + s.name();
        } else if (e instanceof Inbound.DeliverEvent d) {
            return "event for " + d.commandId();
        } else if (e instanceof Inbound.CompleteStep c) {
            return "complete " + c.stepId();
        } else if (e instanceof Inbound.SkipStep s) {
            return "skip " + s.stepId();
        } else if (e instanceof Inbound.RetryInstance r) {
            return "retry" + (r.stepId() == null ? "" : " " + r.stepId());
        }
        String name = e.getClass().getSimpleName();
        return name.replace("Instance", "").toLowerCase(java.util.Locale.ROOT);
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
