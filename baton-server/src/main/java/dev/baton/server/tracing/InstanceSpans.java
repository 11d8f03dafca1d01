package dev.baton.server.tracing;

import dev.baton.engine.Failure;
import dev.baton.engine.Instance;
import dev.baton.engine.Outcome;
import dev.baton.engine.StepExecution;
import dev.baton.engine.StepState;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The spans that ended with one event, found by comparing the instance before and after it: a step attempt ends
 * when its step leaves RUNNING, a compensation when it leaves COMPENSATING, the instance when it completes. Built from
 * state alone, so spans come out right whichever process handles the event, and after restarts.
 *
 * <pre>
 *   workflow order               (start request .. result; child of the requester's span, if any)
 *   ├── step reserve             (command sent .. outcome, timeout or cancel; one per attempt)
 *   ├── step charge
 *   └── compensate reserve       (compensate command sent .. its outcome)
 * </pre>
 */
final class InstanceSpans {
    static final AttributeKey<String> WORKFLOW = AttributeKey.stringKey("baton.workflow");
    static final AttributeKey<Long> VERSION = AttributeKey.longKey("baton.workflow.version");
    static final AttributeKey<String> INSTANCE_ID = AttributeKey.stringKey("baton.instance.id");
    static final AttributeKey<String> BUSINESS_KEY = AttributeKey.stringKey("baton.business_key");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("baton.outcome");
    static final AttributeKey<String> STEP_ID = AttributeKey.stringKey("baton.step.id");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("baton.step.attempt");
    static final AttributeKey<String> COMMAND_ID = AttributeKey.stringKey("baton.command.id");
    static final AttributeKey<Long> WORKER_ATTEMPTS = AttributeKey.longKey("baton.worker.attempts");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Resource resource;

    InstanceSpans(Resource resource) {
        this.resource = resource;
    }

    /**
     * The spans that {@code after} ends.
     *
     * @param before the instance before the event; {@code null} when the event started it
     * @param after the instance after the event
     * @param at when the event happened: the end of every span it ends
     */
    List<FinishedSpan> ended(Instance before, Instance after, Instant at, InstanceTrace trace) {
        var spans = new ArrayList<FinishedSpan>();
        if (after == null || !trace.isRecorded() || before == after) {
            return spans;
        }
        SpanContext instanceSpan = context(trace.instanceSpan(), false);
        if (before != null) {
            for (StepExecution was : before.steps().values()) {
                StepExecution now = after.step(was.stepId());
                if (now == null) {
                    continue;
                }
                if (was.state() == StepState.RUNNING
                        && !(now.state() == StepState.RUNNING && Objects.equals(now.commandId(), was.commandId()))) {
                    spans.add(stepSpan(after, was, now, at, trace, instanceSpan));
                }
                if (was.state() == StepState.COMPENSATING
                        && !(now.state() == StepState.COMPENSATING
                                && Objects.equals(now.compensationCommandId(), was.compensationCommandId()))) {
                    spans.add(compensationSpan(after, was, now, at, trace, instanceSpan));
                }
            }
        }
        if (after.isCompleted() && (before == null || !before.isCompleted()) && after.startedAt() != null) {
            spans.add(instanceSpan(after, at, trace, instanceSpan));
        }
        return spans;
    }

    private FinishedSpan instanceSpan(Instance after, Instant at, InstanceTrace trace, SpanContext self) {
        AttributesBuilder a = common(after)
                .put(VERSION, (long) after.version())
                .put(OUTCOME, after.outcome() == null ? "" : after.outcome().name());
        if (after.businessKey() != null) {
            a.put(BUSINESS_KEY, after.businessKey());
        }
        StatusData status = StatusData.ok();
        if (after.outcome() != Outcome.SUCCEEDED && after.failure() != null) {
            a.put(ERROR_TYPE, after.failure().type());
            status = after.outcome() == Outcome.FAILED
                    ? StatusData.create(StatusCode.ERROR, describe(after.failure()))
                    : StatusData.unset();
        }
        SpanContext parent = trace.caller() == null ? SpanContext.getInvalid() : context(trace.caller(), true);
        return new FinishedSpan(
                "workflow " + after.workflow(),
                self,
                parent,
                status,
                nanos(after.startedAt()),
                nanos(after.completedAt() != null ? after.completedAt() : at),
                a.build(),
                resource);
    }

    private FinishedSpan stepSpan(
            Instance after, StepExecution was, StepExecution now, Instant at, InstanceTrace trace, SpanContext parent) {
        String outcome = now.state() == StepState.ABANDONED
                ? "ABANDONED"
                : now.state() == StepState.TIMED_OUT ? "TIMED_OUT" : now.error() != null ? "FAILED" : "SUCCEEDED";
        AttributesBuilder a = common(after)
                .put(STEP_ID, was.stepId())
                .put(ATTEMPT, (long) was.attempt())
                .put(COMMAND_ID, String.valueOf(was.commandId()))
                .put(OUTCOME, outcome);
        if (now.workerAttempts() > 0) {
            a.put(WORKER_ATTEMPTS, (long) now.workerAttempts());
        }
        StatusData status = outcome.equals("SUCCEEDED") ? StatusData.ok() : StatusData.unset();
        if (now.error() != null && !outcome.equals("SUCCEEDED") && !outcome.equals("ABANDONED")) {
            a.put(ERROR_TYPE, now.error().type());
            status = StatusData.create(StatusCode.ERROR, describe(now.error()));
        }
        return new FinishedSpan(
                "step " + was.stepId(),
                context(trace.commandSpan(was.commandId()), false),
                parent,
                status,
                nanos(was.startedAt() != null ? was.startedAt() : at),
                nanos(at),
                a.build(),
                resource);
    }

    private FinishedSpan compensationSpan(
            Instance after, StepExecution was, StepExecution now, Instant at, InstanceTrace trace, SpanContext parent) {
        boolean compensated = now.state() == StepState.COMPENSATED;
        AttributesBuilder a = common(after)
                .put(STEP_ID, was.stepId())
                .put(ATTEMPT, (long) was.compensationAttempt())
                .put(COMMAND_ID, String.valueOf(was.compensationCommandId()))
                .put(OUTCOME, now.state().name());
        StatusData status = compensated ? StatusData.ok() : StatusData.unset();
        if (now.compensationError() != null) {
            a.put(ERROR_TYPE, now.compensationError().type());
            status = StatusData.create(StatusCode.ERROR, describe(now.compensationError()));
        }
        Instant start = was.compensationStartedAt() != null ? was.compensationStartedAt() : at;
        return new FinishedSpan(
                "compensate " + was.stepId(),
                context(trace.commandSpan(was.compensationCommandId()), false),
                parent,
                status,
                nanos(start),
                nanos(at),
                a.build(),
                resource);
    }

    private static AttributesBuilder common(Instance instance) {
        return Attributes.builder().put(WORKFLOW, instance.workflow()).put(INSTANCE_ID, instance.instanceId());
    }

    private static SpanContext context(TraceParent p, boolean remote) {
        TraceFlags flags = TraceFlags.fromByte((byte) p.flags());
        return remote
                ? SpanContext.createFromRemoteParent(p.traceId(), p.spanId(), flags, TraceState.getDefault())
                : SpanContext.create(p.traceId(), p.spanId(), flags, TraceState.getDefault());
    }

    private static String describe(Failure f) {
        return f.type() + ": " + f.message();
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
