package dev.baton.server.runtime;

import dev.baton.engine.Decision;
import dev.baton.engine.Notification;
import dev.baton.engine.Outbound;
import dev.baton.engine.Outbound.CancelChild;
import dev.baton.engine.Outbound.CompensateChild;
import dev.baton.engine.Outbound.Emit;
import dev.baton.engine.Outbound.HttpCall;
import dev.baton.engine.Outbound.ParentOutcome;
import dev.baton.engine.Outbound.ReturnEvent;
import dev.baton.engine.Outbound.StartChild;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.Outbound.SubscribeEvent;
import dev.baton.engine.Outbound.UnsubscribeEvent;
import dev.baton.engine.Outbound.WorkflowResult;
import dev.baton.protocol.CloudEvents;
import dev.baton.protocol.CommandMessage;
import dev.baton.protocol.HttpCallMessage;
import dev.baton.protocol.OperatorRequest;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.StartRequest;
import dev.baton.protocol.StatusMessage;
import dev.baton.protocol.WorkerOutcome;
import dev.baton.server.tracing.InstanceTrace;
import dev.baton.server.tracing.TraceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;

/** Turns a decision into the records to publish, each with its CloudEvents headers and its trace context. */
final class DecisionWriter {
    /**
     * One record to publish. Most are keyed by the deciding instance's id; a sub-workflow's start, cancel and undo
     * requests are keyed by the child's id and its outcome by the parent's, so each lands on its instance's partition.
     */
    record Outgoing(String key, Routed routed, Headers headers) {}

    private final OrchestratorSettings settings;

    DecisionWriter(OrchestratorSettings settings) {
        this.settings = settings;
    }

