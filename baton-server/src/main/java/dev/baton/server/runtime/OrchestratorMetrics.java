package dev.baton.server.runtime;

import dev.baton.engine.Decision;
import dev.baton.engine.Instance;
import dev.baton.engine.Notification;
import dev.baton.engine.StepExecution;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * What the orchestrator counts about its own decisions, in Micrometer terms (exported as {@code baton_*}). Each
 * process counts what it decided; a dashboard sums over processes. A transaction that is aborted and retried is
 * counted twice: these are operational figures, not the record of truth (that is the result topic).
 */
public final class OrchestratorMetrics {
    private final MeterRegistry registry;
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> held =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> buffered =
            new java.util.concurrent.ConcurrentHashMap<>();

    public OrchestratorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Counts into a Prometheus registry, served at {@code /metrics}. Kafka client metrics are renamed
     * {@code baton_kafka_*}, so every metric of a Baton process shares the prefix.
     */
    public static OrchestratorMetrics prometheus() {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().startsWith("kafka.") ? id.withName("baton." + id.getName()) : id;
            }
        });
        return new OrchestratorMetrics(registry);
    }

    /** Counts into a registry nobody reads; for tests and tools that do not export metrics. */
    public static OrchestratorMetrics discarding() {
        return new OrchestratorMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    void decided(String workflow, Decision decision) {
        Instance after = decision.instance();
        for (Notification n : decision.notifications()) {
            if (n instanceof Notification.InstanceStarted) {
                Counter.builder("baton.instances.started")
                        .tag("workflow", workflow)
                        .description("Instances started")
                        .register(registry)
                        .increment();
            } else if (n instanceof Notification.InstanceCompleted done && after != null) {
                Counter.builder("baton.instances.finished")
                        .tag("workflow", workflow)
                        .tag("outcome", done.outcome().name())
                        .description("Instances whose process completed, by the item's outcome")
                        .register(registry)
                        .increment();
                if (after.startedAt() != null) {
                    Timer.builder("baton.instance.duration")
                            .tag("workflow", workflow)
                            .tag("outcome", done.outcome().name())
                            .publishPercentileHistogram()
                            .description("Start request to result")
                            .register(registry)
                            .record(Duration.between(after.startedAt(), done.at()));
                }
            } else if (n instanceof Notification.StepCompleted c) {
                stepLatency(workflow, after, c.stepId(), "SUCCEEDED", c.at());
            } else if (n instanceof Notification.StepFailed f) {
                stepLatency(workflow, after, f.stepId(), "FAILED", f.at());
            } else if (n instanceof Notification.StepTimedOut t) {
                stepLatency(workflow, after, t.stepId(), "TIMED_OUT", t.at());
            } else if (n instanceof Notification.CompensationStarted c) {
                Counter.builder("baton.compensations.started")
                        .tag("workflow", workflow)
                        .tag("step", c.stepId())
                        .register(registry)
                        .increment();
            } else if (n instanceof Notification.StepRetryScheduled r) {
                Counter.builder("baton.step.retries")
                        .tag("workflow", workflow)
                        .tag("step", r.stepId())
                        .description("Calls of HTTP steps that failed and are made again after a backoff")
                        .register(registry)
                        .increment();
            } else if (n instanceof Notification.IncidentRaised) {
                Counter.builder("baton.incidents")
                        .tag("workflow", workflow)
                        .register(registry)
                        .increment();
            } else if (n instanceof Notification.RequestIgnored ignored) {
                Counter.builder("baton.requests.ignored")
                        .tag("request", ignored.request())
                        .description("Requests that changed nothing, such as a start for an instance id that exists")
                        .register(registry)
                        .increment();
            } else if (n instanceof Notification.OutcomeIgnored ignored) {
                Counter.builder("baton.outcomes.ignored")
                        .tag("reason", ignored.reason().name())
                        .description("Duplicate, stale or unknown outcomes")
                        .register(registry)
                        .increment();
            }
        }
    }

    private void stepLatency(String workflow, Instance after, String stepId, String outcome, java.time.Instant at) {
        StepExecution step = after == null ? null : after.step(stepId);
        if (step == null || step.startedAt() == null) {
            return;
        }
        Timer.builder("baton.step.latency")
                .tag("workflow", workflow)
                .tag("step", stepId)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .description("Command sent to absolute outcome received")
                .register(registry)
                .record(Duration.between(step.startedAt(), at));
    }

    /** A trigger's record was turned into a start request for {@code workflow}. */
    void triggerStarted(String workflow) {
        Counter.builder("baton.trigger.starts")
                .tag("trigger", workflow)
                .description("Start requests written by a workflow's trigger (one per record it takes)")
                .register(registry)
                .increment();
    }

    /** A trigger's filter did not take a record. */
    void triggerSkipped(String workflow) {
        Counter.builder("baton.trigger.skipped")
                .tag("trigger", workflow)
                .description("Records on a trigger's topic that its filter did not take")
                .register(registry)
                .increment();
    }

    void deadLettered(String sourceTopic) {
        Counter.builder("baton.dead.letters")
                .tag("topic", sourceTopic)
                .description("Records sent to the dead-letter topic")
                .register(registry)
                .increment();
    }

    /** Commands held for {@code topic} by this process's tasks changed by {@code delta} (see HeldCommands). */
    void heldChanged(String topic, long delta) {
        held.computeIfAbsent(topic, t -> {
                    var count = new java.util.concurrent.atomic.AtomicLong();
                    io.micrometer.core.instrument.Gauge.builder(
                                    "baton.commands.held", count, java.util.concurrent.atomic.AtomicLong::get)
                            .tag("topic", t)
                            .description("Commands held by this process because their worker topic is paused")
                            .register(registry);
                    return count;
                })
                .addAndGet(delta);
    }

    void released(String topic, int count) {
        if (count > 0) {
            Counter.builder("baton.commands.released")
                    .tag("topic", topic)
                    .description("Held commands sent after their worker topic was resumed")
                    .register(registry)
                    .increment(count);
        }
    }

    /** Commands held by this process's tasks, by worker topic (topics with none left out). */
    public java.util.Map<String, Long> heldCommands() {
        var out = new java.util.TreeMap<String, Long>();
        held.forEach((topic, n) -> {
            if (n.get() > 0) {
                out.put(topic, n.get());
            }
        });
        return out;
    }

    /** A schedule started {@code count} instances (exported as {@code baton_schedule_starts_total}). */
    void scheduleStarted(String workflow, int count) {
        if (count > 0) {
            Counter.builder("baton.schedule.starts")
                    .tag("workflow", workflow)
                    .description("Instances started by a workflow's schedule")
                    .register(registry)
                    .increment(count);
        }
    }

    /**
     * A schedule's ticks that started nothing, by why: {@code overlap}, {@code replaced}, {@code missed} or
     * {@code paused} (exported as {@code baton_schedule_skipped_total}).
     */
    void scheduleSkipped(String workflow, String reason, long count) {
        if (count > 0) {
            Counter.builder("baton.schedule.skipped")
                    .tag("workflow", workflow)
                    .tag("reason", reason)
                    .description("Ticks of a workflow's schedule that started no instance")
                    .register(registry)
                    .increment(count);
        }
    }

    /** Events kept by this process's event correlation for {@code topic} changed by {@code delta}. */
    void eventsBufferedChanged(String topic, long delta) {
        buffered.computeIfAbsent(topic, t -> {
                    var count = new java.util.concurrent.atomic.AtomicLong();
                    io.micrometer.core.instrument.Gauge.builder(
                                    "baton.events.buffered", count, java.util.concurrent.atomic.AtomicLong::get)
                            .tag("topic", t)
                            .description("Events that arrived before a step waited for them, kept until they expire")
                            .register(registry);
                    return count;
                })
                .addAndGet(delta);
    }

    void eventsDelivered(String topic, int count) {
        Counter.builder("baton.events.delivered")
                .tag("topic", topic)
                .description("Events handed to steps that wait for them (one per waiting step)")
                .register(registry)
                .increment(count);
    }

    void eventsExpired(String topic, int count) {
        Counter.builder("baton.events.expired")
                .tag("topic", topic)
                .description("Buffered events no step took before they expired")
                .register(registry)
                .increment(count);
    }

    /** Events kept by this process's event correlation, by topic (topics with none left out). */
    public java.util.Map<String, Long> bufferedEvents() {
        var out = new java.util.TreeMap<String, Long>();
        buffered.forEach((topic, n) -> {
            if (n.get() > 0) {
                out.put(topic, n.get());
            }
        });
        return out;
    }

    void timerFailed(DueTimer.Kind kind) {
        Counter.builder("baton.timer.failures")
                .tag("kind", kind.wireName())
                .description("Timers whose firing failed and that are tried again after a backoff")
                .register(registry)
                .increment();
    }
}
