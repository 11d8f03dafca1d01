package dev.baton.server.runtime;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * The state store partitions this process is restoring from their changelogs: Kafka Streams can be RUNNING while a
 * partition it was just given is still being restored, and until that ends the instances of that partition wait.
 */
final class StoreRestorations implements StateRestoreListener {
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();

    /** The stores being restored, as {@code store/partition}, sorted. */
    List<String> inProgress() {
        return inProgress.stream().sorted().toList();
    }

    @Override
    public void onRestoreStart(TopicPartition changelog, String store, long startingOffset, long endingOffset) {
        inProgress.add(name(changelog, store));
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String store, long batchEndOffset, long restored) {}

    @Override
    public void onRestoreEnd(TopicPartition changelog, String store, long restored) {
        inProgress.remove(name(changelog, store));
    }

    /** A task that moves away while it restores: its restoration will not end here. */
    @Override
    public void onRestoreSuspended(TopicPartition changelog, String store, long restored) {
        inProgress.remove(name(changelog, store));
    }

    private static String name(TopicPartition changelog, String store) {
        return store + "/" + changelog.partition();
    }
}
