package dev.baton.server.runtime;

import dev.baton.definition.WorkflowDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The triggers of the deployed definitions: one Kafka Streams application per trigger topic (application id
 * {@code <application id>.trigger.<topic>}, exactly-once like the orchestrator), apart from the orchestrator's own
 * topology so that adding a trigger never changes it. Each process runs every trigger application, so they share
 * the topic's partitions as the orchestrator shares its own. Only the newest version of a workflow triggers.
 *
 * <p>An application starts when a deployed definition first names its topic and stops when none does. It reads the
 * topic from where it was when the trigger was deployed: before its first start the group's offsets are set to the
 * topic's end, so records written before the deploy start nothing and none written after it is missed.
 */
final class Triggers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Triggers.class);

    private final OrchestratorSettings settings;
    private final DefinitionRegistry definitions;
    private final OrchestratorMetrics metrics;
    private final Map<String, KafkaStreams> running = new LinkedHashMap<>();
    private final Map<String, KafkaStreams.State> states = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Map<String, List<WorkflowDefinition>> byTopic = Map.of();
    private final ExecutorService reconciler = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "baton-triggers");
        t.setDaemon(true);
        return t;
    });
    private boolean closed;

    Triggers(OrchestratorSettings settings, DefinitionRegistry definitions, OrchestratorMetrics metrics) {
        this.settings = settings;
        this.definitions = definitions;
        this.metrics = metrics;
    }

    /** The application id of the trigger application for {@code topic}. */
    static String applicationId(OrchestratorSettings settings, String topic) {
        return settings.applicationId() + ".trigger." + topic;
    }

    /** The workflows whose newest version triggers on {@code topic}. */
    List<WorkflowDefinition> definitionsFor(String topic) {
        return byTopic.getOrDefault(topic, List.of());
    }

    /** The state of this process's application for {@code topic}; empty when none runs. */
    Optional<KafkaStreams.State> state(String topic) {
        return Optional.ofNullable(states.get(topic));
    }

    /** Reconciles soon, off the caller's thread (the definitions' global stream thread must not wait for it). */
    void reconcileLater() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        reconciler.execute(this::reconcile);
    }

    /**
     * Starts an application for every trigger topic that has none and stops those no definition names any more.
     * Returns once the new applications are started (not yet running).
     */
    synchronized void reconcile() {
        if (closed) {
            return;
        }
        var next = new LinkedHashMap<String, List<WorkflowDefinition>>();
        for (WorkflowDefinition d : definitions.latestOfEach()) {
            d.trigger()
                    .ifPresent(t -> next.computeIfAbsent(t.topic(), k -> new ArrayList<>())
                            .add(d));
        }
        next.replaceAll((k, v) -> List.copyOf(v));
        byTopic = Map.copyOf(next);
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!next.containsKey(e.getKey())) {
                log.info("No deployed definition triggers on {} any more; stopping its trigger", e.getKey());
                e.getValue().close(Duration.ofSeconds(30));
                states.remove(e.getKey());
                it.remove();
            }
        }
        for (String topic : next.keySet()) {
            if (!running.containsKey(topic)) {
                running.put(topic, start(topic));
            }
        }
    }

    private KafkaStreams start(String topic) {
        boolean pinned = pinToEnd(topic);
        var streams = new KafkaStreams(topology(topic), properties(topic, pinned));
        streams.setStateListener((now, before) -> {
            states.put(topic, now);
            log.info("Trigger {} {} -> {}", topic, before, now);
        });
        streams.setUncaughtExceptionHandler(e -> {
            log.error("A trigger stream thread for {} died; replacing it", topic, e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .REPLACE_THREAD;
        });
        streams.start();
        return streams;
    }

    Topology topology(String topic) {
        var builder = new StreamsBuilder();
        var bytes = Serdes.ByteArray();
        Serializer<Routed> routed = (t, value) -> value.value();
        builder.stream(topic, Consumed.with(bytes, bytes).withName("trigger-source"))
                .process(() -> new TriggerProcessor(topic, this::definitionsFor, settings, metrics))
                // why to(): Kafka Streams writes each start to the partition of its new key, the instance id, in the
                // same transaction as the offsets of the record it came from.
                .to((key, value, context) -> value.topic(), Produced.with(bytes, Serdes.serdeFrom(routed, (t, data) -> {
                    throw new UnsupportedOperationException("starts are only written");
                })));
        return builder.build();
    }

    /**
     * Sets the offsets of a trigger group that has none to the topic's end, so a trigger starts from the moment it was
     * deployed. Returns whether the group has offsets now; if not (the cluster refused), it reads from the end anyway.
     */
    private boolean pinToEnd(String topic) {
        String group = applicationId(settings, topic);
        try (Admin admin = Admin.create(common())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            if (committed != null && !committed.isEmpty()) {
                return true;
            }
            int partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .size();
            var latest = new HashMap<TopicPartition, OffsetSpec>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
            ends.forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            // Another process started the group a moment ago (it is not empty now), or the cluster refuses.
            log.info("Did not set the starting offsets of trigger group {}: {}", group, e.toString());
            return false;
        }
    }

    private Map<String, Object> common() {
        var p = new HashMap<String, Object>(settings.kafkaProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        return p;
    }

    private Properties properties(String topic, boolean pinned) {
        var p = new Properties();
        p.putAll(common());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(settings, topic));
        p.put(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                settings.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        p.put(
                StreamsConfig.POLL_MS_CONFIG,
                Math.max(
                        1,
                        Math.min(
                                settings.pollInterval().toMillis(),
                                settings.commitInterval().toMillis())));
        p.put(
                StreamsConfig.STATE_DIR_CONFIG,
                settings.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) settings.replicationFactor());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
        // Offsets were set to the end at the first start; "earliest" then only reads partitions added since in full.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), pinned ? "earliest" : "latest");
        return p;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            running.values().forEach(s -> s.close(Duration.ofSeconds(30)));
            running.clear();
            states.clear();
        }
        reconciler.shutdownNow();
    }
}
