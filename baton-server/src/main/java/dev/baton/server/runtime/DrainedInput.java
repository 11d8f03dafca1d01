package dev.baton.server.runtime;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells a stream thread's processors when they have handled every record its consumer handed over while the thread is
 * quiet, so that the transaction commits then rather than when the commit interval runs out
 * ({@link OrchestratorSettings#commitWhenDrained}), and that commands sent early leave then rather than when their
 * producer's linger runs out ({@link OrchestratorSettings#earlyDispatch}).
 *
 * <p>Why: under exactly-once nothing an orchestrator writes is visible before its transaction commits, and the
 * workflow crosses the orchestrator four times (request, A's outcome, the join, D's outcome); with a fixed interval
 * every crossing waits for half an interval on average. A short interval is no way out: Kafka Streams then commits
 * after every few records and halves its per-task batch after each commit, which costs most of the throughput.
 * Committing when the input is drained makes each decision visible a few milliseconds after its input arrived at low
 * load. Under load it must not: committing whenever the thread drained cost about a fifth of the throughput, and so
 * did committing after every small drained poll (at most 8 records), by about an eighth: a loaded thread that commits
 * often gets small polls, because each fetch brings what arrived since the last one, and then commits often. What
 * tells a quiet thread from a loaded one without that feedback is how many records arrived, not how they were
 * batched: a drained thread commits at once only if it received at most {@link #QUIET_RECORDS} records in the last
 * one to two {@link #WINDOW_NANOS windows} ({@link #quiet}), and otherwise on its interval.
 *
 * <p>How: this class is the main consumer's interceptor and counts, per stream thread, the records each poll returns;
 * {@link #handled} counts them off as processors finish them. Kafka Streams polls only after its tasks have processed
 * what they can, and calls processors on the polling thread, so the count is the thread's unprocessed buffer. A count
 * that drifts (records dropped from a task closed in a rebalance) only moves a commit: too early costs a commit, too
 * late falls back to the interval. Nothing here decides what is committed, only when, so its clock (the JVM's
 * monotonic one) is outside the engine's determinism.
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
     * The most records a thread may have received in the current and the previous window to count as quiet. At 20
     * workflows/s a thread receives about 100 records a second, 2 to 4 in two windows; at 1,000 in flight it received
     * about 12,500 a second. Chosen, not tuned: it switches at roughly 800 to 1,600 records a second, a few hundred
     * workflows a second of the benchmark's shape, and lets a burst of up to 32 starts at a quiet time commit at once.
     */
    static final int QUIET_RECORDS = 32;

    /** The window {@link #QUIET_RECORDS} counts over: the default commit interval. */
    static final long WINDOW_NANOS = 20_000_000L;

    private static final int UNHANDLED_RECORDS = 0;
    private static final int WINDOW_START = 1;
    private static final int IN_WINDOW = 2;
    private static final int IN_PREVIOUS_WINDOW = 3;

    /**
     * Per stream thread: records handed over and not yet handled; when the current window started; records received
     * in it and in the one before.
     */
    private static final ThreadLocal<long[]> COUNTS =
            ThreadLocal.withInitial(() -> new long[] {0, Long.MIN_VALUE, 0, 0});

    /** Per stream thread: whether a record somebody waits for was written since the thread last committed at once. */
    private static final ThreadLocal<boolean[]> AWAITED = ThreadLocal.withInitial(() -> new boolean[1]);

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        received(records.count(), System.nanoTime());
        return records;
    }

    /** What {@link #onConsume} counts, at a given time of {@link System#nanoTime()}; for tests. */
    static void received(int records, long nanos) {
        long[] c = COUNTS.get();
        c[UNHANDLED_RECORDS] += records;
        long since = c[WINDOW_START] == Long.MIN_VALUE ? Long.MAX_VALUE : nanos - c[WINDOW_START];
        if (since >= WINDOW_NANOS) {
            c[IN_PREVIOUS_WINDOW] = since < 2 * WINDOW_NANOS ? c[IN_WINDOW] : 0;
            c[IN_WINDOW] = 0;
            c[WINDOW_START] = nanos;
        }
        c[IN_WINDOW] += records;
    }

    /**
     * Whether this thread received at most {@link #QUIET_RECORDS} records in the current and the previous window: with
     * {@link #handled}, when a drained thread commits at once (see {@link OrchestratorSettings#commitWhenDrained}) and
     * sends the commands it dispatched early without waiting for their linger.
     */
    static boolean quiet() {
        long[] c = COUNTS.get();
        return c[IN_WINDOW] + c[IN_PREVIOUS_WINDOW] <= QUIET_RECORDS;
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
     * whether it is {@link #quiet} and a record somebody waits for was written since it last committed at once.
     * Answering yes resets the second condition, as the commit publishes those records. An interval commit in between
     * does not reset it, which costs at most one commit that would not have been needed.
     */
    static boolean commitAtOnce() {
        boolean[] awaited = AWAITED.get();
        if (!awaited[0] || !quiet()) {
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
        long[] c = COUNTS.get();
        return c[UNHANDLED_RECORDS] > 0 && --c[UNHANDLED_RECORDS] == 0;
    }

    /**
     * A task of this thread closed: the records buffered for it will not be processed here, so the count restarts.
     */
    static void tasksChanged() {
        COUNTS.get()[UNHANDLED_RECORDS] = 0;
        AWAITED.get()[0] = false; // a closing task's transaction is committed or aborted with it
    }

    /** Forgets this thread's counts and windows; for tests. */
    static void reset() {
        COUNTS.remove();
        AWAITED.remove();
    }

    /** The current thread's count, for tests. */
    static long unhandled() {
        return COUNTS.get()[UNHANDLED_RECORDS];
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
}
