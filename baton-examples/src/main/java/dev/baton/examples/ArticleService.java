package dev.baton.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.worker.StepContext;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the article's four services have in common: each is a Baton {@link Worker} on a command
 * topic of its own, with a handler that does trivial, fast, deterministic work (after an optional
 * artificial latency, {@link ArticleServices.Settings#withLatency}) and, for A, B and C, a
 * compensation handler that compensates it. Outputs are derived from the instance id, so that a
 * redelivered command gets the same answer.
 *
 * <p>Created and started by {@link ArticleServices#start(ArticleServices.Settings)}; the
 * accessors here are for demos and tests. Thread-safe.
 */
public abstract class ArticleService implements AutoCloseable {

    /** This service's logger, named after its class. */
    final System.Logger log = System.getLogger(getClass().getName());

    private final String letter;
    private final String topic;
    private final ArticleServices.Settings settings;
    private final AtomicLong executed = new AtomicLong();
    private final AtomicLong compensated = new AtomicLong();
    private final Object lock = new Object();
    private Worker worker;
    private boolean closed;

    ArticleService(String letter, String topic, ArticleServices.Settings settings) {
        this.letter = Objects.requireNonNull(letter, "letter");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * The article's name for this service.
     *
     * @return {@code "A"}, {@code "B"}, {@code "C"} or {@code "D"}, which is also its step id in
     *     {@code article.yaml}
     */
    public final String letter() {
        return letter;
    }

    /**
     * The command topic this service consumes.
     *
     * @return e.g. {@code "service-a.commands"}
     */
    public final String topic() {
        return topic;
    }

    /**
     * How many execute commands this service has done successfully (redeliveries answered from
     * the worker's cache are not counted).
     *
     * @return a count, 0 or more
     */
    public final long executed() {
        return executed.get();
    }

    /**
     * How many compensate commands this service has done successfully.
     *
     * @return a count, 0 or more
     */
    public final long compensated() {
        return compensated.get();
    }

    /**
     * Whether the service has a compensation handler (A, B and C do, D does not).
     *
     * @return true if compensate commands can succeed
     */
    public abstract boolean compensable();

    /**
     * Whether this service's worker is consuming now. For service C this is false outside its
     * batch windows.
     *
     * @return true while a worker runs
     */
    public boolean isRunning() {
        synchronized (lock) {
            return worker != null && worker.isRunning();
        }
    }

    /**
     * The settings the service was created with.
     *
     * @return the settings
     */
    final ArticleServices.Settings settings() {
        return settings;
    }

    /** Does one try of an execute command; returns the step's output or throws to fail the try. */
    abstract Object execute(StepContext ctx) throws Exception;

    /** Compensates what {@link #execute} did; only called if {@link #compensable()}. */
    Object compensate(StepContext ctx) throws Exception {
        throw new UnsupportedOperationException("service " + letter + " cannot be compensated");
    }

    /** Starts consuming: a worker of its own. Service C overrides this with its batch windows. */
    void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("service " + letter + " is closed");
            }
            if (worker != null) {
                throw new IllegalStateException("service " + letter + " is already started");
            }
            Worker w = newWorker();
            w.start();
            worker = w;
        }
        log.log(Level.INFO, "service {0} started on {1}", letter, topic);
    }

    /**
     * Stops the service gracefully: its worker finishes the commands in flight, publishes their
     * outcomes and commits. Idempotent.
     */
    @Override
    public void close() {
        Worker w;
        synchronized (lock) {
            closed = true;
            w = worker;
            worker = null;
        }
        if (w != null) {
            w.close();
            log.log(Level.INFO, "service {0} stopped", letter);
        }
    }

    /** A new, unstarted worker on this service's topic with its handlers and the settings. */
    final Worker newWorker() {
        WorkerOptions options = WorkerOptions.newBuilder()
                .bootstrapServers(settings.bootstrapServers())
                .commandTopic(topic)
                .concurrency(settings.concurrency())
                .retryPolicy(settings.retryPolicy())
                .build();
        Worker w = Worker.create(options, this::runExecute);
        if (compensable()) {
            w.onCompensate(this::runCompensate);
        }
        return w;
    }

    /** The execute handler given to the worker: latency, the work, counting. */
    final Object runExecute(StepContext ctx) throws Exception {
        pause();
        Object output = execute(ctx);
        executed.incrementAndGet();
        return output;
    }

    /** The compensation handler given to the worker: latency, the compensation, counting. */
    final Object runCompensate(StepContext ctx) throws Exception {
        pause();
        Object output = compensate(ctx);
        compensated.incrementAndGet();
        return output;
    }

    private void pause() throws InterruptedException {
        long min = settings.minLatency().toNanos();
        long max = settings.maxLatency().toNanos();
        long nanos = max > min ? ThreadLocalRandom.current().nextLong(min, max + 1) : min;
        if (nanos > 0) {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    }

    /** A text field of the command's input, or {@code fallback} if absent. */
    static String text(JsonNode input, String field, String fallback) {
        JsonNode n = input.path(field);
        return n.isValueNode() && !n.isNull() ? n.asText() : fallback;
    }

    /**
     * A readable summary.
     *
     * @return e.g. {@code service A (StockService) on service-a.commands}
     */
    @Override
    public String toString() {
        return "service " + letter + " (" + getClass().getSimpleName() + ") on " + topic;
    }
}
