package dev.baton.server.api;

import dev.baton.definition.StepDefinition;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Engine;
import dev.baton.engine.Failure;
import dev.baton.engine.FanOut;
import dev.baton.engine.Instance;
import dev.baton.engine.ItemResult;
import dev.baton.engine.StepExecution;
import dev.baton.engine.StepState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST representation of an instance: stable field names for API users, kept apart from the engine's types so
 * the engine can change without breaking clients.
 */
final class InstanceView {
    private InstanceView() {}

    static Map<String, Object> summary(Instance i) {
        var m = new LinkedHashMap<String, Object>();
        m.put("instanceId", i.instanceId());
        m.put("workflow", i.workflow());
        m.put("version", i.version());
        m.put("businessKey", i.businessKey());
        m.put("status", i.status().name());
        m.put("outcome", i.outcome() == null ? null : i.outcome().name());
        m.put("startedAt", text(i.startedAt()));
        m.put("updatedAt", text(i.updatedAt()));
        m.put("completedAt", text(i.completedAt()));
        m.put("failure", failure(i.failure()));
        m.put("paused", i.paused());
        m.put("redrives", i.redrives());
        if (i.startsAt() != null) {
            m.put("startsAt", text(i.startsAt())); // a delayed start that has not happened yet
        }
        if (i.deadlineAt() != null) {
            m.put("deadlineAt", text(i.deadlineAt()));
        }
        if (i.parent() != null) {
            m.put(
                    "parent",
                    Map.of(
                            "instanceId",
                            i.parent().instanceId(),
                            "stepId",
                            i.parent().stepId()));
        }
        m.put(
                "waitingOn",
                i.steps().values().stream()
                        .filter(s -> s.state() == StepState.RUNNING || s.state() == StepState.COMPENSATING)
                        .map(StepExecution::stepId)
                        .toList());
        return m;
    }

    static Map<String, Object> full(Instance i, WorkflowDefinition definition) {
        var m = summary(i);
        m.put("input", i.input());
        m.put("compensated", i.compensated());
        m.put(
                "bufferedSignals",
                i.bufferedSignals().stream()
                        .map(b -> {
                            var signal = new LinkedHashMap<String, Object>();
                            signal.put("name", b.name());
                            signal.put("payload", b.payload());
                            signal.put("receivedAt", text(b.receivedAt()));
                            return signal;
                        })
                        .toList());
        m.put(
                "steps",
                i.steps().values().stream()
                        .map(s -> step(
                                i,
                                s,
                                definition == null
                                        ? null
                                        : definition.step(s.stepId()).orElse(null)))
                        .toList());
        return m;
    }

