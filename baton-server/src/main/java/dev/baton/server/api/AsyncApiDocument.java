package dev.baton.server.api;

import dev.baton.definition.EmitStep;
import dev.baton.definition.StepDefinition;
import dev.baton.definition.Trigger;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.runtime.BatonTopics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An AsyncAPI 3.0 document for one workflow: the channels a requester, its workers and result consumers use, the
 * messages on each (with JSON Schemas and examples from docs/protocol.md) and who sends or receives them. Written
 * from the application's point of view: Baton sends commands and results, receives requests and outcomes.
 */
final class AsyncApiDocument {
    private AsyncApiDocument() {}

    static Map<String, Object> of(WorkflowDefinition d, BatonTopics topics, String bootstrapServers) {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("asyncapi", "3.0.0");
        doc.put(
                "info",
                Map.of(
                        "title", "Baton workflow " + d.name(),
                        "version", String.valueOf(d.version()),
                        "description",
                                "Topics and messages of the '" + d.name()
                                        + "' workflow, orchestrated by Baton (wire protocol v1). "
                                        + "Every message is JSON keyed by the instance id and carries CloudEvents 1.0 attributes in ce_* headers."));
        doc.put("defaultContentType", "application/json");
        doc.put("servers", Map.of("kafka", Map.of("host", bootstrapServers, "protocol", "kafka")));

        var channels = new LinkedHashMap<String, Object>();
        var operations = new LinkedHashMap<String, Object>();
        channels.put(
                "requests",
                channel(topics.requests(), "Start requests (and operator actions) for instances.", "StartRequest"));
        operations.put("receiveStartRequest", operation("receive", "requests", "A requester starts an instance."));
        d.schedule()
                .ifPresent(schedule -> operations.put(
                        "sendScheduledStartRequest",
                        operation(
                                "send",
                                "requests",
                                "With --schedules, Baton itself starts an instance on each tick of the schedule ("
                                        + schedule.expression() + ", "
                                        + schedule.zone().getId()
                                        + "), keyed <workflow>@<tick as an ISO-8601 instant>; pauses and ends travel"
                                        + " on " + topics.schedules() + ".")));
        channels.put(
                "callbacks",
                channel(
                        topics.callbacks(),
                        "Every worker's absolute outcome, one per command, ordered per instance.",
                        "Outcome"));
        operations.put(
                "receiveOutcome",
                operation("receive", "callbacks", "Workers report the outcome of each command here."));
        d.trigger().ifPresent(t -> {
            channels.put(
                    "trigger",
                    channel(
                            t.topic(),
                            "Your own records that start instances: each record the filter takes starts the instance '"
                                    + d.name() + ":<"
                                    + (Trigger.KEY.equals(t.instanceId()) ? "record key" : t.instanceId())
                                    + ">', and the same id never starts two.",
                            "TriggerRecord"));
            operations.put(
                    "receiveTriggerRecord",
                    operation(
                            "receive",
                            "trigger",
                            "Baton reads every record (plain JSON, or a CloudEvent in binary or structured mode)"
                                    + t.filterCondition()
                                            .map(c -> " for which " + c + " holds")
                                            .orElse("")
                                    + " and writes a start request for it to " + topics.requests() + "."));
        });
        for (StepDefinition s : d.steps()) {
            if (s.emit().isPresent()) {
                EmitStep e = s.emit().get();
                String id = "emit-" + s.id();
                channels.put(
                        id,
                        channel(
                                e.topic(),
                                "Records step '" + s.id() + "' publishes, one per run of the step, written in the same "
                                        + "transaction as the instance's state change.",
                                "Emitted" + capitalize(s.id())));
                operations.put(
                        "send" + capitalize(s.id()) + "Record",
                        operation(
                                "send",
                                id,
                                "Baton publishes the record of '" + s.id() + "' (CloudEvents type " + e.typeOrDefault()
                                        + ") and the step succeeds at once."));
                continue;
            }
            if (s.signal().isPresent()) {
                operations.put(
                        "receive" + capitalize(s.id()) + "Signal",
                        operation(
                                "receive",
                                "requests",
                                "Step '" + s.id() + "' waits for a signal {\"signal\": \""
                                        + s.signal().get() + "\", \"payload\": ...} keyed by the instance id."));
                continue;
            }
            if (s.event().isPresent()) {
                var e = s.event().get();
                String eid = "event-" + s.id();
                channels.put(
                        eid,
                        channel(
                                e.topic(),
                                "Events step '" + s.id() + "' waits for: JSON records (or CloudEvents) whose "
                                        + (e.fieldPath().isPresent() ? "field " + e.correlationField() : "key")
                                        + " equals the instance's " + e.equalsPath()
                                        + "; one that arrives before the step waits is kept until it expires.",
                                "Event"));
                operations.put(
                        "receive" + capitalize(s.id()) + "Event",
                        operation(
                                "receive",
                                eid,
                                "Baton's event correlation reads the topic; the matching event is the output of '"
                                        + s.id() + "' (consume: "
                                        + e.consume().name().toLowerCase(java.util.Locale.ROOT)
                                        + ")."));
                continue;
            }
            if (s.http().isPresent()) {
                continue; // an HTTP call Baton makes itself: no topic of the workflow carries it
            }
            if (s.workflow().isPresent()) {
                operations.put(
                        "send" + capitalize(s.id()) + "ChildStart",
                        operation(
                                "send",
                                "requests",
                                "Step '" + s.id() + "' starts a child instance of workflow '"
                                        + s.workflow().get().name() + "' (a start request keyed <instance id>:" + s.id()
                                        + ":<attempt>); the child's outcome arrives on the callbacks."));
                continue;
            }
            String id = "step-" + s.id();
            channels.putIfAbsent(
                    id,
                    channel(
                            s.topic(),
                            "Commands for step '" + s.id() + "'"
                                    + (s.compensate().isPresent()
                                            ? " (kind execute; compensations may share the topic)"
                                            : ""),
                            "Command"));
            operations.put(
                    "send" + capitalize(s.id()) + "Command",
                    operation(
                            "send",
                            id,
                            "Baton asks the worker of '" + s.id() + "' to execute it"
                                    + (s.after().isEmpty()
                                            ? ""
                                            : ", once " + String.join(" and ", s.after()) + " are done")
                                    + "."));
            s.compensate().ifPresent(c -> {
                String cid = "compensate-" + s.id();
                if (!c.topic().equals(s.topic())) {
                    channels.put(
                            cid, channel(c.topic(), "Compensation commands for step '" + s.id() + "'.", "Command"));
                }
                operations.put(
                        "send" + capitalize(s.id()) + "Compensation",
                        operation(
                                "send",
                                c.topic().equals(s.topic()) ? id : cid,
                                "Baton asks the worker to undo '" + s.id() + "' (kind compensate)."));
            });
            s.outcomeTopic().ifPresent(t -> {
                channels.put(
                        "outcomes-" + s.id(),
                        channel(
                                t,
                                "The worker's own outcome topic, merged by Baton into the callback topic.",
                                "Outcome"));
                operations.put(
                        "receive" + capitalize(s.id()) + "Outcomes",
                        operation("receive", "outcomes-" + s.id(), "Merged into " + topics.callbacks() + "."));
            });
        }
        channels.put("results", channel(d.resultTopic(), "Exactly one result per instance.", "Result"));
        operations.put(
                "sendResult",
                operation("send", "results", "Baton publishes the item's outcome when the process completes."));
        channels.put("status", channel(topics.status(), "Status notifications, for monitoring.", "Status"));
        operations.put("sendStatus", operation("send", "status", "One record per engine notification."));
        doc.put("channels", channels);
        doc.put("operations", operations);
        doc.put("components", Map.of("messages", messages(d)));
        return doc;
    }

