package dev.baton.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.ScheduleState;
import dev.baton.protocol.Json;
import dev.baton.protocol.MalformedMessageException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of the schedules topic and the schedules store. A record on {@code baton.schedules} is keyed by workflow:
 * {@code {"type": "pause"|"resume", "actor", "reason", "at"}} from an operator, or {@code {"type": "ended",
 * "instanceId"}} when an instance a schedule started has ended. The store holds one {@link ScheduleState} per
 * workflow.
 */
final class ScheduleRecords {
    static final String PAUSE = "pause";
    static final String RESUME = "resume";
    static final String ENDED = "ended";

    /** A record of the schedules topic. */
    record Event(String type, String actor, String reason, Instant at, String instanceId) {}

    private ScheduleRecords() {}

    static byte[] pause(boolean paused, String actor, String reason, Instant at) {
        var m = new LinkedHashMap<String, Object>();
        m.put("type", paused ? PAUSE : RESUME);
        m.put("actor", actor);
        m.put("reason", reason);
        m.put("at", at.toString());
        return bytes(m);
    }

    static byte[] ended(String instanceId) {
        return bytes(Map.of("type", ENDED, "instanceId", instanceId));
    }

    static Event readEvent(byte[] json) {
        JsonNode n = tree(json, "schedule event");
        String type = n.path("type").asText("");
        if (!type.equals(PAUSE) && !type.equals(RESUME) && !type.equals(ENDED)) {
            throw new MalformedMessageException("schedule event: field 'type' must be pause, resume or ended");
        }
        if (type.equals(ENDED) && !n.path("instanceId").isTextual()) {
            throw new MalformedMessageException("schedule event: 'ended' needs field 'instanceId'");
        }
        return new Event(
                type,
                text(n, "actor"),
                text(n, "reason"),
                n.hasNonNull("at") ? instant(n.get("at").asText(), "at") : null,
                text(n, "instanceId"));
    }

    static byte[] write(ScheduleState s) {
        var m = new LinkedHashMap<String, Object>();
        m.put("workflow", s.workflow());
        m.put("lastTick", s.lastTick().toString());
        if (s.lastStartedTick() != null) {
            m.put("lastStartedTick", s.lastStartedTick().toString());
        }
        m.put("running", s.running());
        if (s.queuedTick() != null) {
            m.put("queuedTick", s.queuedTick().toString());
        }
        if (s.pause() != null) {
            var p = new LinkedHashMap<String, Object>();
            p.put("actor", s.pause().actor());
            p.put("reason", s.pause().reason());
            p.put("at", s.pause().at().toString());
            m.put("pause", p);
        }
        return bytes(m);
    }

    static ScheduleState read(byte[] json) {
        JsonNode n = tree(json, "schedule state");
        var running = new ArrayList<String>();
        n.path("running").forEach(r -> running.add(r.asText()));
        JsonNode p = n.path("pause");
        return new ScheduleState(
                n.path("workflow").asText(),
                instant(n.path("lastTick").asText(), "lastTick"),
                n.hasNonNull("lastStartedTick")
                        ? instant(n.get("lastStartedTick").asText(), "lastStartedTick")
                        : null,
                running,
                n.hasNonNull("queuedTick") ? instant(n.get("queuedTick").asText(), "queuedTick") : null,
                p.isObject()
                        ? new ScheduleState.Pause(
                                text(p, "actor"),
                                text(p, "reason"),
                                instant(p.path("at").asText(), "pause.at"))
                        : null);
    }

    private static byte[] bytes(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode tree(byte[] json, String what) {
        try {
            JsonNode n = Json.mapper().readTree(json);
            if (n == null || !n.isObject()) {
                throw new MalformedMessageException(what + ": must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new MalformedMessageException(what + ": not valid JSON: " + e.getMessage());
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static Instant instant(String text, String field) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedMessageException(
                    "field '" + field + "' must be an ISO-8601 instant, not '" + text + "'");
        }
    }
}
