package dev.baton.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.worker.StepContext;
import dev.baton.worker.Worker;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Service C of the article: <b>arranges shipping</b>. Runs after A, in parallel with B;
 * compensated by cancelling the shipment.
 *
 * <p><b>Batch windows.</b> Like the article's C, which "only runs at certain times of the day,
 * like a batch process", this service follows a {@link BatchWindow}: offline for
 * {@link ArticleServices.Settings#offlineFor()} (no worker runs, so commands pile up on
 * {@code service-c.commands} and the orchestrator waits), then online for
 * {@link ArticleServices.Settings#onlineFor()}, repeating, starting offline. A daemon scheduler
 * thread creates and starts a fresh {@link Worker} when a window opens and closes it gracefully
 * when the window closes; the workers share one consumer group, so each window resumes where the
 * previous one stopped. Each switch is announced to
 * {@link ArticleServices.Settings#serviceCListener()}. With an {@code offlineFor} of zero the
 * service is simply always online.
 *
 * <p>Output {@code {"shipmentId": "s-<instanceId>"}}; compensation output
 * {@code {"cancelledShipment": <shipmentId>}}.
 */
public final class ShippingService extends ArticleService {

    private final BatchWindow window;
    private final BatchWindowListener listener;
    private final LongSupplier nanoClock;
    private final Supplier<AutoCloseable> workerStarter;
    private final AtomicLong windowsOpened = new AtomicLong();

    // guarded by this
    private ScheduledExecutorService scheduler;
    private long startedAt;
    private boolean started;
    private boolean closed;
    private Boolean online; // null: not decided yet
    private AutoCloseable current;

    ShippingService(ArticleServices.Settings settings) {
        this(settings, System::nanoTime, null);
    }

    /**
     * For tests: a clock and what "start a worker" means.
     *
     * @param nanoClock a monotonic clock in nanoseconds
     * @param workerStarter creates and starts a worker (or a stand-in); {@code null} for the
     *     real one
     */
    ShippingService(ArticleServices.Settings settings, LongSupplier nanoClock, Supplier<AutoCloseable> workerStarter) {
        super("C", ArticleServices.TOPIC_C, settings);
        this.window = settings.batchWindow();
        this.listener = settings.serviceCListener();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.workerStarter = workerStarter != null ? workerStarter : this::startWorker;
    }

    /**
     * The schedule this service follows.
     *
     * @return the batch window
     */
    public BatchWindow window() {
        return window;
    }

    /**
     * Whether the batch window is open now (a worker was started for it).
     *
     * @return true while online
     */
    public synchronized boolean isOnline() {
        return Boolean.TRUE.equals(online);
    }

    /**
     * How many windows have opened so far (1 for an always-online service once started).
     *
     * @return a count, 0 or more
     */
    public long windowsOpened() {
        return windowsOpened.get();
    }

    @Override
    public synchronized boolean isRunning() {
        return current instanceof Worker w ? w.isRunning() : current != null;
    }

    @Override
    public boolean compensable() {
        return true;
    }

    @Override
    Object execute(StepContext ctx) {
        String shipmentId = "s-" + ctx.instanceId();
        log.log(Level.DEBUG, "C: arranged shipping for {0} ({1})", ctx.instanceId(), shipmentId);
        return Map.of("shipmentId", shipmentId);
    }

    @Override
    Object compensate(StepContext ctx) {
        JsonNode output = ctx.input().path("output");
        String shipmentId = text(output, "shipmentId", "s-" + ctx.instanceId());
        log.log(Level.DEBUG, "C: cancelled shipment {0} of {1}", shipmentId, ctx.instanceId());
        return Map.of("cancelledShipment", shipmentId);
    }

    @Override
    void start() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("service C is closed");
            }
            if (started) {
                throw new IllegalStateException("service C is already started");
            }
            started = true;
            startedAt = nanoClock.getAsLong();
            if (window.isAlwaysOnline()) {
                current = workerStarter.get();
                online = true;
                windowsOpened.incrementAndGet();
                log.log(Level.INFO, "service C started on {0}, always online", topic());
                return;
            }
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "service-c-batch-window");
                t.setDaemon(true);
                return t;
            });
            log.log(Level.INFO, "service C started on {0}, {1}", topic(), window);
        }
        // the first switch (to offline) is decided and announced before start returns
        reconcile().ifPresent(this::scheduleTick);
    }

    private void tick() {
        reconcile().ifPresent(this::scheduleTick);
    }

    private synchronized void scheduleTick(Duration delay) {
        if (closed || scheduler == null) {
            return;
        }
        // at least 1 ms, so that a clock that has not moved on cannot make the scheduler spin
        long nanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), delay.toNanos());
        try {
            scheduler.schedule(this::tick, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /**
     * Brings the worker in line with the schedule at the clock's current time: starts a fresh
     * worker when a window has opened, closes the running one when it has closed, and tells the
     * listener. Package-private so tests can drive it with a fake clock.
     *
     * @return the time until the next switch, or empty if none will come (closed or always online)
     */
    synchronized Optional<Duration> reconcile() {
        if (closed || !started) {
            return Optional.empty();
        }
        boolean wanted = window.isOnline(elapsed());
        if (online == null || wanted != online) {
            if (wanted) {
                try {
                    current = workerStarter.get();
                } catch (RuntimeException e) {
                    log.log(
                            Level.WARNING,
                            "C: could not start the worker for the batch window; trying again at the next switch",
                            e);
                    online = false;
                    return window.untilNextSwitch(elapsed());
                }
                online = true;
                windowsOpened.incrementAndGet();
                log.log(Level.DEBUG, "C: service C online (batch window open)");
            } else {
                closeCurrent();
                online = false;
                log.log(Level.DEBUG, "C: service C offline (batch window closed)");
            }
            try {
                listener.windowChanged(wanted);
            } catch (RuntimeException e) {
                log.log(Level.WARNING, "C: the batch window listener failed", e);
            }
        }
        return window.untilNextSwitch(elapsed());
    }

    private Duration elapsed() {
        return Duration.ofNanos(Math.max(0L, nanoClock.getAsLong() - startedAt));
    }

    private void closeCurrent() {
        AutoCloseable c = current;
        current = null;
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                log.log(Level.WARNING, "C: closing the worker failed", e);
            }
        }
    }

    private AutoCloseable startWorker() {
        Worker w = newWorker();
        w.start();
        return w;
    }

    /**
     * Stops the scheduler and, if a window is open, closes its worker gracefully. Idempotent.
     */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = scheduler;
            scheduler = null;
            closeCurrent();
        }
        if (s != null) {
            s.shutdownNow();
        }
        super.close();
        log.log(Level.INFO, "service C stopped");
    }
}
