package dev.baton.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("cmds", 0);
    private static final TopicPartition P1 = new TopicPartition("cmds", 1);

    private final OffsetTracker tracker = new OffsetTracker();

    private static Map<TopicPartition, OffsetAndMetadata> at(TopicPartition tp, long offset) {
        return Map.of(tp, new OffsetAndMetadata(offset));
    }

    @Test
    void nothingToCommitUntilTheFirstRecordFinishes() {
        OffsetTracker.Ticket t0 = tracker.track(P0, 0);
        tracker.track(P0, 1);
        assertThat(tracker.commitable()).isEmpty();
        tracker.complete(t0);
        assertThat(tracker.commitable()).isEqualTo(at(P0, 1));
    }

    @Test
    void commitsOnlyTheContiguousFinishedPrefix() {
        OffsetTracker.Ticket t0 = tracker.track(P0, 0);
        OffsetTracker.Ticket t1 = tracker.track(P0, 1);
        OffsetTracker.Ticket t2 = tracker.track(P0, 2);
        OffsetTracker.Ticket t3 = tracker.track(P0, 3);
        tracker.complete(t1);
        tracker.complete(t3);
        assertThat(tracker.commitable()).isEmpty(); // 0 still running
        assertThat(tracker.uncommittedCount()).isEqualTo(4);
        tracker.complete(t0);
        assertThat(tracker.commitable()).isEqualTo(at(P0, 2)); // 0 and 1 done, 2 running
        assertThat(tracker.uncommittedCount()).isEqualTo(2);
        tracker.complete(t2);
        assertThat(tracker.commitable()).isEqualTo(at(P0, 4));
        assertThat(tracker.uncommittedCount()).isZero();
    }

    @Test
    void toleratesGapsInOffsets() {
        OffsetTracker.Ticket t5 = tracker.track(P0, 5);
        OffsetTracker.Ticket t9 = tracker.track(P0, 9); // 6..8: transaction markers or compacted away
        tracker.complete(t9);
        assertThat(tracker.commitable()).isEmpty();
        tracker.complete(t5);
        assertThat(tracker.commitable()).isEqualTo(at(P0, 10));
    }

    @Test
    void partitionsAreIndependent() {
        OffsetTracker.Ticket a = tracker.track(P0, 0);
        OffsetTracker.Ticket b = tracker.track(P1, 7);
        tracker.complete(b);
        assertThat(tracker.commitable()).isEqualTo(at(P1, 8));
        tracker.complete(a);
        assertThat(tracker.commitable()).containsOnlyKeys(P0, P1);
        assertThat(tracker.commitable(List.of(P0))).isEqualTo(at(P0, 1));
    }

    @Test
    void offersEachPositionOnceUnlessTheCommitFailed() {
        OffsetTracker.Ticket t0 = tracker.track(P0, 0);
        tracker.complete(t0);
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.commitable();
        tracker.markCommitted(offsets);
        assertThat(tracker.commitable()).isEmpty();
        tracker.commitFailed(offsets);
        assertThat(tracker.commitable()).isEqualTo(at(P0, 1));
        tracker.markCommitted(offsets);
        OffsetTracker.Ticket t1 = tracker.track(P0, 1);
        tracker.complete(t1);
        assertThat(tracker.commitable()).isEqualTo(at(P0, 2));
    }

    @Test
    void completingTwiceIsHarmless() {
        OffsetTracker.Ticket t0 = tracker.track(P0, 0);
        tracker.track(P0, 1);
        tracker.complete(t0);
        tracker.complete(t0);
        assertThat(tracker.commitable()).isEqualTo(at(P0, 1));
        assertThat(tracker.uncommittedCount()).isEqualTo(1);
    }

    @Test
    void ticketsOfARevokedPartitionAreStale() {
        OffsetTracker.Ticket old = tracker.track(P0, 0);
        tracker.remove(List.of(P0));
        assertThat(tracker.isCurrent(old)).isFalse();
        assertThat(tracker.uncommittedCount()).isZero();
        // the partition comes back and the same record is delivered again
        OffsetTracker.Ticket again = tracker.track(P0, 0);
        OffsetTracker.Ticket next = tracker.track(P0, 1);
        tracker.complete(old);
        tracker.complete(next);
        assertThat(tracker.commitable()).isEmpty(); // the stale completion did not count
        tracker.complete(again);
        assertThat(tracker.commitable()).isEqualTo(at(P0, 2));
    }

    @Test
    void movingBackRestartsThePartition() {
        OffsetTracker.Ticket t3 = tracker.track(P0, 3);
        OffsetTracker.Ticket t1 = tracker.track(P0, 1); // the consumer seeked back
        assertThat(tracker.isCurrent(t3)).isFalse();
        assertThat(tracker.uncommittedCount()).isEqualTo(1);
        tracker.complete(t1);
        assertThat(tracker.commitable()).isEqualTo(at(P0, 2));
    }
}
