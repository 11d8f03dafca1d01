package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** Readiness: RUNNING and every store restored (issue 17). */
class ReadinessTest {
    static final TopicPartition INSTANCES_2 = new TopicPartition("baton-orchestrator-baton-instances-changelog", 2);
    static final TopicPartition TIMERS_0 = new TopicPartition("baton-orchestrator-baton-timers-changelog", 0);

    @Test
    void shouldBeReadyOnlyWhenRunningWithNothingToRestore() {
        assertThat(new Readiness(KafkaStreams.State.RUNNING, List.of()).ready()).isTrue();
        assertThat(new Readiness(KafkaStreams.State.RUNNING, List.of()).reason())
                .isEmpty();

        for (var state : List.of(
                KafkaStreams.State.CREATED,
                KafkaStreams.State.REBALANCING,
                KafkaStreams.State.PENDING_SHUTDOWN,
                KafkaStreams.State.NOT_RUNNING,
                KafkaStreams.State.PENDING_ERROR,
                KafkaStreams.State.ERROR)) {
            assertThat(new Readiness(state, List.of()).ready()).as(state.name()).isFalse();
        }
        assertThat(new Readiness(KafkaStreams.State.RUNNING, List.of("baton-instances/2")).ready())
                .isFalse();
    }

    @Test
    void shouldSayWhyItIsNotReady() {
        assertThat(new Readiness(KafkaStreams.State.CREATED, List.of()).reason())
                .isEqualTo("the orchestrator has not started yet");
        assertThat(new Readiness(KafkaStreams.State.REBALANCING, List.of()).reason())
                .isEqualTo("Kafka Streams is REBALANCING, not RUNNING");
        assertThat(new Readiness(KafkaStreams.State.RUNNING, List.of("baton-instances/2", "baton-timers/0")).reason())
                .isEqualTo(
                        "restoring 2 state store partitions from their changelogs: baton-instances/2, baton-timers/0");
    }

    @Test
    void shouldCountAStoreAsRestoringFromItsStartToItsEndOrSuspension() {
        var restorations = new StoreRestorations();
        restorations.onRestoreStart(INSTANCES_2, "baton-instances", 0, 100);
        restorations.onRestoreStart(TIMERS_0, "baton-timers", 0, 10);
        restorations.onBatchRestored(INSTANCES_2, "baton-instances", 50, 50);
        assertThat(restorations.inProgress()).containsExactly("baton-instances/2", "baton-timers/0");

        restorations.onRestoreEnd(INSTANCES_2, "baton-instances", 100);
        assertThat(restorations.inProgress()).containsExactly("baton-timers/0");

        restorations.onRestoreSuspended(TIMERS_0, "baton-timers", 3);
        assertThat(restorations.inProgress()).isEmpty();
    }
}
