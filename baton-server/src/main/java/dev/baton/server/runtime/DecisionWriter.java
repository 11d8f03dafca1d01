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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;

/** Turns a decision into the records to publish, each with its CloudEvents headers and the caller's trace context. */
final class DecisionWriter {
    private static final String TRACEPARENT = "traceparent";

    private final OrchestratorSettings settings;

    DecisionWriter(OrchestratorSettings settings) {
        this.settings = settings;
    }

    List<KeyValue<Routed, Headers>> records(Decision decision, WorkflowDefinition definition, Instant at, Headers inbound) {
        Header trace = inbound.lastHeader(TRACEPARENT);
        var out = new ArrayList<KeyValue<Routed, Headers>>();
        for (Outbound o : decision.outbound()) {
            if (o instanceof StepCommand c) {
                out.add(KeyValue.pair(new Routed(c.topic(), CommandMessage.toJson(c, settings.topics().callbacks())),
                        headers(CloudEvents.COMMAND, c.commandId(), c.instanceId(), at, trace)));
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

    private static Headers headers(String type, String id, String subject, Instant at, Header trace) {
        Headers h = new RecordHeaders();
        for (Map.Entry<String, byte[]> e : CloudEvents.headers(type, id, subject, at).entrySet()) {
            h.add(e.getKey(), e.getValue());
        }
        if (trace != null) {
            h.add(trace);
        }
        return h;
    }
}
