package dev.baton.server.runtime;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Decision;
import dev.baton.engine.Notification;
import dev.baton.engine.Outbound;
import dev.baton.engine.Outbound.StepCommand;
import dev.baton.engine.Outbound.WorkflowResult;
import dev.baton.protocol.CloudEvents;
import dev.baton.protocol.CommandMessage;
import dev.baton.protocol.ResultMessage;
import dev.baton.protocol.StatusMessage;
import dev.baton.server.tracing.InstanceTrace;
import dev.baton.server.tracing.TraceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;

/** Turns a decision into the records to publish, each with its CloudEvents headers and its trace context. */
final class DecisionWriter {
    private final OrchestratorSettings settings;

    DecisionWriter(OrchestratorSettings settings) {
        this.settings = settings;
    }

    List<KeyValue<Routed, Headers>> records(Decision decision, WorkflowDefinition definition, Instant at, InstanceTrace instanceTrace) {
        TraceContext trace = instanceTrace.instance();
        var out = new ArrayList<KeyValue<Routed, Headers>>();
        for (Outbound o : decision.outbound()) {
            if (o instanceof StepCommand c) {
                out.add(KeyValue.pair(new Routed(c.topic(), CommandMessage.toJson(c, settings.topics().callbacks())),
                        headers(CloudEvents.COMMAND, c.commandId(), c.instanceId(), at, instanceTrace.command(c.commandId()))));
            } else if (o instanceof WorkflowResult r) {
                out.add(KeyValue.pair(new Routed(r.topic(), ResultMessage.toJson(r)),
                        headers(CloudEvents.RESULT, r.instanceId() + "/result", r.instanceId(), at, trace)));
            }
        }
        int n = 0;
        for (Notification note : decision.notifications()) {
            String id = note.instanceId() + "/" + at.toEpochMilli() + "/" + note.type() + "/" + n++;
            out.add(KeyValue.pair(new Routed(settings.topics().status(), StatusMessage.toJson(note, definition.name())),
                    headers(CloudEvents.STATUS, id, note.instanceId(), at, trace)));
        }
        return out;
    }

    private static Headers headers(String type, String id, String subject, Instant at, TraceContext trace) {
        Headers h = CloudEventRecords.headers(type, id, subject, at);
        trace.addTo(h);
        return h;
    }
}
