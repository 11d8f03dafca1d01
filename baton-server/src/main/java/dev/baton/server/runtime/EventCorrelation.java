package dev.baton.server.runtime;

import dev.baton.definition.EventWait;
import dev.baton.definition.StepDefinition;
import dev.baton.definition.WorkflowDefinition;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event steps' correlation: a Kafka Streams application of its own (application id {@code <orchestrator's>-events}),
 * so that the orchestrator's topology stays as it was and a rolling upgrade is unaffected.
 *
 * <pre>
 *  event-correlation ─► correlate-events (EventCorrelator + subscriptions, kept-events, expiry stores) ─► requests
 *  event topics of deployed definitions ─► key-events-by-correlation (EventKeying) ─► event-correlation
 * </pre>
 *
 * The orchestrator writes subscriptions to the event-correlation topic in the transaction of the decision that starts
 * or stops an event step; events are re-keyed onto the same topic, so both meet on one partition, in order. The set of
 * event topics comes from the deployed definitions; when a deploy changes it, the application is rebuilt with the new
 * sources (the correlating sub-topology comes first, so its task ids and stores stay the same). It runs only while
 * some deployed definition has an event step.
 */
public final class EventCorrelation implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventCorrelation.class);

    public static final String APPLICATION_SUFFIX = "-events";
    public static final String SUBSCRIPTIONS_STORE = "baton-event-subscriptions";
    public static final String KEPT_EVENTS_STORE = "baton-events-kept";
    public static final String EXPIRY_STORE = "baton-events-expiry";
    static final String CORRELATION_SOURCE = "event-correlation";
    static final String CORRELATOR = "correlate-events";
    static final String DELIVERIES_SINK = "to-requests";
    static final String EVENTS_SOURCE = "events";
    static final String KEYING = "key-events-by-correlation";

    private final OrchestratorSettings settings;
    private final DefinitionRegistry registry;
    private final OrchestratorMetrics metrics;
    private final Supplier<Properties> properties;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "baton-event-correlation");
        t.setDaemon(true);
        return t;
    });
    private volatile Map<String, Map<String, Duration>> fields = Map.of();
    private KafkaStreams streams;
    private Set<String> running = Set.of();
    /** The topic set seen at the last check: a rebuild waits until two checks agree, so a burst of deploys costs one. */
    private Set<String> seen = Set.of();

    EventCorrelation(
            OrchestratorSettings settings,
            DefinitionRegistry registry,
            OrchestratorMetrics metrics,
            Supplier<Properties> properties) {
        this.settings = settings;
        this.registry = registry;
        this.metrics = metrics;
        this.properties = properties;
    }

    /** Starts watching the deployed definitions; the application runs once one of them has an event step. */
    void start(Duration checkEvery) {
        watcher.scheduleWithFixedDelay(this::follow, 0, checkEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The topology for these event topics (the correlating sub-topology first, so rebuilds keep its task ids). */
    public static Topology topology(
            OrchestratorSettings settings,
            Set<String> eventTopics,
            Supplier<Map<String, Map<String, Duration>>> fields,
            OrchestratorMetrics metrics) {
        BatonTopics topics = settings.topics();
        var bytes = Serdes.ByteArray();
        var strings = Serdes.String();
        Topology t = new Topology();
        t.addSource(CORRELATION_SOURCE, strings.deserializer(), bytes.deserializer(), topics.eventCorrelation());
        t.addProcessor(CORRELATOR, () -> new EventCorrelator(metrics, settings.timerResolution()), CORRELATION_SOURCE);
        for (String store : new String[] {SUBSCRIPTIONS_STORE, KEPT_EVENTS_STORE, EXPIRY_STORE}) {
            t.addStateStore(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), strings, bytes)
                            .withCachingDisabled(),
                    CORRELATOR);
        }
        t.addSink(DELIVERIES_SINK, topics.requests(), strings.serializer(), bytes.serializer(), CORRELATOR);
        t.addSource(
                EVENTS_SOURCE,
                bytes.deserializer(),
                bytes.deserializer(),
                eventTopics.stream().sorted().toArray(String[]::new));
        t.addProcessor(KEYING, () -> new EventKeying(fields), EVENTS_SOURCE);
        t.addSink(
                EventKeying.TO_CORRELATION,
                topics.eventCorrelation(),
                strings.serializer(),
                bytes.serializer(),
                KEYING);
        t.addSink(EventKeying.TO_DEAD_LETTERS, topics.deadLetters(), strings.serializer(), bytes.serializer(), KEYING);
        return t;
    }

    /**
     * For each event topic of every deployed version (an instance may run on any of them), its correlation fields and
     * how long an event correlated on each is kept: the longest {@code bufferFor} of the steps that read it, or the
     * orchestrator's default.
     */
    static Map<String, Map<String, Duration>> fieldsOf(DefinitionRegistry registry, Duration defaultTtl) {
        var out = new TreeMap<String, Map<String, Duration>>();
        for (WorkflowDefinition latest : registry.latestOfEach()) {
            for (WorkflowDefinition d : registry.versions(latest.name())) {
                for (StepDefinition s : d.steps()) {
                    if (s.event().isEmpty()) {
                        continue;
                    }
                    EventWait e = s.event().get();
                    Duration ttl = e.bufferFor() == null ? defaultTtl : e.bufferFor();
                    out.computeIfAbsent(e.topic(), x -> new TreeMap<>())
                            .merge(e.correlationField(), ttl, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                }
            }
        }
        return out;
    }

    private synchronized void follow() {
        try {
            fields = fieldsOf(registry, settings.eventBufferTtl());
            Set<String> topics = Set.copyOf(fields.keySet());
            boolean settled = topics.equals(seen);
            seen = topics;
            if (topics.equals(running) || !settled) {
                return;
            }
            stopStreams();
            running = topics;
            if (topics.isEmpty()) {
                return;
            }
            log.info("Event correlation starts on {}", new TreeMap<>(fields));
            streams = new KafkaStreams(topology(settings, topics, () -> fields, metrics), correlationProperties());
            streams.setUncaughtExceptionHandler(e -> {
                log.error("An event correlation thread died; replacing it", e);
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                        .REPLACE_THREAD;
            });
            streams.start();
        } catch (RuntimeException e) {
            // e.g. the state directory still locked by the application just closed: the next check tries again
            log.warn("Could not (re)start the event correlation; trying again: {}", e.toString());
            running = Set.of();
            seen = Set.of();
        }
    }

    private Properties correlationProperties() {
        Properties p = properties.get();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId() + APPLICATION_SUFFIX);
        p.remove(StreamsConfig.APPLICATION_SERVER_CONFIG);
        p.remove(StreamsConfig.mainConsumerPrefix(
                org.apache.kafka.clients.consumer.ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // why longer than the orchestrator's: each event crosses two sub-topologies, and under exactly-once a commit
        // per few records is what limits how many events a second it can keep; a delivery may wait this long.
        p.put(
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                Math.max(100, settings.commitInterval().toMillis()));
        p.put(StreamsConfig.POLL_MS_CONFIG, Math.max(10, settings.pollInterval().toMillis()));
        // Events that arrived on a topic before its first event step was deployed are read too.
        p.put(
                StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG),
                "earliest");
        return p;
    }

    /** Whether the application runs now (some deployed definition has an event step). */
    public synchronized boolean isRunning() {
        return streams != null && streams.state().isRunningOrRebalancing();
    }

    /** The event topics it reads now. */
    public synchronized Set<String> topics() {
        return running;
    }

    private void stopStreams() {
        if (streams != null) {
            // why leave the group: the rebuilt application joins under a new member id at once, and would otherwise
            // wait for this member's session to time out before it gets its partitions.
            streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                            org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            streams = null;
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        try {
            watcher.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            stopStreams();
            running = Set.of();
        }
    }
}
