package dev.baton.server.runtime;

import dev.baton.server.tracing.Tracing;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The orchestrator's Kafka Streams topology.
 *
 * <pre>
 *   requests ──┐
 *              ├─► instances (InstanceProcessor + instance, timer and trace stores) ─► out (topic chosen per record)
 *  callbacks ──┘
 *  outcome topics (pattern) ─► merge-outcomes ─► callbacks
 *  definitions ─► global definitions store
 *  topic-pauses ─► global topic-pauses store (TopicPauses); commands for a paused topic wait in held-commands
 *  with --schedules:
 *  status ─► schedule-ends ─► schedules ─► schedules (ScheduleProcessor + schedule store, wall-clock) ─► requests
 * </pre>
 *
 * Requests and callbacks feed one processor, so the two topics are co-partitioned: every event of an instance is
 * handled by the one task that owns its partition, in order.
 */
public final class OrchestratorTopology {
    public static final String REQUESTS_SOURCE = "requests";
    public static final String CALLBACKS_SOURCE = "callbacks";
    public static final String INSTANCES_PROCESSOR = "instances";
    public static final String OUT_SINK = "out";
    public static final String INSTANCE_STORE = "baton-instances";
    public static final String TIMER_STORE = "baton-timers";
    /** The trace context each instance was started with (see TraceContexts). */
    public static final String TRACE_STORE = "baton-traces";

    /** Commands held back because their worker topic is paused (see HeldCommands). */
    public static final String HELD_COMMANDS_STORE = "baton-held-commands";

    public static final String DEFINITIONS_STORE = "baton-definitions";
    public static final String TOPIC_PAUSES_STORE = "baton-topic-pauses";
    /** One state per scheduled workflow, in the one task of the one-partition schedules topic. */
    public static final String SCHEDULE_STORE = "baton-schedules";

    public static final String SCHEDULES_SOURCE = "schedules";
    public static final String SCHEDULES_PROCESSOR = "schedule-ticks";
    public static final String SCHEDULES_SINK = "scheduled-starts";
    public static final String SCHEDULE_ENDS_SOURCE = "status-for-schedules";
    public static final String SCHEDULE_ENDS_PROCESSOR = "schedule-ends";
    public static final String SCHEDULE_ENDS_SINK = "to-schedules";
    public static final String OUTCOMES_SOURCE = "worker-outcomes";
    public static final String OUTCOMES_MERGER = "merge-outcomes";
    public static final String CALLBACKS_SINK = "to-callbacks";
    /** Workers' own outcome topics merged into the callback stream, for workers that cannot honour a callback topic. */
    public static final Pattern DEFAULT_OUTCOME_TOPICS = Pattern.compile(".+\\.outcomes");

    private OrchestratorTopology() {}

    public static Topology build(
            OrchestratorSettings settings, DefinitionRegistry registry, OrchestratorMetrics metrics) {
        return build(settings, registry, metrics, Tracing.off());
    }

    public static Topology build(
            OrchestratorSettings settings, DefinitionRegistry registry, OrchestratorMetrics metrics, Tracing tracing) {
        return build(settings, registry, new TopicPauses(), metrics, tracing);
    }

    public static Topology build(
            OrchestratorSettings settings,
            DefinitionRegistry registry,
            TopicPauses pauses,
            OrchestratorMetrics metrics,
            Tracing tracing) {
        return build(settings, registry, pauses, metrics, tracing, null);
    }

