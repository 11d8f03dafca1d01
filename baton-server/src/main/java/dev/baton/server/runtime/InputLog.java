package dev.baton.server.runtime;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound;
import dev.baton.protocol.MalformedMessageException;
import dev.baton.protocol.OperatorRequest;
import dev.baton.protocol.RequestMessage;
import dev.baton.protocol.SignalRequest;
import dev.baton.protocol.StartRequest;
import dev.baton.protocol.WorkerOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The retained input of one workflow's instances, as the orchestrator saw it: every start request, operator request
 * and signal on the requests topic and every outcome on the callback topic (workers' own outcome topics are merged
 * into it by the orchestrator, so it holds those too), one ordered log per instance, and every deployed version of
 * the workflow with the time it was deployed. {@link #read} takes it from Kafka without side effects: a consumer with
 * no group that assigns partitions and seeks, commits nothing, and reads only committed records up to the end
 * offsets it found when it started.
 *
 * <p><b>Order.</b> The requests and the outcomes of one instance are on the same partition number of the two topics,
 * each topic in its own order; the orchestrator took them as its consumer fetched them and stamped each with its own
 * clock ({@code Inbound.at}). Neither is recorded, so the log merges the two topics by record timestamp (the time the
 * writer gave the record, or the broker's for a topic with {@code LogAppendTime}), keeping each topic's own order,
 * with requests first on a tie, and always the instance's start request first (nothing can answer an instance
 * before it starts). What this can get wrong: writers' clocks differ, so an operator request and an outcome written
 * within the skew of each other may have reached the orchestrator in the other order; times in the replayed state are
 * the records' times, not the orchestrator's (a little earlier); and timers are not in these topics at all (see
 * {@link DryRun} for how the replay fires them). Records the orchestrator dead-lettered because they could not be
 * read are left out and counted in {@link #skipped()}.
 *
 * @param from only instances started at or after this time; {@code null} from the beginning of the retained records
 * @param to only instances started at or before this time; {@code null} for no end
 * @param readAt when the end offsets were taken: the replay's clock ends there
 */
public record InputLog(
        String workflow,
        Instant from,
        Instant to,
        Instant readAt,
        List<Deployed> deployments,
        List<InstanceLog> instances,
        Map<String, Integer> skipped) {

    /** One input as the orchestrator took it, and where it was read from ({@code baton.requests 0@17}). */
    public record LoggedInput(String source, Instant at, Inbound event) {}

    /**
     * The ordered input of one instance.
     *
     * @param version the version its start request pinned; {@code null} for the newest deployed at its start
     */
    public record InstanceLog(
            String instanceId, String workflow, Integer version, Instant startedAt, List<LoggedInput> inputs) {}

    /** A deployed version of the workflow and when it was written to the definitions topic. */
    public record Deployed(WorkflowDefinition definition, Instant deployedAt) {}

    /**
     * The version an instance ran on: the one its start request pinned, or else the newest one deployed before it
     * started (by the definitions topic's record time; a version deployed within clock skew of a start may be
     * attributed wrongly).
     */
    public Optional<WorkflowDefinition> baselineOf(InstanceLog instance) {
        return deployments.stream()
                .filter(d -> instance.version() == null
                        ? !d.deployedAt().isAfter(instance.startedAt())
                        : d.definition().version() == instance.version())
                .max(Comparator.comparingInt(d -> d.definition().version()))
                .map(Deployed::definition);
    }

    /** What to read and from where. */
    public record Source(
            String bootstrapServers,
            Map<String, Object> kafkaProperties,
            BatonTopics topics,
            String workflow,
            Instant from,
            Instant to,
            Duration timeout) {

        public static Source of(OrchestratorSettings settings, String workflow, Instant from, Instant to) {
            return new Source(
                    settings.bootstrapServers(),
                    settings.kafkaProperties(),
                    settings.topics(),
                    workflow,
                    from,
                    to,
                    Duration.ofMinutes(5));
        }
    }

    /** Outcomes whose timestamps are up to this much earlier than {@code from} are still read (writers' skew). */
    static final Duration CALLBACK_SKEW = Duration.ofMinutes(1);

    /** Reads the workflow's retained input from Kafka. */
    public static InputLog read(Source source) {
        Instant readAt = Instant.now();
        Instant deadline = readAt.plus(source.timeout());
        var props = new HashMap<String, Object>(source.kafkaProperties());
        props.keySet().removeIf(k -> k.startsWith("consumer.") || k.startsWith("producer."));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrapServers());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG); // no group: nothing to commit, no offsets anyone else sees
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "baton-replay-" + UUID.randomUUID());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        var builder = new Builder(source.workflow(), source.from(), source.to(), readAt);
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            readTopic(consumer, source.topics().definitions(), null, deadline, builder::addDefinition);
            readTopic(consumer, source.topics().requests(), source.from(), deadline, builder::addRequest);
            readTopic(
                    consumer,
                    source.topics().callbacks(),
                    source.from() == null ? null : source.from().minus(CALLBACK_SKEW),
                    deadline,
                    builder::addOutcome);
        }
        return builder.build();
    }

    /** Reads every partition of {@code topic} from {@code from} (or the beginning) up to its end offsets of now. */
    private static void readTopic(
            KafkaConsumer<byte[], byte[]> consumer,
            String topic,
            Instant from,
            Instant deadline,
            Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            return;
        }
        List<TopicPartition> partitions = infos.stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        consumer.assign(partitions);
        if (from == null) {
            consumer.seekToBeginning(partitions);
        } else {
            var times = new HashMap<TopicPartition, Long>();
            partitions.forEach(p -> times.put(p, from.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, Duration.ofSeconds(30));
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp o = found.get(p);
                consumer.seek(p, o == null ? ends.get(p) : o.offset());
            }
        }
        Set<TopicPartition> open = new HashSet<>();
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < ends.get(p)) {
                open.add(p);
            }
        }
        while (!open.isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "reading " + topic + " took too long; " + open.size() + " partition(s) not read to their end");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                    sink.accept(r);
                }
            }
            open.removeIf(p -> consumer.position(p) >= ends.get(p));
        }
        consumer.unsubscribe();
    }

    /** Collects records into per-instance logs; also what tests use to build a log without Kafka. */
    public static final class Builder {
        private final String workflow;
        private final Instant from;
        private final Instant to;
        private final Instant readAt;
        private final List<Deployed> deployments = new ArrayList<>();
        private final Map<String, Collected> instances = new LinkedHashMap<>();
        private final Map<String, Integer> skipped = new LinkedHashMap<>();

        public Builder(String workflow, Instant from, Instant to, Instant readAt) {
            this.workflow = workflow;
            this.from = from;
            this.to = to;
            this.readAt = readAt;
        }

        private static final class Collected {
            final String instanceId;
            final Integer version;
            final Instant startedAt;
            final List<LoggedInput> requests = new ArrayList<>();
            final List<LoggedInput> outcomes = new ArrayList<>();

            Collected(String instanceId, Integer version, Instant startedAt) {
                this.instanceId = instanceId;
                this.version = version;
                this.startedAt = startedAt;
            }
        }

        public Builder deployed(WorkflowDefinition definition, Instant at) {
            if (definition.name().equals(workflow)) {
                deployments.add(new Deployed(definition, at));
            }
            return this;
        }

        /**
         * Adds a request in its partition's order: a start of the workflow (in the time range) opens an instance;
         * any later request for an open instance joins its log.
         */
        public Builder request(String instanceId, RequestMessage request, Instant at, String source) {
            Collected c = instances.get(instanceId);
            if (c == null) {
                if (!(request instanceof StartRequest start)
                        || !start.workflow().equals(workflow)
                        || from != null && at.isBefore(from)
                        || to != null && at.isAfter(to)) {
                    return this;
                }
                c = new Collected(instanceId, start.version(), at);
                instances.put(instanceId, c);
            }
            Inbound event = request instanceof StartRequest s
                    ? s.toInbound(instanceId, at)
                    : request instanceof SignalRequest sig
                            ? sig.toInbound(instanceId, at)
                            : request instanceof dev.baton.protocol.EventDelivery delivery
                                    ? delivery.toInbound(instanceId, at)
                                    : ((OperatorRequest) request).toInbound(instanceId, at);
            c.requests.add(new LoggedInput(source, at, event));
            return this;
        }

        /** Adds an outcome in its partition's order, if it is about an open instance. */
        public Builder outcome(WorkerOutcome outcome, Instant at, String source) {
            Collected c = instances.get(outcome.instanceId());
            if (c != null) {
                c.outcomes.add(new LoggedInput(source, at, outcome.toInbound(at)));
            }
            return this;
        }

        void addDefinition(ConsumerRecord<byte[], byte[]> r) {
            if (r.value() == null) {
                return;
            }
            try {
                deployed(
                        DefinitionReader.read(new String(r.value(), StandardCharsets.UTF_8), "definitions topic"),
                        Instant.ofEpochMilli(r.timestamp()));
            } catch (RuntimeException e) {
                // not a definition this version can read: the orchestrator skips it too
            }
        }

        void addRequest(ConsumerRecord<byte[], byte[]> r) {
            String id = key(r);
            if (id == null) {
                skip("requests without a key");
                return;
            }
            try {
                RequestMessage m = RequestMessage.parse(CloudEventRecords.message(r.headers(), r.value()));
                request(id, m, Instant.ofEpochMilli(r.timestamp()), where(r));
            } catch (MalformedMessageException e) {
                skip("requests the orchestrator could not read");
            }
        }

        void addOutcome(ConsumerRecord<byte[], byte[]> r) {
            String id = key(r);
            if (id == null || !instances.containsKey(id)) {
                return;
            }
            try {
                WorkerOutcome o = WorkerOutcome.parse(CloudEventRecords.message(r.headers(), r.value()));
                if (!o.instanceId().equals(id)) {
                    skip("outcomes keyed by another instance's id");
                    return;
                }
                outcome(o, Instant.ofEpochMilli(r.timestamp()), where(r));
            } catch (MalformedMessageException e) {
                skip("outcomes the orchestrator could not read");
            }
        }

        private void skip(String why) {
            skipped.merge(why, 1, Integer::sum);
        }

        private static String key(ConsumerRecord<byte[], byte[]> r) {
            return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        }

        private static String where(ConsumerRecord<byte[], byte[]> r) {
            return r.topic() + " " + r.partition() + "@" + r.offset();
        }

        public InputLog build() {
            var logs = new ArrayList<InstanceLog>();
            for (Collected c : instances.values()) {
                logs.add(new InstanceLog(c.instanceId, workflow, c.version, c.startedAt, merge(c)));
            }
            logs.sort(Comparator.comparing(InstanceLog::startedAt).thenComparing(InstanceLog::instanceId));
            return new InputLog(workflow, from, to, readAt, List.copyOf(deployments), logs, Map.copyOf(skipped));
        }

        /** Merges the two topics by timestamp, each in its own order, requests first on a tie; the start first. */
        private static List<LoggedInput> merge(Collected c) {
            var out = new ArrayList<LoggedInput>();
            out.add(c.requests.get(0)); // the start request that opened the instance
            int r = 1;
            int o = 0;
            while (r < c.requests.size() || o < c.outcomes.size()) {
                boolean takeRequest = o >= c.outcomes.size()
                        || r < c.requests.size()
                                && !c.requests
                                        .get(r)
                                        .at()
                                        .isAfter(c.outcomes.get(o).at());
                out.add(takeRequest ? c.requests.get(r++) : c.outcomes.get(o++));
            }
            return List.copyOf(out);
        }
    }
}
