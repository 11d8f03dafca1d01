package dev.baton.worker.internal;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides which offsets may be committed: per partition, the position after the longest
 * contiguous prefix of received records that are all finished (their outcome acknowledged, or
 * skipped as malformed). Records finishing out of order are held until everything before them
 * has finished, so a crash never loses an unanswered command.
 *
 * <p>Not thread-safe: used by the poll thread only. A {@link Ticket} from a partition that was
 * since revoked (or re-tracked from a lower offset) is stale and completing it does nothing.
 */
public final class OffsetTracker {

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private int uncommitted;

    /** A tracked record, to be {@linkplain #complete(Ticket) completed} when it is finished. */
    public static final class Ticket {
        private final TopicPartition partition;
        private final PartitionState state;
        private final long offset;
        private boolean done;

        private Ticket(TopicPartition partition, PartitionState state, long offset) {
            this.partition = partition;
            this.state = state;
            this.offset = offset;
        }

        /**
         * The record's partition.
         *
         * @return the partition
         */
        public TopicPartition partition() {
            return partition;
        }

        /**
         * The record's offset.
         *
         * @return the offset
         */
        public long offset() {
            return offset;
        }

        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    private static final class PartitionState {
        final ArrayDeque<Ticket> pending = new ArrayDeque<>();
        long lastTracked = -1;
        long position = -1; // next offset to commit, -1 if none yet
        long committed = -1; // last position handed out for commit
    }

    /**
     * Starts tracking a received record. Offsets of one partition are expected to increase; an
     * offset at or below the last one tracked (the consumer moved back) starts the partition
     * afresh, making its older tickets stale.
     *
     * @param partition the record's partition
     * @param offset the record's offset
     * @return the ticket to complete
     */
    public Ticket track(TopicPartition partition, long offset) {
        Objects.requireNonNull(partition, "partition");
        PartitionState state = partitions.get(partition);
        if (state != null && offset <= state.lastTracked) {
            uncommitted -= state.pending.size();
            state = null;
        }
        if (state == null) {
            state = new PartitionState();
            partitions.put(partition, state);
        }
        state.lastTracked = offset;
        Ticket ticket = new Ticket(partition, state, offset);
        state.pending.addLast(ticket);
        uncommitted++;
        return ticket;
    }

    /**
     * Marks a record finished. Idempotent; does nothing for a stale ticket.
     *
     * @param ticket the record's ticket
     */
    public void complete(Ticket ticket) {
        if (!isCurrent(ticket) || ticket.done) {
            return;
        }
        ticket.done = true;
        PartitionState state = ticket.state;
        while (!state.pending.isEmpty() && state.pending.peekFirst().done) {
            state.position = state.pending.pollFirst().offset + 1;
            uncommitted--;
        }
    }

    /**
     * Whether a ticket still belongs to a tracked partition.
     *
     * @param ticket the ticket
     * @return false if its partition was removed or restarted since
     */
    public boolean isCurrent(Ticket ticket) {
        return partitions.get(ticket.partition) == ticket.state;
    }

    /**
     * The offsets to commit: for each partition whose committable position moved past the last
     * one {@linkplain #markCommitted(Map) marked committed}, that position.
     *
     * @return partition to offset; empty if nothing new
     */
    public Map<TopicPartition, OffsetAndMetadata> commitable() {
        return commitable(partitions.keySet());
    }

    /**
     * Like {@link #commitable()}, restricted to some partitions.
     *
     * @param subset the partitions of interest
     * @return partition to offset; empty if nothing new
     */
    public Map<TopicPartition, OffsetAndMetadata> commitable(Collection<TopicPartition> subset) {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        for (TopicPartition tp : subset) {
            PartitionState state = partitions.get(tp);
            if (state != null && state.position > state.committed) {
                result.put(tp, new OffsetAndMetadata(state.position));
            }
        }
        return result;
    }

    /**
     * Records that offsets were handed to the consumer for commit, so they are not offered again.
     *
     * @param offsets as returned by {@link #commitable()}
     */
    public void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            PartitionState state = partitions.get(tp);
            if (state != null && om.offset() > state.committed) {
                state.committed = om.offset();
            }
        });
    }

    /**
     * Records that a commit failed, so its offsets are offered again.
     *
     * @param offsets the offsets whose commit failed
     */
    public void commitFailed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            PartitionState state = partitions.get(tp);
            if (state != null && state.committed == om.offset()) {
                state.committed = -1;
            }
        });
    }

    /**
     * Stops tracking partitions (revoked or lost); their outstanding tickets become stale.
     *
     * @param removed the partitions
     */
    public void remove(Collection<TopicPartition> removed) {
        for (TopicPartition tp : removed) {
            PartitionState state = partitions.remove(tp);
            if (state != null) {
                uncommitted -= state.pending.size();
            }
        }
    }

    /**
     * How many tracked records are not yet behind a committable position (finished or not).
     *
     * @return the count over all partitions
     */
    public int uncommittedCount() {
        return uncommitted;
    }
}