    private static Map<String, Object> channel(String topic, String description, String message) {
        var c = new LinkedHashMap<String, Object>();
        c.put("address", topic);
        c.put("description", description);
        c.put("messages", Map.of(message, Map.of("$ref", "#/components/messages/" + message)));
        return c;
    }

    private static Map<String, Object> operation(String action, String channel, String description) {
        return Map.of("action", action, "channel", Map.of("$ref", "#/channels/" + channel), "summary", description);
    }

    private static Map<String, Object> messages(WorkflowDefinition d) {
        String first = d.steps().get(0).id();
        Map<String, Object> key = Map.of("type", "string", "description", "the instance id");
        var m = new LinkedHashMap<String, Object>();
        d.steps().stream()
                .flatMap(s -> s.event().stream())
                .findFirst()
                .ifPresent(e -> m.put(
                        "Event",
                        message(
                                "Event",
                                Map.of("type", "string", "description", "the publisher's own key"),
                                Map.of(
                                        "type",
                                        "object",
                                        "description",
                                        "the publisher's JSON record, in its own format"),
                                eventExample(e))));
        m.put(
                "StartRequest",
                message(
                        "Start request",
                        key,
                        object(
                                List.of("workflow"),
                                Map.of(
                                        "workflow",
                                        Map.of("type", "string", "const", d.name()),
                                        "input",
                                        Map.of(),
                                        "version",
                                        Map.of("type", "integer", "minimum", 1),
                                        "businessKey",
                                        Map.of("type", "string"),
                                        "startAt",
                                        Map.of("type", "string", "format", "date-time"),
                                        "deadline",
                                        Map.of("type", "string", "format", "duration"))),
                        Map.of("workflow", d.name(), "input", Map.of("orderId", "o-1001"), "businessKey", "o-1001")));
        m.put(
                "Command",
                message(
                        "Command",
                        key,
                        object(
                                List.of("instanceId", "stepId", "commandId", "kind", "callbackTopic"),
                                Map.of(
                                        "instanceId",
                                        Map.of("type", "string"),
                                        "workflow",
                                        Map.of("type", "string"),
                                        "stepId",
                                        Map.of(
                                                "type",
                                                "string",
                                                "enum",
                                                d.steps().stream()
                                                        .map(StepDefinition::id)
                                                        .toList()),
                                        "commandId",
                                        Map.of("type", "string"),
                                        "kind",
                                        Map.of("type", "string", "enum", List.of("execute", "compensate")),
                                        "attempt",
                                        Map.of("type", "integer"),
                                        "callbackTopic",
                                        Map.of("type", "string"),
                                        "input",
                                        Map.of())),
                        Map.of(
                                "instanceId",
                                "i-1",
                                "workflow",
                                d.name(),
                                "stepId",
                                first,
                                "commandId",
                                "i-1/" + first + "/1",
                                "kind",
                                "execute",
                                "attempt",
                                1,
                                "callbackTopic",
                                "baton.callbacks",
                                "input",
                                Map.of("orderId", "o-1001"))));
        m.put(
                "Outcome",
                message(
                        "Outcome",
                        key,
                        object(
                                List.of("commandId", "instanceId", "stepId", "status"),
                                Map.of(
                                        "commandId",
                                        Map.of("type", "string"),
                                        "instanceId",
                                        Map.of("type", "string"),
                                        "stepId",
                                        Map.of("type", "string"),
                                        "status",
                                        Map.of("type", "string", "enum", List.of("SUCCEEDED", "FAILED")),
                                        "output",
                                        Map.of(),
                                        "error",
                                        Map.of(
                                                "type",
                                                "object",
                                                "properties",
                                                Map.of(
                                                        "type",
                                                        Map.of("type", "string"),
                                                        "message",
                                                        Map.of("type", "string"))),
                                        "attempts",
                                        Map.of("type", "integer"))),
                        Map.of(
                                "commandId",
                                "i-1/" + first + "/1",
                                "instanceId",
                                "i-1",
                                "stepId",
                                first,
                                "status",
                                "SUCCEEDED",
                                "output",
                                Map.of("ok", true),
                                "attempts",
                                1)));
        m.put(
                "Result",
                message(
                        "Result",
                        key,
                        object(
                                List.of("instanceId", "workflow", "status"),
                                Map.of(
                                        "instanceId",
                                        Map.of("type", "string"),
                                        "workflow",
                                        Map.of("type", "string"),
                                        "version",
                                        Map.of("type", "integer"),
                                        "status",
                                        Map.of("type", "string", "enum", List.of("SUCCEEDED", "FAILED", "CANCELLED")),
                                        "output",
                                        Map.of(),
                                        "error",
                                        Map.of("type", "object"),
                                        "compensated",
                                        Map.of("type", "array", "items", Map.of("type", "string")))),
                        Map.of(
                                "instanceId",
                                "i-1",
                                "workflow",
                                d.name(),
                                "version",
                                d.version(),
                                "status",
                                "SUCCEEDED",
                                "output",
                                Map.of(first, Map.of("ok", true)),
                                "compensated",
                                List.of())));
        m.put(
                "Status",
                message(
                        "Status notification",
                        key,
                        object(
                                List.of("type", "instanceId"),
                                Map.of(
                                        "type",
                                        Map.of("type", "string"),
                                        "instanceId",
                                        Map.of("type", "string"),
                                        "workflow",
                                        Map.of("type", "string"),
                                        "stepId",
                                        Map.of("type", "string"),
                                        "at",
                                        Map.of("type", "string", "format", "date-time"))),
                        Map.of(
                                "type",
                                "StepCompleted",
                                "workflow",
                                d.name(),
                                "instanceId",
                                "i-1",
                                "stepId",
                                first,
                                "at",
                                "2026-11-26T10:15:02.113Z")));
        d.trigger()
                .ifPresent(t -> m.put(
                        "TriggerRecord",
                        message(
                                "Trigger record",
                                Map.of(
                                        "type",
                                        "string",
                                        "description",
                                        "any key; "
                                                + (Trigger.KEY.equals(t.instanceId())
                                                        ? "it names the instance (" + d.name() + ":<key>)"
                                                        : "the instance is named by " + t.instanceId())),
                                Map.of("description", "any JSON value; paths read it as $.record"),
                                t.input() == null
                                        ? Map.of("orderId", "o-1001")
                                        : Map.of("orderId", "o-1001", "amount", 25))));
        for (StepDefinition s : d.steps()) {
            s.emit()
                    .ifPresent(e -> m.put(
                            "Emitted" + capitalize(s.id()),
                            message(
                                    "Record published by step " + s.id(),
                                    Map.of(
                                            "type",
                                            "string",
                                            "description",
                                            e.key() == null ? "the instance id" : "mapped from " + e.key()),
                                    Map.of("description", "mapped from " + e.value()),
                                    Map.of("orderId", "o-1001"))));
        }
        return m;
    }

    /** A record whose correlation field holds an order id, for a field such as {@code $.orderId}. */
    private static Map<String, Object> eventExample(dev.baton.definition.EventWait e) {
        List<Object> path = e.fieldPath().map(p -> p.segments()).orElse(List.of());
        Object last = path.isEmpty() ? null : path.get(path.size() - 1);
        return path.size() == 1 && last instanceof String field
                ? Map.of(field, "o-1001", "status", "delivered")
                : Map.of("status", "delivered");
    }

    private static Map<String, Object> message(
            String title, Map<String, Object> key, Map<String, Object> payload, Map<String, Object> example) {
        var msg = new LinkedHashMap<String, Object>();
        msg.put("title", title);
        msg.put("contentType", "application/json");
        msg.put("bindings", Map.of("kafka", Map.of("key", key)));
        msg.put("payload", payload);
        msg.put("examples", List.of(Map.of("payload", example)));
        return msg;
    }

    private static Map<String, Object> object(List<String> required, Map<String, Object> properties) {
        return Map.of("type", "object", "required", required, "properties", properties);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
