package dev.baton.server.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which worker topics are paused, as read from the compacted topic-pauses topic by every orchestrator process (a
 * global store, like definitions): every stream thread, task and process sees the same pauses. Shared by the stream
 * threads (to hold and release commands) and the API (to list them). A resumed topic keeps its entry, with
 * {@code paused} false, so that commands held before the resume are released at the rate it names.
 */
public final class TopicPauses {
    private final Map<String, TopicPause> byTopic = new ConcurrentHashMap<>();

    /** Applies a record of the topic-pauses topic; a tombstone forgets the topic. */
    boolean apply(String topic, byte[] json) {
        if (topic == null) {
            return false;
        }
        if (json == null) {
            byTopic.remove(topic);
            return true;
        }
        try {
            byTopic.put(topic, TopicPause.parse(topic, json));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public void put(TopicPause pause) {
        byTopic.put(pause.topic(), pause);
    }

    public Optional<TopicPause> of(String topic) {
        return Optional.ofNullable(byTopic.get(topic));
    }

    public boolean isPaused(String topic) {
        TopicPause p = byTopic.get(topic);
        return p != null && p.paused();
    }

    /** Held commands of a resumed topic go out at this many records per second per partition. */
    public int releaseRate(String topic) {
        TopicPause p = byTopic.get(topic);
        return p == null ? TopicPause.DEFAULT_RELEASE_RATE : p.releaseRate();
    }

    /** Every topic ever paused and not forgotten, paused or resumed, by name. */
    public List<TopicPause> all() {
        return byTopic.values().stream()
                .sorted(Comparator.comparing(TopicPause::topic))
                .toList();
    }
}