    /** The topology; {@code early} sends commands ahead of the transaction, required with early dispatch. */
    static Topology build(
            OrchestratorSettings settings,
            DefinitionRegistry registry,
            TopicPauses pauses,
            OrchestratorMetrics metrics,
            Tracing tracing,
            EarlyDispatch early) {
        BatonTopics topics = settings.topics();
        Topology t = new Topology();
        var bytes = Serdes.ByteArray();
        t.addSource(REQUESTS_SOURCE, bytes.deserializer(), bytes.deserializer(), topics.requests());
        t.addSource(CALLBACKS_SOURCE, bytes.deserializer(), bytes.deserializer(), topics.callbacks());
        t.addProcessor(
                INSTANCES_PROCESSOR,
                () -> new InstanceProcessor(registry, pauses, settings, metrics, tracing, early),
                REQUESTS_SOURCE,
                CALLBACKS_SOURCE);
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(INSTANCE_STORE), Serdes.String(), Serdes.ByteArray()),
                INSTANCES_PROCESSOR);
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(TIMER_STORE), Serdes.String(), Serdes.ByteArray()),
                INSTANCES_PROCESSOR);
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(TRACE_STORE), Serdes.String(), Serdes.ByteArray()),
                INSTANCES_PROCESSOR);
        if (settings.topicPauses()) {
            t.addStateStore(
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(HELD_COMMANDS_STORE), Serdes.String(), Serdes.ByteArray()),
                    INSTANCES_PROCESSOR);
        }
        Serializer<Routed> routed = (topic, value) -> value.value();
        t.addSink(OUT_SINK, (key, value, context) -> value.topic(), bytes.serializer(), routed, INSTANCES_PROCESSOR);

        t.addSource(OUTCOMES_SOURCE, bytes.deserializer(), bytes.deserializer(), settings.outcomeTopics());
        t.addProcessor(
                OUTCOMES_MERGER,
                () -> new OutcomeMerger(settings.commitWhenDrained(), settings.earlyDispatch() ? early : null),
                OUTCOMES_SOURCE);
        t.addSink(CALLBACKS_SINK, topics.callbacks(), bytes.serializer(), bytes.serializer(), OUTCOMES_MERGER);

        t.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(DEFINITIONS_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                "definitions-source",
                Serdes.String().deserializer(),
                bytes.deserializer(),
                topics.definitions(),
                "definitions-processor",
                () -> new DefinitionsProcessor(registry));
        if (settings.topicPauses()) {
            t.addGlobalStore(
                    Stores.keyValueStoreBuilder(
                                    Stores.inMemoryKeyValueStore(TOPIC_PAUSES_STORE),
                                    Serdes.String(),
                                    Serdes.ByteArray())
                            .withLoggingDisabled(),
                    "topic-pauses-source",
                    Serdes.String().deserializer(),
                    bytes.deserializer(),
                    topics.topicPauses(),
                    "topic-pauses-processor",
                    () -> new TopicPausesProcessor(pauses));
        }
        if (settings.schedules()) {
            addSchedules(t, settings, registry, metrics);
        }
        return t;
    }

    /**
     * Two sub-topologies of their own: one reads the status topic for scheduled instances' ends and writes them to
     * the schedules topic, keyed by workflow; the other owns every schedule in the one task of that one-partition
     * topic.
     */
    private static void addSchedules(
            Topology t, OrchestratorSettings settings, DefinitionRegistry registry, OrchestratorMetrics metrics) {
        BatonTopics topics = settings.topics();
        var bytes = Serdes.ByteArray();
        var strings = Serdes.String();
        t.addSource(SCHEDULE_ENDS_SOURCE, bytes.deserializer(), bytes.deserializer(), topics.status());
        t.addProcessor(SCHEDULE_ENDS_PROCESSOR, ScheduleEnds::new, SCHEDULE_ENDS_SOURCE);
        t.addSink(
                SCHEDULE_ENDS_SINK,
                topics.schedules(),
                strings.serializer(),
                bytes.serializer(),
                SCHEDULE_ENDS_PROCESSOR);
        t.addSource(SCHEDULES_SOURCE, strings.deserializer(), bytes.deserializer(), topics.schedules());
        t.addProcessor(SCHEDULES_PROCESSOR, () -> new ScheduleProcessor(registry, settings, metrics), SCHEDULES_SOURCE);
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(SCHEDULE_STORE), Serdes.String(), Serdes.ByteArray()),
                SCHEDULES_PROCESSOR);
        Serializer<Routed> routed = (topic, value) -> value.value();
        t.addSink(
                SCHEDULES_SINK,
                (key, value, context) -> value.topic(),
                strings.serializer(),
                routed,
                SCHEDULES_PROCESSOR);
    }
}
