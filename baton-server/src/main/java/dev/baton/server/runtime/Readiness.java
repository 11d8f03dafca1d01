package dev.baton.server.runtime;

import java.util.List;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether this orchestrator process can take work now: Kafka Streams is RUNNING and none of its state stores is being
 * restored. A process that is alive but not ready (starting, rebalancing, restoring) should get no traffic; one that
 * is not alive should be restarted.
 *
 * @param state the Kafka Streams state
 * @param restoring the state store partitions being restored, as {@code store/partition}
 */
public record Readiness(KafkaStreams.State state, List<String> restoring) {
    public Readiness {
        restoring = List.copyOf(restoring);
    }

    public boolean ready() {
        return state == KafkaStreams.State.RUNNING && restoring.isEmpty();
    }

    /** Why the process is not ready, in a sentence; empty when it is. */
    public String reason() {
        if (state == KafkaStreams.State.CREATED) {
            return "the orchestrator has not started yet";
        }
        if (state != KafkaStreams.State.RUNNING) {
            return "Kafka Streams is " + state + ", not RUNNING";
        }
        if (!restoring.isEmpty()) {
            return "restoring " + restoring.size() + " state store partition" + (restoring.size() == 1 ? "" : "s")
                    + " from their changelogs: " + String.join(", ", restoring);
        }
        return "";
    }
}