    private static Map<String, Object> step(Instance i, StepExecution s, StepDefinition def) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", s.stepId());
        if (def != null) {
            m.put("topic", def.topic());
            def.signal().ifPresent(name -> m.put("signal", name));
            def.workflow().ifPresent(w -> m.put("workflow", w.name()));
            def.event().ifPresent(e -> {
                var event = new LinkedHashMap<String, Object>();
                event.put("topic", e.topic());
                event.put("field", e.correlationField());
                event.put("equals", e.equalsPath().toString());
                event.put("consume", e.consume().name().toLowerCase(java.util.Locale.ROOT));
                m.put("event", event);
            });
            def.http()
                    .ifPresent(h -> m.put(
                            "http",
                            Map.of(
                                    "method",
                                    h.method(),
                                    "url",
                                    h.url().toString(),
                                    "maxAttempts",
                                    h.retry().maxAttempts())));
            m.put("after", def.after());
            m.put("compensable", def.compensable());
        }
        m.put("state", s.state().name());
        m.put("attempt", s.attempt());
        m.put("commandId", s.commandId());
        m.put("workerAttempts", s.workerAttempts());
        m.put("startedAt", text(s.startedAt()));
        m.put("finishedAt", text(s.finishedAt()));
        m.put(
                "durationMs",
                s.startedAt() != null && s.finishedAt() != null
                        ? Duration.between(s.startedAt(), s.finishedAt()).toMillis()
                        : null);
        m.put("input", s.input());
        if (s.state() == StepState.RUNNING && def != null && def.event().isPresent()) {
            m.put("waitingFor", s.input()); // the subscription: topic, correlation field and value
        }
        m.put("output", s.output());
        m.put("error", failure(s.error()));
        if (def != null) {
            Engine.nextCallAt(def, s).ifPresent(t -> m.put("nextCallAt", text(t)));
            def.sleep().ifPresent(sleep -> {
                m.put(
                        "sleep",
                        sleep.duration() != null
                                ? Map.of("duration", sleep.duration().toString())
                                : Map.of("until", sleep.until().toString()));
                if (s.dueAt() != null) {
                    m.put("sleepingUntil", text(s.dueAt()));
                }
            });
            def.repeat().ifPresent(r -> {
                var repeat = new LinkedHashMap<String, Object>();
                repeat.put("until", r.until().toString());
                repeat.put("max", r.max());
                r.delayIfAny().ifPresent(t -> repeat.put("delay", t.toString()));
                m.put("repeat", repeat);
                m.put("round", s.round());
                if (s.dueAt() != null) {
                    m.put("nextRoundAt", text(s.dueAt()));
                }
            });
        }
        if (def != null && def.workflow().isPresent() && s.attempt() > 0) {
            Engine.childInstanceId(i.instanceId(), s.stepId(), s.attempt())
                    .ifPresent(child -> m.put("childInstanceId", child));
        }
        if (s.fanOut() != null) {
            m.put("forEach", fanOut(s.fanOut(), def));
        }
        if (s.compensationCommandId() != null || s.compensationAttempt() > 0) {
            var c = new LinkedHashMap<String, Object>();
            c.put("commandId", s.compensationCommandId());
            c.put("attempt", s.compensationAttempt());
            c.put("startedAt", text(s.compensationStartedAt()));
            c.put("finishedAt", text(s.compensationFinishedAt()));
            c.put("error", failure(s.compensationError()));
            m.put("compensation", c);
        }
        return m;
    }

    /** A forEach step's item counts; its items themselves are paged through {@link #item}. */
    private static Map<String, Object> fanOut(FanOut f, StepDefinition def) {
        var m = new LinkedHashMap<String, Object>();
        m.put("total", f.total());
        m.put("pending", f.total() - f.started());
        m.put("running", f.running());
        m.put("succeeded", f.succeeded().size());
        m.put("failed", f.failed().size());
        m.put("compensating", f.compensating());
        m.put("compensated", f.compensated().size());
        m.put("compensationFailed", f.compensationFailed().size());
        def.forEach().ifPresent(each -> {
            m.put("maxConcurrency", each.maxConcurrency());
            m.put("toleratedFailures", each.toleratedFailures().toString());
        });
        return m;
    }

    /**
     * One item of a forEach step: its state, and its output or error once it finished.
     *
     * @param stored the item's stored result; {@code null} when it has none, and ignored when it is of another
     *     attempt of the step
     */
    static Map<String, Object> item(Instance i, StepExecution step, int index, ItemResult stored) {
        FanOut f = step.fanOut();
        var m = new LinkedHashMap<String, Object>();
        m.put("index", index);
        String state;
        if (f.compensationFailed().contains(index)) {
            state = "COMPENSATION_FAILED";
        } else if (f.compensated().contains(index)) {
            state = "COMPENSATED";
        } else if (f.compensationsSent().contains(index)) {
            state = "COMPENSATING";
        } else if (f.succeeded().contains(index)) {
            state = "SUCCEEDED";
        } else if (f.failed().contains(index)) {
            state = "FAILED";
        } else {
            state = index < f.started() ? "RUNNING" : "PENDING";
        }
        m.put("state", state);
        m.put(
                "commandId",
                index < f.started()
                        ? Engine.itemCommandId(i.instanceId(), step.stepId(), index, step.attempt())
                        : null);
        boolean current = stored != null && stored.attempt() == step.attempt() && index < f.started();
        m.put("output", current ? stored.output() : null);
        m.put("error", current ? failure(stored.error()) : null);
        return m;
    }

    static Map<String, Object> failure(Failure f) {
        if (f == null) {
            return null;
        }
        var m = new LinkedHashMap<String, Object>();
        m.put("stepId", f.stepId());
        m.put("type", f.type());
        m.put("message", f.message());
        return m;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    static List<Map<String, Object>> problems(dev.baton.definition.InvalidDefinitionException e) {
        return e.problems().stream()
                .map(p -> {
                    var m = new LinkedHashMap<String, Object>();
                    m.put("source", p.source());
                    m.put("line", p.line());
                    m.put("field", p.field());
                    m.put("message", p.message());
                    m.put("text", p.toString());
                    return (Map<String, Object>) m;
                })
                .toList();
    }
}
