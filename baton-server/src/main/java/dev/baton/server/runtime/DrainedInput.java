package dev.baton.server.runtime;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells a stream thread's processors when they have handled every record its consumer handed over, so that the
 * transaction commits then rather than when the commit interval runs out ({@link OrchestratorSettings#commitWhenDrained}),
 * and that commands sent early leave then rather than when their producer's linger runs out
 * ({@link OrchestratorSettings#earlyDispatch}).
 *
 * <p>Why: under exactly-once nothing an orchestrator writes is visible before its transaction commits, and the
 * workflow crosses the orchestrator four times (request, A's outcome, the join, D's outcome); with a fixed interval
 * every crossing waits for half an interval on average. A short interval is no way out: Kafka Streams then commits
 * after every few records and halves its per-task batch after each commit, which costs most of the throughput.
 * Committing when the input is drained makes each decision visible a few milliseconds after its input arrived at low
 * load (about a third of the interval-only latency in the benchmark). Committing whenever the thread drained also
 * did so under steady load, much more often than every interval, which cost about a fifth of the throughput. So a
 * drained thread commits at once only if its last poll was small ({@link #lastPollWasSmall}): a thread at low load
 * gets a few records per poll, a loaded one more, and then waits for the interval. Rules that tried to tell an idle
 * thread otherwise (a spacing between commits, an empty poll, a poll that had to wait) did not keep the gain at low
 * load (docs/benchmarks.md).
 *
 * <p>How: this class is the main consumer's interceptor and counts, per stream thread, the records each poll returns;
 * {@link #handled} counts them off as processors finish them. Kafka Streams polls only after its tasks have processed
 * what they can, and calls processors on the polling thread, so the count is the thread's unprocessed buffer. A count
 * that drifts (records dropped from a task closed in a rebalance) only moves a commit: too early costs a commit, too
 * late falls back to the interval. Nothing here decides what is committed, only when.
 *
 * <p>A drained thread commits only if its open transaction holds a record somebody is waiting for
 * ({@link #awaitedWritten}): a command, a result, a merged outcome, a child's start. Status events alone do not
 * count: they are progress reports, and the interval commit publishes them soon enough. This matters under early
 * dispatch, where commands leave ahead of the transaction: a pass that decided only commands then leaves the thread
 * free to pick up the workers' outcomes instead of blocking it in a commit, and only the pass that writes the result
 * commits at once (in the benchmark, the join's outcome waited behind its sibling's commit).
 */
public final class DrainedInput implements ConsumerInterceptor<byte[], byte[]> {
    /**
     * The most records the thread's last poll may have returned for a drained thread to commit at once. At low load a
     * poll returns the few records that arrived while it waited; under load it returns what arrived while the thread
     * worked, and the thread then commits on its interval as without the option. Chosen, not tuned: the only value
     * measured.
     */
    static final int SMALL_POLL = 8;

    /** Per stream thread: records handed over and not yet handled; the size of the last poll that returned any. */
    private static final ThreadLocal<long[]> UNHANDLED = ThreadLocal.withInitial(() -> new long[2]);

    /** Per stream thread: whether a record somebody waits for was written since the thread last committed at once. */
    private static final ThreadLocal<boolean[]> AWAITED = ThreadLocal.withInitial(() -> new boolean[1]);

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        long[] u = UNHANDLED.get();
        u[0] += records.count();
        if (records.count() > 0) {
            u[1] = records.count();
        }
        return records;
    }

    /**
     * Whether the last poll of this thread that returned records returned at most {@link #SMALL_POLL}: with
     * {@link #handled}, when a drained thread commits at once (see {@link OrchestratorSettings#commitWhenDrained}).
     */
    static boolean lastPollWasSmall() {
        return UNHANDLED.get()[1] <= SMALL_POLL;
    }

    /**
     * A processor wrote a record into the open transaction that a worker, a requester or the next pass of an instance
     * waits for (anything but a status event or a command already sent early).
     */
    static void awaitedWritten() {
        AWAITED.get()[0] = true;
    }

    /**
     * For a drained thread under {@link OrchestratorSettings#commitWhenDrained}: whether to commit now, that is,
     * whether its last poll was small and a record somebody waits for was written since it last committed at once.
     * Answering yes resets the second condition, as the commit publishes those records. An interval commit in between
     * does not reset it, which costs at most one commit that would not have been needed.
     */
    static boolean commitAtOnce() {
        boolean[] awaited = AWAITED.get();
        if (!awaited[0] || !lastPollWasSmall()) {
            return false;
        }
        awaited[0] = false;
        return true;
    }

    /**
     * Called by a processor after each input record: true when that record was the last one this thread's consumer
     * had handed over (the processor then commits, or sends what it holds back; see InstanceProcessor).
     */
    static boolean handled() {
        long[] unhandled = UNHANDLED.get();
        return unhandled[0] > 0 && --unhandled[0] == 0;
    }

    /**
     * A task of this thread closed: the records buffered for it will not be processed here, so the count restarts.
     */
    static void tasksChanged() {
        UNHANDLED.get()[0] = 0;
        AWAITED.get()[0] = false; // a closing task's transaction is committed or aborted with it
    }

    /** The current thread's count, for tests. */
    static long unhandled() {
        return UNHANDLED.get()[0];
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
}
