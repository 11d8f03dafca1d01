package dev.baton.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.protocol.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether an operator has paused one worker topic, as recorded on the compacted {@code baton.topic-pauses} topic
 * (key: the worker topic). While {@code paused}, commands for the topic are held by the orchestrator (see
 * {@link HeldCommands}); once resumed, held commands go out at {@code releaseRate} records per second per partition.
 */
public record TopicPause(String topic, boolean paused, String actor, String reason, Instant at, int releaseRate) {
    /** Records per second per partition when an operator names no rate. */
    public static final int DEFAULT_RELEASE_RATE = 100;

    public TopicPause {
        if (releaseRate < 1) {
            throw new IllegalArgumentException("releaseRate must be at least 1 record per second");
        }
    }

    public Map<String, Object> toMap() {
        var m = new LinkedHashMap<String, Object>();
        m.put("topic", topic);
        m.put("paused", paused);
        m.put("actor", actor);
        m.put("reason", reason);
        m.put("at", at == null ? null : at.toString());
        m.put("releaseRate", releaseRate);
        return m;
    }

    public byte[] toJson() {
        try {
            return Json.mapper().writeValueAsBytes(toMap());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a record of the topic-pauses topic; throws {@link IllegalArgumentException} for one it cannot read. */
    public static TopicPause parse(String topic, byte[] json) {
        try {
            JsonNode n = Json.mapper().readTree(json);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("a topic pause must be a JSON object");
            }
            return new TopicPause(
                    topic,
                    n.path("paused").asBoolean(false),
                    n.hasNonNull("actor") ? n.get("actor").asText() : null,
                    n.hasNonNull("reason") ? n.get("reason").asText() : null,
                    n.hasNonNull("at") ? Instant.parse(n.get("at").asText()) : null,
                    n.path("releaseRate").asInt(DEFAULT_RELEASE_RATE));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a topic pause: " + e.getMessage(), e);
        }
    }
}