    List<Outgoing> records(Decision decision, String workflow, Instant at, InstanceTrace instanceTrace) {
        TraceContext trace = instanceTrace.instance();
        BatonTopics topics = settings.topics();
        byte[] time = CloudEventRecords.time(at);
        var out = new ArrayList<Outgoing>();
        for (Outbound o : decision.outbound()) {
            if (o instanceof StepCommand c) {
                out.add(new Outgoing(
                        c.instanceId(),
                        new Routed(c.topic(), CommandMessage.toJson(c, topics.callbacks())),
                        headers(
                                CloudEvents.COMMAND,
                                c.commandId(),
                                c.instanceId(),
                                time,
                                instanceTrace.command(c.commandId()))));
            } else if (o instanceof WorkflowResult r) {
                out.add(new Outgoing(
                        r.instanceId(),
                        new Routed(r.topic(), ResultMessage.toJson(r)),
                        headers(CloudEvents.RESULT, r.instanceId() + "/result", r.instanceId(), time, trace)));
            } else if (o instanceof HttpCall c) {
                out.add(new Outgoing(
                        c.instanceId(),
                        new Routed(topics.http(), HttpCallMessage.toJson(c, topics.callbacks())),
                        headers(
                                CloudEvents.COMMAND,
                                c.commandId(),
                                c.instanceId(),
                                time,
                                instanceTrace.command(c.commandId()))));
            } else if (o instanceof StartChild c) {
                var start = new StartRequest(c.workflow(), c.version(), c.input(), c.businessKey(), c.parent());
                out.add(new Outgoing(
                        c.childInstanceId(),
                        new Routed(topics.requests(), start.toJson()),
                        headers(
                                CloudEvents.REQUEST,
                                c.parent().commandId(),
                                c.childInstanceId(),
                                time,
                                instanceTrace.command(c.parent().commandId()))));
            } else if (o instanceof CancelChild c) {
                var cancel = new OperatorRequest(OperatorRequest.Operation.CANCEL, null, c.reason());
                out.add(new Outgoing(
                        c.childInstanceId(),
                        new Routed(topics.requests(), cancel.toJson()),
                        headers(
                                CloudEvents.REQUEST,
                                c.childInstanceId() + "/cancel",
                                c.childInstanceId(),
                                time,
                                trace)));
            } else if (o instanceof CompensateChild c) {
                out.add(new Outgoing(
                        c.childInstanceId(),
                        new Routed(
                                topics.requests(),
                                OperatorRequest.compensate(c.parent()).toJson()),
                        headers(
                                CloudEvents.REQUEST,
                                c.parent().commandId(),
                                c.childInstanceId(),
                                time,
                                instanceTrace.command(c.parent().commandId()))));
            } else if (o instanceof ParentOutcome p) {
                out.add(parentOutcome(p, time, trace));
            } else if (o instanceof SubscribeEvent sub) {
                // Keyed by correlation value, like the events it waits for: both meet on one partition.
                out.add(new Outgoing(
                        CorrelationRecords.key(sub),
                        new Routed(topics.eventCorrelation(), CorrelationRecords.subscribe(sub)),
                        headers(CloudEvents.REQUEST, sub.commandId() + "/subscribe", sub.instanceId(), time, trace)));
            } else if (o instanceof ReturnEvent back && back.event() instanceof Map<?, ?> event) {
                // Back to the correlation as if it had just arrived, for the time it had left.
                @SuppressWarnings("unchecked")
                Map<String, Object> record = (Map<String, Object>) event;
                long ttl = Math.max(1, back.expiresAt().toEpochMilli() - at.toEpochMilli());
                out.add(new Outgoing(
                        back.correlationKey(),
                        new Routed(topics.eventCorrelation(), CorrelationRecords.event(record, ttl)),
                        headers(
                                CloudEvents.REQUEST,
                                back.instanceId() + "/" + back.correlationKey() + "/return/" + at.toEpochMilli(),
                                back.instanceId(),
                                time,
                                trace)));
            } else if (o instanceof UnsubscribeEvent unsub) {
                out.add(new Outgoing(
                        CorrelationRecords.key(unsub),
                        new Routed(topics.eventCorrelation(), CorrelationRecords.unsubscribe(unsub)),
                        headers(
                                CloudEvents.REQUEST,
                                unsub.commandId() + "/unsubscribe",
                                unsub.instanceId(),
                                time,
                                trace)));
            } else if (o instanceof Emit e) {
                // Keyed as the step says, so the record lands where the user's consumers expect it, not by instance.
                out.add(new Outgoing(
                        e.key(),
                        new Routed(e.topic(), EmittedRecord.value(e)),
                        headers(e.type(), e.eventId(), e.instanceId(), time, trace)));
            }
        }
        int n = 0;
        for (Notification note : decision.notifications()) {
            if (!settings.statusEvents().publishes(note)) {
                n++; // the ids of those written stay what they are when all are
                continue;
            }
            Map<String, Object> status = StatusMessage.toMap(note, workflow);
            String id = note.instanceId() + "/" + at.toEpochMilli() + "/" + status.get(StatusMessage.TYPE) + "/" + n++;
            out.add(new Outgoing(
                    note.instanceId(),
                    new Routed(topics.status(), StatusMessage.toJson(status)),
                    headers(CloudEvents.STATUS, id, note.instanceId(), time, trace)));
        }
        return out;
    }

    /** A sub-workflow's outcome, written as its parent's worker outcome on the callback topic. */
    Outgoing parentOutcome(ParentOutcome p, byte[] time, TraceContext trace) {
        var outcome = new WorkerOutcome(
                p.parent().commandId(),
                p.parent().instanceId(),
                p.parent().stepId(),
                p.succeeded(),
                p.output(),
                p.error(),
                1);
        return new Outgoing(
                p.parent().instanceId(),
                new Routed(settings.topics().callbacks(), outcome.toJson()),
                headers(
                        CloudEvents.OUTCOME,
                        p.parent().commandId() + "/outcome",
                        p.parent().instanceId(),
                        time,
                        trace));
    }

    private static Headers headers(String type, String id, String subject, byte[] time, TraceContext trace) {
        Headers h = CloudEventRecords.headers(type, id, subject, time);
        trace.addTo(h);
        return h;
    }
}
