package dev.baton.worker.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.StepHandler;
import dev.baton.worker.WorkerOptions;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * The worker's poll-run-publish loop: one poll thread that owns the consumer, a pool of handler
 * threads, and the producer. (Not an engine: in Baton that word means the orchestrator's rules,
 * {@code dev.baton.engine}.)
 *
 * <p>The poll thread subscribes, polls, parses commands and hands them to a
 * {@link KeyedDispatcher} (at most {@code concurrency} at once, one at a time per instance). A
 * handler thread answers a command (from the {@link AnsweredCommands} memory for a redelivery,
 * else through the {@link StepHandlers}) and sends the outcome. When the send is acknowledged the
 * poll thread marks the record finished in the {@link OffsetTracker} and commits the contiguous
 * finished prefix of each partition. While too many commands wait, the poll thread pauses the
 * partitions but keeps polling, so long handlers or backoffs never exceed
 * {@code max.poll.interval.ms}.
 *
 * <p>Construct it with any {@link Consumer} and {@link Producer} (e.g. Kafka's mocks), then
 * {@link #start()} and {@link #close()} once each.
 */
public final class CommandLoop {

    private static final System.Logger LOG = System.getLogger(CommandLoop.class.getName());

    /** How long one poll waits for records; also bounds the reaction time to close(). */
    static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** Finished offsets are committed at most this often while running. */
    static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Wait before republishing an outcome whose send failed. */
    static final Duration RESEND_DELAY = Duration.ofSeconds(1);
    /** Time allowed to each client for closing, and to the final commit. */
    static final Duration CLIENT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final ThreadLocal<Boolean> OWN_THREAD = ThreadLocal.withInitial(() -> false);

    /** {@code hops}: the benchmark's timing chain, stamped when fetched; null for every command not timed. */
    private record Job(Command command, OffsetTracker.Ticket ticket, String hops) {
        @Override
        public String toString() {
            return "command " + command.commandId() + " at " + ticket;
        }
    }

    private final WorkerOptions options;
    private final StepHandlers handlers;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final CommandParser parser;
    private final OutcomeRecords outcomeRecords;
    private final AnsweredCommands answered;
    private final OffsetTracker tracker = new OffsetTracker();
    private final ExecutorService handlerPool;
    private final ScheduledExecutorService resendExecutor;
    /** Runs {@link Producer#flush()} off the handler threads (see {@link #sendAtOnceIfAlone}). */
    private final ExecutorService sender;

    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final KeyedDispatcher<Job> dispatcher;
    private final LinkedBlockingQueue<Runnable> loopTasks = new LinkedBlockingQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final int maxUncommitted;
    private final Thread pollThread;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean clientsClosed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Throwable failure;
    private boolean paused;
    private long lastCommitNanos;

    /**
     * Creates a command loop with the standard retry runner and the system clock.
     *
     * @param options the worker options
     * @param execute the execute handler
     * @param compensate the compensation handler, or null
     * @param consumer the consumer, owned (and closed) by the loop from now on
     * @param producer the producer, owned (and closed) by the loop from now on
     */
    public CommandLoop(
            WorkerOptions options,
            StepHandler execute,
            StepHandler compensate,
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer) {
        this(
                options,
                execute,
                compensate,
                consumer,
                producer,
                new RetryRunner(options.retryPolicy(), options.objectMapper()),
                Clock.systemUTC());
    }

    /**
     * Creates a command loop.
     *
     * @param options the worker options
     * @param execute the execute handler
     * @param compensate the compensation handler, or null
     * @param consumer the consumer, owned (and closed) by the loop from now on
     * @param producer the producer, owned (and closed) by the loop from now on
     * @param retryRunner runs the handlers
     * @param clock gives the outcomes' {@code ce_time}
     */
    public CommandLoop(
            WorkerOptions options,
            StepHandler execute,
            StepHandler compensate,
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer,
            RetryRunner retryRunner,
            Clock clock) {
        this.options = Objects.requireNonNull(options, "options");
        this.handlers = new StepHandlers(execute, compensate, options.groupId(), retryRunner);
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mapper = options.objectMapper();
        this.parser = new CommandParser(mapper);
        this.outcomeRecords =
                new OutcomeRecords(options.groupId(), options.outcomeTopic().orElse(null));
        this.answered = new AnsweredCommands(options.redeliveryCacheSize());
        this.maxUncommitted = Math.max(10_000, 20 * options.maxPollRecords()) + options.concurrency();
        String name = "baton-worker[" + options.groupId() + "]";
        this.handlerPool = Executors.newFixedThreadPool(options.concurrency(), threads(name + "-handler-", false));
        this.resendExecutor = Executors.newSingleThreadScheduledExecutor(threads(name + "-resend-", true));
        this.sender = Executors.newSingleThreadExecutor(threads(name + "-send-", true));
        this.dispatcher = new KeyedDispatcher<>(
                options.concurrency(), handlerPool, job -> job.command().instanceId(), this::handle);
        this.pollThread = new Thread(this::pollLoop, name + "-poll");
    }

    private static ThreadFactory threads(String prefix, boolean daemon) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(
                    () -> {
                        OWN_THREAD.set(true);
                        r.run();
                    },
                    prefix + n.incrementAndGet());
            t.setDaemon(daemon);
            return t;
        };
    }

    /**
     * Starts the poll thread, which subscribes to the command topic.
     *
     * @throws IllegalStateException if already started
     */
    public void start() {
        if (stopping) {
            throw new IllegalStateException("the command loop is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the command loop is already started");
        }
        pollThread.start();
    }

    /**
     * Stops gracefully: stops polling, drops queued commands (they are not committed, so they
     * are delivered again), waits up to the shutdown timeout for running commands to finish and
     * their outcomes to be acknowledged, commits, then closes the clients. Idempotent; waits for
     * the shutdown to complete unless called from one of the loop's own threads (e.g. from a
     * handler), in which case it only starts it.
     */
    public void close() {
        stopping = true;
        if (!started.get()) {
            closeClients();
            return;
        }
        if (Thread.currentThread() == pollThread || OWN_THREAD.get()) {
            return;
        }
        try {
            Duration wait = options.shutdownTimeout().plus(CLIENT_CLOSE_TIMEOUT.multipliedBy(6));
            if (!stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, () -> pollThread.getName() + " did not stop within " + wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the loop polls for commands: started, not closing, and not stopped by a fatal
     * error.
     *
     * @return true while running
     */
    public boolean isRunning() {
        return started.get() && !stopping && stopped.getCount() > 0;
    }

    /**
     * The error that stopped the poll thread, if any.
     *
     * @return the fatal error, or empty
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    // ---------------------------------------------------------------- poll thread

    private void pollLoop() {
        try {
            consumer.subscribe(List.of(options.commandTopic()), new Rebalance());
            LOG.log(Level.INFO, () -> "Worker " + options.groupId() + " consuming " + options.commandTopic());
            while (!stopping) {
                runLoopTasks();
                commitIfDue();
                updatePause();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    accept(record);
                }
            }
        } catch (Throwable t) {
            failure = t;
            LOG.log(Level.ERROR, () -> "Worker " + options.groupId() + " stopped by a fatal error", t);
        } finally {
            try {
                shutdown();
            } finally {
                stopped.countDown();
            }
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        OffsetTracker.Ticket ticket =
                tracker.track(new TopicPartition(record.topic(), record.partition()), record.offset());
        Command command;
        try {
            command = parser.parse(record.value(), record.headers());
        } catch (MalformedCommandException e) {
            LOG.log(Level.WARNING, () -> "Skipping malformed command record " + ticket + ": " + e.getMessage());
            tracker.complete(ticket);
            return;
        }
        outstanding.incrementAndGet();
        dispatcher.submit(new Job(command, ticket, HopStamps.fetched(record.headers())));
    }

    private void runLoopTasks() {
        Runnable task;
        while ((task = loopTasks.poll()) != null) {
            runSafely(task);
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Unexpected failure in the worker's poll thread", e);
        }
    }

    private void commitIfDue() {
        long now = System.nanoTime();
        if (now - lastCommitNanos < COMMIT_INTERVAL_NANOS) {
            return;
        }
        lastCommitNanos = now;
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.commitable();
        if (offsets.isEmpty()) {
            return;
        }
        tracker.markCommitted(offsets);
        try {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    LOG.log(Level.WARNING, () -> "Offset commit failed, will retry: " + error);
                    tracker.commitFailed(offsets);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, () -> "Offset commit failed, will retry: " + e);
            tracker.commitFailed(offsets);
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, CLIENT_CLOSE_TIMEOUT);
            tracker.markCommitted(offsets);
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    () -> "Offset commit failed: " + e + "; the commands after the last committed "
                            + "offset will be delivered again");
        }
    }

    private void updatePause() {
        boolean full =
                dispatcher.queuedCount() >= options.maxPollRecords() || tracker.uncommittedCount() >= maxUncommitted;
        if (full) {
            Set<TopicPartition> assignment = consumer.assignment();
            if (!assignment.isEmpty()) {
                consumer.pause(assignment);
            }
            paused = true;
        } else if (paused) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    private void shutdown() {
        stopping = true;
        List<Job> dropped = dispatcher.shutdown();
        outstanding.addAndGet(-dropped.size());
        long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
        try {
            while (outstanding.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Runnable task = loopTasks.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
                if (task != null) {
                    runSafely(task);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runLoopTasks();
        int unfinished = outstanding.get();
        if (unfinished > 0) {
            LOG.log(
                    Level.WARNING,
                    () -> unfinished + " command(s) did not finish within the shutdown timeout of "
                            + options.shutdownTimeout() + "; they are not committed and will be delivered again");
        }
        handlerPool.shutdownNow();
        resendExecutor.shutdownNow();
        sender.shutdownNow();
        commitSync(tracker.commitable());
        closeClients();
        LOG.log(Level.INFO, () -> "Worker " + options.groupId() + " stopped");
    }

    private void closeClients() {
        if (!clientsClosed.compareAndSet(false, true)) {
            return;
        }
        try {
            producer.close(CLIENT_CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Closing the producer failed", e);
        }
        try {
            consumer.close(CloseOptions.timeout(CLIENT_CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Closing the consumer failed", e);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions, false);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.log(Level.DEBUG, () -> "Assigned " + partitions);
        }

        private void release(Collection<TopicPartition> partitions, boolean commit) {
            if (partitions.isEmpty()) {
                return;
            }
            try {
                runLoopTasks();
                if (commit) {
                    commitSync(tracker.commitable(partitions));
                }
                Set<TopicPartition> gone = Set.copyOf(partitions);
                List<Job> dropped = dispatcher.removeQueuedIf(
                        job -> gone.contains(job.ticket().partition()));
                outstanding.addAndGet(-dropped.size());
                tracker.remove(partitions);
                LOG.log(
                        Level.DEBUG,
                        () -> (commit ? "Revoked " : "Lost ") + partitions + ", dropped " + dropped.size()
                                + " queued command(s)");
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Unexpected failure while releasing partitions " + partitions, e);
            }
        }
    }

    // ---------------------------------------------------------------- handler threads

    private void handle(Job job) {
        Command command = job.command();
        String hops = job.hops() == null ? null : HopStamps.started(job.hops());
        Answer answer = answered.lookup(command.commandId()).orElse(null);
        if (answer != null) {
            LOG.log(Level.DEBUG, () -> "Redelivered " + job + ", answering it again without running the handler");
        } else {
            Optional<Outcome> outcome = handlers.answer(command);
            if (outcome.isEmpty()) {
                LOG.log(Level.INFO, () -> "Abandoned " + job + " on shutdown; it will be delivered again");
                loopTasks.add(this::finished);
                return;
            }
            answer = Answer.of(outcome.get(), mapper, clock.instant());
            answered.remember(command.commandId(), answer);
        }
        List<ProducerRecord<byte[], byte[]>> records = outcomeRecords.records(command, answer);
        if (hops != null) {
            HopStamps.done(hops, records);
        }
        publish(job, answer, records);
        sendAtOnceIfAlone();
    }

    /**
     * Sends the outcome now, without waiting for the producer's {@code linger.ms}, when its command is the only one in
     * the worker: nothing else could share its batch, and the orchestrator is waiting for it. Why not
     * {@code linger.ms=0}: under load the linger batches the outcomes of many commands into one request, which costs
     * the broker less; with this, a worker pays no linger at low load (about 1 ms per step in the per-hop benchmark)
     * and the same batching under load. The flush runs on a thread of its own, so that a handler thread never waits
     * for the broker.
     */
    private void sendAtOnceIfAlone() {
        if (outstanding.get() != 1 || !flushQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            sender.execute(() -> {
                flushQueued.set(false); // an outcome sent during this flush queues another
                try {
                    producer.flush();
                } catch (RuntimeException e) {
                    // closing: what is still buffered is sent by close, or the command is delivered again
                    LOG.log(Level.DEBUG, () -> "Flushing the outcomes failed: " + e);
                }
            });
        } catch (RejectedExecutionException e) {
            flushQueued.set(false); // shutting down
        }
    }

    private void publish(Job job, Answer answer, List<ProducerRecord<byte[], byte[]>> records) {
        AtomicInteger remaining = new AtomicInteger(records.size());
        List<ProducerRecord<byte[], byte[]>> failed = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Exception> firstError = new AtomicReference<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            AtomicBoolean once = new AtomicBoolean();
            Callback callback = (metadata, error) -> {
                if (!once.compareAndSet(false, true)) {
                    return;
                }
                if (error != null) {
                    failed.add(record);
                    firstError.compareAndSet(null, error);
                }
                if (remaining.decrementAndGet() == 0) {
                    List<ProducerRecord<byte[], byte[]>> failedCopy = List.copyOf(failed);
                    loopTasks.add(() -> onPublished(job, answer, failedCopy, firstError.get()));
                }
            };
            try {
                producer.send(record, callback);
            } catch (RuntimeException e) {
                callback.onCompletion(null, e);
            }
        }
    }

    // Runs on the poll thread.
    private void onPublished(Job job, Answer answer, List<ProducerRecord<byte[], byte[]>> failed, Exception error) {
        if (failed.isEmpty()) {
            tracker.complete(job.ticket());
            finished();
            return;
        }
        if (!tracker.isCurrent(job.ticket())) {
            LOG.log(
                    Level.WARNING,
                    () -> "Could not publish the outcome of " + job + " (" + error
                            + "); its partition was revoked, so the new owner answers it");
            finished();
            return;
        }
        Set<String> topics = failed.stream().map(ProducerRecord::topic).collect(Collectors.toSet());
        try {
            if (error instanceof RecordTooLargeException && answer.outcome().status() == Outcome.Status.SUCCEEDED) {
                Outcome o = answer.outcome();
                Answer smaller = Answer.of(
                        Outcome.failed(
                                job.command(),
                                "OutcomeTooLarge",
                                "the output is too large to publish: " + error.getMessage(),
                                o.attempts()),
                        mapper,
                        clock.instant());
                answered.remember(job.command().commandId(), smaller);
                List<ProducerRecord<byte[], byte[]>> records = outcomeRecords.records(job.command(), smaller).stream()
                        .filter(r -> topics.contains(r.topic()))
                        .toList();
                LOG.log(Level.WARNING, () -> "The output of " + job + " is too large to publish; reporting it FAILED");
                resendExecutor.execute(() -> publish(job, smaller, records));
                return;
            }
            LOG.log(
                    Level.ERROR,
                    () -> "Could not publish the outcome of " + job + " to " + topics + "; retrying in " + RESEND_DELAY
                            + " (the command is committed only once its outcome is published)",
                    error);
            resendExecutor.schedule(() -> publish(job, answer, failed), RESEND_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            finished(); // shutting down: the command stays uncommitted and is delivered again
        }
    }

    private void finished() {
        outstanding.decrementAndGet();
    }
}
