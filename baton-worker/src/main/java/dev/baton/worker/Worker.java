package dev.baton.worker;

import dev.baton.worker.internal.ClientFactory;
import dev.baton.worker.internal.CommandLoop;
import dev.baton.worker.internal.KafkaConfigs;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * A Baton worker: consumes the commands of one command topic, runs a {@link StepHandler} for
 * each, and publishes exactly one outcome per command to the command's {@code callbackTopic}, as
 * described in Baton's wire protocol ({@code docs/protocol.md}).
 *
 * <pre>{@code
 * try (Worker worker = Worker.create(options, ctx -> Map.of("paymentId", charge(ctx.input())))
 *         .onCompensate(ctx -> { refund(ctx.input().get("output")); return null; })) {
 *     worker.start();
 *     ...
 * } // close(): finishes the commands in flight, publishes their outcomes, commits
 * }</pre>
 *
 * <p><b>Guarantees.</b> Outcomes are published with an idempotent producer ({@code acks=all}) and
 * a command's offset is committed only once its outcome was acknowledged, so a crash causes a
 * redelivery, never a lost command. A redelivered command whose id the worker remembers (see
 * {@link WorkerOptions#redeliveryCacheSize()}) is answered again with the same outcome without
 * running the handler. Malformed command records are logged and skipped.
 *
 * <p><b>Lifecycle.</b> {@link #create} &rarr; optionally {@link #onCompensate} &rarr;
 * {@link #start()} once &rarr; {@link #close()} (idempotent). A worker cannot be restarted. The
 * Kafka clients are created by {@link #start()}, on a non-daemon poll thread that keeps the JVM
 * alive until {@link #close()}. Thread-safe.
 */
public final class Worker implements AutoCloseable {

    private enum State {
        NEW,
        RUNNING,
        CLOSED
    }

    private final WorkerOptions options;
    private final StepHandler execute;
    private final ClientFactory clients;
    private final Object lock = new Object();
    private StepHandler compensate;
    private State state = State.NEW;
    private CommandLoop loop;

    private Worker(WorkerOptions options, StepHandler execute, ClientFactory clients) {
        this.options = Objects.requireNonNull(options, "options");
        this.execute = Objects.requireNonNull(execute, "execute");
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    /**
     * Creates a worker; nothing connects to Kafka before {@link #start()}.
     *
     * @param options the settings
     * @param execute the handler of {@code execute} commands
     * @return a worker that is not started
     */
    public static Worker create(WorkerOptions options, StepHandler execute) {
        return new Worker(options, execute, ClientFactory.KAFKA);
    }

    /** Creates a worker with other Kafka clients (e.g. mocks); for tests. */
    static Worker create(WorkerOptions options, StepHandler execute, ClientFactory clients) {
        return new Worker(options, execute, clients);
    }

    /**
     * Registers the handler of {@code compensate} commands, which compensate a step's work. Its
     * {@link StepContext#input()} is {@code {"input": <the execute input>, "output": <the
     * execute output>}}. Without one, compensate commands are reported {@code FAILED} with error
     * type {@code "NoCompensationHandler"}, so that nothing passes silently. Default none.
     *
     * @param compensate the compensation handler
     * @return this worker
     * @throws IllegalStateException if the worker was started or closed, or a compensation
     *     handler is already registered
     */
    public Worker onCompensate(StepHandler compensate) {
        Objects.requireNonNull(compensate, "compensate");
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException("onCompensate is not allowed after the worker has started");
            }
            if (this.compensate != null) {
                throw new IllegalStateException("a compensation handler is already registered");
            }
            this.compensate = compensate;
        }
        return this;
    }

    /**
     * Creates the Kafka clients and starts consuming on a background poll thread; returns at
     * once. Partitions are assigned asynchronously; a new consumer group starts from the earliest
     * offset (unless {@code auto.offset.reset} is overridden in the Kafka properties).
     *
     * @throws IllegalStateException if the worker was already started or closed
     * @throws org.apache.kafka.common.KafkaException if a Kafka client cannot be created (e.g.
     *     invalid properties); the worker may then be started again or closed
     */
    public void start() {
        synchronized (lock) {
            if (state == State.RUNNING) {
                throw new IllegalStateException("the worker is already started");
            }
            if (state == State.CLOSED) {
                throw new IllegalStateException("the worker is closed and cannot be restarted");
            }
            Consumer<byte[], byte[]> consumer = clients.consumer(KafkaConfigs.consumer(options));
            Producer<byte[], byte[]> producer;
            try {
                producer = clients.producer(KafkaConfigs.producer(options));
            } catch (RuntimeException e) {
                consumer.close();
                throw e;
            }
            loop = new CommandLoop(options, execute, compensate, consumer, producer);
            loop.start();
            state = State.RUNNING;
        }
    }

    /**
     * Whether the worker is consuming: started, not closed, and not stopped by a fatal Kafka
     * error (which is logged).
     *
     * @return true while running
     */
    public boolean isRunning() {
        CommandLoop e;
        synchronized (lock) {
            e = loop;
        }
        return e != null && e.isRunning();
    }

    /**
     * The settings this worker was created with.
     *
     * @return the options
     */
    public WorkerOptions options() {
        return options;
    }

    /**
     * Stops the worker gracefully and waits for it: stops polling; lets the commands in flight
     * finish (retries included) and publishes their outcomes, for at most
     * {@link WorkerOptions#shutdownTimeout()} (default 30 s), after which the remaining ones are
     * interrupted; commits the offsets of all answered commands; closes the Kafka clients.
     * Commands received but not yet started are not run; being uncommitted, they are delivered
     * again (to this group's next consumer). Idempotent. Called from inside a handler, it starts
     * the shutdown without waiting for it.
     */
    @Override
    public void close() {
        CommandLoop e;
        synchronized (lock) {
            state = State.CLOSED;
            e = loop;
        }
        if (e != null) {
            e.close();
        }
    }

    /**
     * A short description.
     *
     * @return e.g. {@code Worker{commandTopic=stock.commands, groupId=stock.commands-worker, running=true}}
     */
    @Override
    public String toString() {
        return "Worker{commandTopic=" + options.commandTopic() + ", groupId=" + options.groupId() + ", running="
                + isRunning() + '}';
    }
}
