package dev.baton.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A terminal view of the article's process: reads Baton's status notifications from
 * {@value #STATUS_TOPIC} ({@code docs/protocol.md}, "Status notification") and turns them into
 * short lines for people, the article's "reports to interested parties, such as a monitoring
 * dashboard":
 *
 * <pre>
 * order-000123  started
 * order-000123  waiting on C (service-c offline)
 * order-000123  completed: SUCCEEDED
 * order-000124  FAILED at D (MailboxRejected: customer mailbox rejected the message) → compensating C, B, A
 * order-000124  completed: process completed, item FAILED, compensated [C, B, A]
 * service C offline (batch window closed)
 * service C online: catching up on 12 commands
 * summary: started 40, completed ok 25, failed+compensated 6, waiting on C 9
 * </pre>
 *
 * <p>It consumes with a consumer group of its own (a random id), {@code read_committed}, from the
 * latest offset: it shows what happens from its start on. A summary line is printed every
 * {@value #SUMMARY_SECONDS} s. Service C's window changes come in through
 * {@link #serviceCWindowChanged(boolean)} (a {@link BatchWindowListener}).
 *
 * <p>{@link #accept(String)} does the formatting without Kafka, e.g. for tests or another source
 * of notifications. Lines go to the sink given to the constructor, one call per line, from the
 * feed's daemon threads. Thread-safe.
 */
public final class StatusFeed implements AutoCloseable {

    /** Where Baton publishes status notifications. */
    public static final String STATUS_TOPIC = "baton.status";
    /** The period of the summary line, in seconds. */
    public static final int SUMMARY_SECONDS = 5;

    /** The article's step that runs in batch windows. */
    private static final String BATCH_STEP = "C";
    /** The article's steps that have a compensation. */
    private static final Set<String> COMPENSABLE = Set.of("A", "B", "C");

    private static final Duration ASSIGNMENT_WAIT = Duration.ofSeconds(15);

    private static final System.Logger log = System.getLogger(StatusFeed.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final String workflow;
    private final Consumer<String> sink;

    // guarded by this
    private final Map<String, View> instances = new HashMap<>();
    private boolean serviceCOnline = true;
    private long started;
    private long completedOk;
    private long failed;
    private long cancelled;
    private long incidents;

    private final Object lifecycle = new Object();
    private volatile boolean closed;
    private KafkaConsumer<String, String> consumer;
    private Thread pollThread;
    private ScheduledExecutorService summaries;

    /** What the feed remembers of one instance until it completes. */
    private static final class View {
        final List<String> succeeded = new ArrayList<>();
        final List<String> compensated = new ArrayList<>();
        boolean waitingOnC;
        boolean compensatingC;
        boolean failing;
    }

    /**
     * A feed of the {@code article} workflow's notifications, printed to {@code System.out}.
     *
     * @param bootstrapServers e.g. {@code "localhost:9092"}
     */
    public StatusFeed(String bootstrapServers) {
        this(bootstrapServers, System.out::println);
    }

    /**
     * A feed of the {@code article} workflow's notifications.
     *
     * @param bootstrapServers e.g. {@code "localhost:9092"}
     * @param sink where lines go, e.g. {@code System.out::println}
     */
    public StatusFeed(String bootstrapServers, Consumer<String> sink) {
        this(bootstrapServers, ArticleServices.WORKFLOW, sink);
    }

    /**
     * A feed of one workflow's notifications, or of all.
     *
     * @param bootstrapServers e.g. {@code "localhost:9092"}; only used by {@link #start()}
     * @param workflow the workflow to show, or {@code null} for every workflow
     * @param sink where lines go, e.g. {@code System.out::println}
     */
    public StatusFeed(String bootstrapServers, String workflow, Consumer<String> sink) {
        this.bootstrapServers = bootstrapServers;
        this.workflow = workflow;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Starts consuming {@value #STATUS_TOPIC} on a daemon thread and printing a summary every
     * {@value #SUMMARY_SECONDS} s. Waits (at most 15 s) until the consumer has its partitions and
     * knows their latest offsets, so that everything published after this returns is shown.
     *
     * @return this feed
     * @throws IllegalStateException if already started or closed
     */
    public StatusFeed start() {
        CountDownLatch assigned = new CountDownLatch(1);
        synchronized (lifecycle) {
            if (closed || consumer != null) {
                throw new IllegalStateException(closed ? "the feed is closed" : "the feed is already started");
            }
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            consumer = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            bootstrapServers,
                            ConsumerConfig.GROUP_ID_CONFIG,
                            "baton-status-feed-" + UUID.randomUUID(),
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                            "latest",
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed",
                            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                            false),
                    new StringDeserializer(),
                    new StringDeserializer());
            KafkaConsumer<String, String> c = consumer;
            pollThread = new Thread(() -> poll(c, assigned), "status-feed");
            pollThread.setDaemon(true);
            pollThread.start();
            summaries = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "status-feed-summary");
                t.setDaemon(true);
                return t;
            });
            summaries.scheduleAtFixedRate(
                    () -> emit(summaryLine()), SUMMARY_SECONDS, SUMMARY_SECONDS, TimeUnit.SECONDS);
        }
        try {
            if (!assigned.await(ASSIGNMENT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.log(
                        Level.WARNING,
                        "the status feed has no partitions of {0} after {1}; going on",
                        STATUS_TOPIC,
                        ASSIGNMENT_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    private void poll(KafkaConsumer<String, String> c, CountDownLatch assigned) {
        try {
            c.subscribe(List.of(STATUS_TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // resolve "latest" now, so that nothing published from here on is skipped
                    partitions.forEach(c::position);
                    if (!partitions.isEmpty()) {
                        assigned.countDown();
                    }
                }
            });
            while (!closed) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        accept(r.value());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                log.log(Level.ERROR, "the status feed stopped", e);
            }
        } finally {
            c.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Handles one status notification (the JSON value of a {@value #STATUS_TOPIC} record):
     * updates the counts and sends the line it makes, if any, to the sink. Notifications of other
     * workflows, of unknown types, and text that is not a JSON object are ignored.
     *
     * @param json the notification
     */
    public void accept(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (Exception e) {
            return;
        }
        String line = format(n);
        if (line != null) {
            emit(line);
        }
    }

    /** Updates the state with one notification and returns its line, or null for none. */
    private synchronized String format(JsonNode n) {
        if (n == null || !n.isObject()) {
            return null;
        }
        if (workflow != null
                && n.hasNonNull("workflow")
                && !workflow.equals(n.get("workflow").asText())) {
            return null;
        }
        String type = n.path("type").asText("");
        String id = n.path("instanceId").asText("?");
        String step = n.path("stepId").asText("?");
        String prefix = id + "  ";
        switch (type) {
            case "InstanceStarted": {
                started++;
                instances.put(id, new View());
                return prefix + "started";
            }
            case "StepStarted": {
                if (BATCH_STEP.equals(step)) {
                    View v = view(id);
                    v.waitingOnC = true;
                    if (!serviceCOnline) {
                        return prefix + "waiting on C (service-c offline)";
                    }
                }
                return null;
            }
            case "StepCompleted": {
                View v = view(id);
                v.succeeded.add(step);
                if (BATCH_STEP.equals(step)) {
                    v.waitingOnC = false;
                }
                return null;
            }
            case "StepFailed": {
                if (BATCH_STEP.equals(step)) {
                    view(id).waitingOnC = false;
                }
                return null; // InstanceFailing tells it, for the item
            }
            case "StepTimedOut": {
                if (BATCH_STEP.equals(step)) {
                    view(id).waitingOnC = false;
                }
                return prefix + "step " + step + " timed out";
            }
            case "StepSkipped":
                return null;
            case "InstanceFailing": {
                View v = view(id);
                v.failing = true;
                String outcome = n.path("outcome").asText("FAILED");
                JsonNode f = n.path("failure");
                List<String> toCompensate = new ArrayList<>();
                for (int i = v.succeeded.size() - 1; i >= 0; i--) {
                    if (COMPENSABLE.contains(v.succeeded.get(i))) {
                        toCompensate.add(v.succeeded.get(i));
                    }
                }
                String what = "CANCELLED".equals(outcome)
                        ? "CANCELLED"
                        : outcome
                                + (f.hasNonNull("stepId")
                                        ? " at " + f.get("stepId").asText()
                                        : "")
                                + (f.isObject() && f.size() > 0 ? " (" + error(f) + ")" : "");
                return prefix + what + " → "
                        + (toCompensate.isEmpty()
                                ? "nothing to compensate"
                                : "compensating " + String.join(", ", toCompensate));
            }
            case "CompensationStarted": {
                if (BATCH_STEP.equals(step)) {
                    view(id).compensatingC = true;
                }
                return null;
            }
            case "CompensationCompleted": {
                View v = view(id);
                v.compensated.add(step);
                if (BATCH_STEP.equals(step)) {
                    v.compensatingC = false;
                }
                return null;
            }
            case "CompensationFailed": {
                if (BATCH_STEP.equals(step)) {
                    view(id).compensatingC = false;
                }
                return prefix + "compensation of " + step + " FAILED (" + error(n.path("error")) + ")";
            }
            case "IncidentRaised": {
                incidents++;
                return prefix + "INCIDENT at " + step + ": " + n.path("reason").asText("");
            }
            case "InstanceCompleted": {
                View v = instances.remove(id);
                String outcome = n.path("outcome").asText("?");
                if ("SUCCEEDED".equals(outcome)) {
                    completedOk++;
                    return prefix + "completed: SUCCEEDED";
                }
                if ("CANCELLED".equals(outcome)) {
                    cancelled++;
                } else {
                    failed++;
                }
                List<String> compensated = v == null ? List.of() : v.compensated;
                return prefix + "completed: process completed, item " + outcome + ", compensated " + compensated;
            }
            case "OutcomeIgnored":
                return prefix + "outcome of " + step + " ignored ("
                        + n.path("reason").asText("?") + ")";
            case "RequestIgnored":
                return prefix + "request ignored: " + n.path("reason").asText("?");
            default:
                return null; // consumers must ignore types they do not know
        }
    }

    private View view(String id) {
        return instances.computeIfAbsent(id, k -> new View());
    }

    private static String error(JsonNode e) {
        if (e.isTextual()) {
            return e.asText();
        }
        String type = e.path("type").asText("");
        String message = e.path("message").asText("");
        return type.isEmpty() ? message : message.isEmpty() ? type : type + ": " + message;
    }

    /**
     * Prints service C's window change: {@code service C offline (batch window closed)} or
     * {@code service C online: catching up on N commands}, N being the commands for C this feed
     * has seen started and not yet answered. Also decides whether later starts of step C are
     * shown as {@code waiting on C}. Fits {@link BatchWindowListener}:
     * {@code settings.withServiceCListener(feed::serviceCWindowChanged)}.
     *
     * @param online true when C came online
     */
    public void serviceCWindowChanged(boolean online) {
        String line;
        synchronized (this) {
            serviceCOnline = online;
            long pending = pendingForC();
            line = online
                    ? "service C online: catching up on " + pending + (pending == 1 ? " command" : " commands")
                    : "service C offline (batch window closed)";
        }
        emit(line);
    }

    private long pendingForC() {
        long n = 0;
        for (View v : instances.values()) {
            n += (v.waitingOnC ? 1 : 0) + (v.compensatingC ? 1 : 0);
        }
        return n;
    }

    /**
     * The summary line printed every {@value #SUMMARY_SECONDS} s.
     *
     * @return e.g. {@code summary: started 40, completed ok 25, failed+compensated 6, waiting on C 9};
     *     cancelled items and incidents are added when there are any
     */
    public synchronized String summaryLine() {
        StringBuilder s = new StringBuilder("summary: started ")
                .append(started)
                .append(", completed ok ")
                .append(completedOk)
                .append(", failed+compensated ")
                .append(failed)
                .append(", waiting on C ")
                .append(waitingOnC());
        if (cancelled > 0) {
            s.append(", cancelled ").append(cancelled);
        }
        if (incidents > 0) {
            s.append(", incidents ").append(incidents);
        }
        return s.toString();
    }

    /**
     * How many instances this feed has seen start.
     *
     * @return a count
     */
    public synchronized long started() {
        return started;
    }

    /**
     * How many instances completed with their item {@code SUCCEEDED}.
     *
     * @return a count
     */
    public synchronized long completedOk() {
        return completedOk;
    }

    /**
     * How many instances completed with their item {@code FAILED} (and what was done compensated).
     *
     * @return a count
     */
    public synchronized long failedCompensated() {
        return failed;
    }

    /**
     * How many running instances wait for service C: step C started and not yet answered.
     *
     * @return a count
     */
    public synchronized long waitingOnC() {
        return instances.values().stream().filter(v -> v.waitingOnC).count();
    }

    private void emit(String line) {
        try {
            sink.accept(line);
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "the status feed's sink failed", e);
        }
    }

    /** Stops consuming and printing summaries. Idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (summaries != null) {
                summaries.shutdownNow();
            }
            if (consumer != null) {
                consumer.wakeup();
            }
            t = pollThread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
