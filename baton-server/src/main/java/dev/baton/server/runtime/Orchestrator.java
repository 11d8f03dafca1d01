package dev.baton.server.runtime;

import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Instance;
import dev.baton.engine.ItemResult;
import dev.baton.protocol.CloudEvents;
import dev.baton.protocol.InstanceCodec;
import dev.baton.protocol.OperatorRequest;
import dev.baton.protocol.StartRequest;
import dev.baton.server.tracing.TraceContext;
import dev.baton.server.tracing.Tracing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One orchestrator process: the Kafka Streams application plus the few writes the API and CLI need (deploy a
 * definition, start an instance, operator actions). Several processes with the same application id share the
 * partitions, and take over each other's when one stops.
 */
public final class Orchestrator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);

    /**
     * The Streams producer's {@code retry.backoff.ms} under exactly-once, unless the user sets one (see
     * streamsProperties). Why not lower: the backoff is fixed for transactional requests, so it is also how often a
     * producer asks a coordinator that is moving; 5 ms is 200 requests a second per stream thread for those seconds.
     */
    static final int TRANSACTION_RETRY_BACKOFF_MS = 5;

    private final OrchestratorSettings settings;
    private final DefinitionRegistry definitions = new DefinitionRegistry();
    private final TopicPauses topicPauses = new TopicPauses();
    private final OrchestratorMetrics metrics;
    private KafkaStreams streams;
    private HttpStepExecutor httpSteps;
    private EventCorrelation eventCorrelation;
    private Triggers triggers;
    private KafkaProducer<String, byte[]> producer;
    /** Sends commands ahead of the transaction; null unless the settings ask for early dispatch. */
    private EarlyDispatch earlyDispatch;

    private Tracing tracing = Tracing.off();
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
    private final StoreRestorations restorations = new StoreRestorations();

    public Orchestrator(OrchestratorSettings settings) {
        this(settings, OrchestratorMetrics.discarding());
    }

    public Orchestrator(OrchestratorSettings settings, OrchestratorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    public OrchestratorMetrics metrics() {
        return metrics;
    }

    public OrchestratorSettings settings() {
        return settings;
    }

    public DefinitionRegistry definitions() {
        return definitions;
    }

    /**
     * Creates Baton's topics if needed (or, when {@link OrchestratorSettings#createTopics()} is false, checks that
     * they are all there as Baton needs them), starts processing and waits until this process is running.
     *
     * @throws TopicProvisioningException when topics are missing or mis-sized and may not be created, or the cluster
     *     refuses to create them
     */
    public synchronized Orchestrator start(Duration timeout) {
        if (streams != null) {
            throw new IllegalStateException("the orchestrator has been started already");
        }
        RequiredTopics required = RequiredTopics.of(settings);
        if (settings.createTopics()) {
            createOwnTopics(required);
        } else {
            // why before Kafka Streams starts: it would fail later, inside a stream thread, with a less clear reason.
            requireTopics(required.all(List.of()));
        }
        producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
        awaitTopicMetadata();
        tracing = Tracing.start(settings.tracing());
        if (settings.earlyDispatch()) {
            var earlyProps = producerProperties();
            earlyProps.put(ProducerConfig.LINGER_MS_CONFIG, EarlyDispatch.LINGER_MS);
            earlyDispatch = new EarlyDispatch(
                    new KafkaProducer<>(earlyProps, new ByteArraySerializer(), new ByteArraySerializer()));
        }
        var topology = OrchestratorTopology.build(settings, definitions, topicPauses, metrics, tracing, earlyDispatch);
        streams = earlyDispatch == null
                ? new KafkaStreams(topology, streamsProperties())
                : new KafkaStreams(topology, streamsProperties(), earlyDispatch.clientSupplier());
        var running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            state = now;
            log.info("Orchestrator {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            log.error("A stream thread died; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .REPLACE_THREAD;
        });
        streams.setGlobalStateRestoreListener(restorations); // despite its name: every store's restorations
        new io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics(streams).bindTo(metrics.registry());
        if (earlyDispatch != null) {
            io.micrometer.core.instrument.FunctionCounter.builder(
                            "baton.commands.dispatched.early", earlyDispatch, EarlyDispatch::sent)
                    .description("Commands sent ahead of the transaction that decided them (early dispatch)")
                    .register(metrics.registry());
        }
        streams.start();
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(
                        "the orchestrator did not reach RUNNING within " + timeout + " (state " + state + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
        httpSteps = new HttpStepExecutor(settings, common(), producerProperties());
        httpSteps.start();
        eventCorrelation = new EventCorrelation(settings, definitions, metrics, this::streamsProperties);
        eventCorrelation.start(Duration.ofMillis(500));
        triggers = new Triggers(settings, definitions, metrics);
        definitions.onAdd(triggers::reconcileLater); // definitions deployed through other processes
        triggers.reconcile();
        return this;
    }

    /**
     * Waits until the broker serves metadata for Baton's own topics: a topic just created can be missing from it for
     * a moment, and Kafka Streams fails at once when its global store's topic has no partitions yet.
     */
    private void awaitTopicMetadata() {
        BatonTopics t = settings.topics();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        var own = new ArrayList<>(List.of(t.definitions(), t.topicPauses(), t.requests(), t.callbacks()));
        if (settings.schedules()) {
            own.add(t.schedules());
        }
        for (String topic : own) {
            while (true) {
                try {
                    if (!producer.partitionsFor(topic).isEmpty()) {
                        break;
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException | UnknownTopicOrPartitionException e) {
                    // not visible yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "topic " + topic + " was created but its metadata did not appear within 30 s");
                }
                sleep(50);
            }
        }
    }

    public KafkaStreams.State state() {
        return state;
    }

    /** RUNNING with every state store restored: whether this process can take work now. */
    public Readiness readiness() {
        return new Readiness(state, restorations.inProgress());
    }

    public boolean isRunning() {
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    /**
     * Deploys a definition as the next version of its workflow, creating the topics it uses, and waits until this
     * process sees it.
     */
    public WorkflowDefinition deploy(WorkflowDefinition definition) {
        int next = definitions
                        .latest(definition.name())
                        .map(WorkflowDefinition::version)
                        .orElse(0)
                + 1;
        refuseOwnTopics(definition);
        WorkflowDefinition versioned = definition.withVersion(next);
        List<RequiredTopics.Topic> topics = RequiredTopics.of(settings).of(versioned);
        if (settings.createTopics()) {
            createTopics(topics);
            createTopics(RequiredTopics.of(settings).eventTopicsOf(versioned));
        } else {
            requireTopics(topics);
        }
        String key = DefinitionRegistry.key(versioned.name(), next);
        send(
                settings.topics().definitions(),
                key,
                DefinitionWriter.toJson(versioned).getBytes(StandardCharsets.UTF_8),
                CloudEventRecords.headers(
                        CloudEvents.DEFINITION,
                        key,
                        versioned.name(),
                        settings.clock().instant()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (definitions.find(versioned.name(), next).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "deployed " + versioned.name() + " v" + next + " but did not read it back within 30 s");
            }
            sleep(10);
        }
        if (triggers != null) {
            triggers.reconcile(); // its trigger reads from now on once deploy returns
        }
        return versioned;
    }

    /**
     * The state of this process's trigger application for {@code topic} (see {@link Triggers}); empty when no
     * deployed definition triggers on it.
     */
    public Optional<KafkaStreams.State> triggerState(String topic) {
        return triggers == null ? Optional.empty() : triggers.state(topic);
    }

    /** A trigger or emit step on one of Baton's own topics would feed Baton its own records, or forge them. */
    private void refuseOwnTopics(WorkflowDefinition definition) {
        var problems = new ArrayList<dev.baton.definition.DefinitionProblem>();
        definition
                .trigger()
                .filter(t -> isOwnTopic(t.topic()))
                .ifPresent(t -> problems.add(new dev.baton.definition.DefinitionProblem(
                        "deploy",
                        0,
                        "trigger.topic",
                        "'" + t.topic() + "' is one of Baton's own topics; a trigger reads a topic of yours, such "
                                + "as orders.placed")));
        for (int i = 0; i < definition.steps().size(); i++) {
            int at = i;
            definition
                    .steps()
                    .get(i)
                    .emit()
                    .filter(e -> isOwnTopic(e.topic()))
                    .ifPresent(e -> problems.add(new dev.baton.definition.DefinitionProblem(
                            "deploy",
                            0,
                            "steps[" + at + "].emit.topic",
                            "'" + e.topic() + "' is one of Baton's own topics; an emit step publishes to a topic of "
                                    + "yours (a sub-workflow step starts another workflow)")));
        }
        if (!problems.isEmpty()) {
            throw new dev.baton.definition.InvalidDefinitionException(problems);
        }
    }

    private boolean isOwnTopic(String topic) {
        BatonTopics t = settings.topics();
        return List.of(
                        t.requests(),
                        t.callbacks(),
                        t.status(),
                        t.deadLetters(),
                        t.definitions(),
                        t.http(),
                        t.topicPauses())
                .contains(topic);
    }

    /** Which worker topics are paused or were resumed, as every orchestrator process reads them. */
    public TopicPauses topicPauses() {
        return topicPauses;
    }

    /**
     * Pauses or resumes a worker topic for every orchestrator process (see {@link HeldCommands}): writes the pause to
     * the compacted topic-pauses topic and waits until this process sees it.
     *
     * @throws IllegalArgumentException for one of Baton's own topics, which cannot be paused
     */
    public TopicPause pauseTopic(String topic, boolean paused, String actor, String reason, int releaseRate) {
        BatonTopics t = settings.topics();
        if (List.of(
                        t.requests(),
                        t.callbacks(),
                        t.status(),
                        t.deadLetters(),
                        t.definitions(),
                        t.http(),
                        t.topicPauses(),
                        t.schedules(),
                        t.eventCorrelation())
                .contains(topic)) {
            throw new IllegalArgumentException(
                    topic + " is one of Baton's own topics; only worker topics can be paused");
        }
        var pause =
                new TopicPause(topic, paused, actor, reason, settings.clock().instant(), releaseRate);
        send(
                t.topicPauses(),
                topic,
                pause.toJson(),
                CloudEventRecords.headers(CloudEvents.REQUEST, UUID.randomUUID().toString(), topic, pause.at()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!topicPauses.of(topic).map(pause::equals).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "wrote the pause of " + topic + " but did not read it back within 30 s");
            }
            sleep(10);
        }
        return pause;
    }

    /**
     * Pauses or resumes a workflow's schedule for every orchestrator process: writes it to the schedules topic, which
     * the one task that owns the schedules reads (see {@link ScheduleProcessor}).
     *
     * @throws IllegalStateException when schedules are off ({@link OrchestratorSettings#schedules()})
     */
    public void pauseSchedule(String workflow, boolean paused, String actor, String reason) {
        if (!settings.schedules()) {
            throw new IllegalStateException("schedules are off: start every orchestrator with --schedules");
        }
        Instant at = settings.clock().instant();
        send(
                settings.topics().schedules(),
                workflow,
                ScheduleRecords.pause(paused, actor, reason, at),
                CloudEventRecords.headers(CloudEvents.REQUEST, UUID.randomUUID().toString(), workflow, at));
    }

    /**
     * A schedule's state as this process holds it; empty when the schedule has not been seen yet, or when another
     * process owns the schedules (see {@link #schedulesOwner()}).
     */
    public Optional<dev.baton.engine.ScheduleState> localSchedule(String workflow) {
        if (!settings.schedules()) {
            return Optional.empty();
        }
        try {
            byte[] stored = streams.store(StoreQueryParameters.fromNameAndType(
                            OrchestratorTopology.SCHEDULE_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()))
                    .get(workflow);
            return stored == null ? Optional.empty() : Optional.of(ScheduleRecords.read(stored));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    /**
     * The {@code host:port} of the process that owns the schedules, or empty when it is this one or nobody
     * advertises an address.
     */
    public Optional<String> schedulesOwner() {
        if (!settings.schedules() || settings.advertisedHttp().isEmpty()) {
            return Optional.empty();
        }
        var metadata = streams.queryMetadataForKey(OrchestratorTopology.SCHEDULE_STORE, "", new StringSerializer());
        if (metadata == null
                || metadata.activeHost() == null
                || metadata.activeHost().port() < 0) {
            return Optional.empty();
        }
        String owner =
                metadata.activeHost().host() + ":" + metadata.activeHost().port();
        return owner.equals(settings.advertisedHttp().get()) ? Optional.empty() : Optional.of(owner);
    }

    /** Writes a start request; the instance exists once the orchestrator has processed it. */
    public void start(String instanceId, StartRequest request) {
        start(instanceId, request, TraceContext.NONE);
    }

    /** Writes a start request whose instance joins the caller's trace. */
    public void start(String instanceId, StartRequest request, TraceContext trace) {
        Headers headers = requestHeaders(instanceId);
        trace.addTo(headers);
        send(settings.topics().requests(), instanceId, request.toJson(), headers);
    }

    public void operate(String instanceId, OperatorRequest request) {
        send(settings.topics().requests(), instanceId, request.toJson(), requestHeaders(instanceId));
    }

    /** Delivers a signal to an instance; steps waiting for it complete once the orchestrator has processed it. */
    public void signal(String instanceId, dev.baton.protocol.SignalRequest signal) {
        send(settings.topics().requests(), instanceId, signal.toJson(), requestHeaders(instanceId));
    }

    /** A request written here is an event of its own: it has an id of its own, unlike the engine's, which replay. */
    private Headers requestHeaders(String instanceId) {
        return CloudEventRecords.headers(
                CloudEvents.REQUEST,
                UUID.randomUUID().toString(),
                instanceId,
                settings.clock().instant());
    }

    /** The instance as stored by this process, if this process owns its partition. */
    public Optional<Instance> localInstance(String instanceId) {
        byte[] stored = instanceStore().get(instanceId);
        return stored == null ? Optional.empty() : Optional.of(InstanceCodec.read(stored));
    }

    /**
     * Every instance this process owns, without payloads (see {@link InstanceCodec#readSummary}), streamed to
     * {@code sink} in key order.
     */
    public void forEachLocalInstance(Consumer<Instance> sink) {
        try (var it = instanceStore().all()) {
            it.forEachRemaining(kv -> {
                if (!ItemKeys.isItem(kv.key)) { // forEach items' results share the store
                    sink.accept(InstanceCodec.readSummary(kv.value));
                }
            });
        }
    }

    /**
     * The stored result of item {@code index} of a forEach step, if this process owns the instance's partition and
     * the item has finished.
     */
    public Optional<ItemResult> localItem(String instanceId, String stepId, int index) {
        byte[] stored = instanceStore().get(ItemKeys.of(instanceId, stepId, index));
        return stored == null ? Optional.empty() : Optional.of(InstanceCodec.readItem(stored));
    }

    /**
     * The {@code host:port} of the process that owns {@code instanceId}'s partition, or empty when it is this one or
     * nobody advertises an address (a single process).
     */
    public Optional<String> remoteOwnerOf(String instanceId) {
        if (settings.advertisedHttp().isEmpty()) {
            return Optional.empty();
        }
        var metadata =
                streams.queryMetadataForKey(OrchestratorTopology.INSTANCE_STORE, instanceId, new StringSerializer());
        if (metadata == null
                || metadata.activeHost() == null
                || metadata.activeHost().port() < 0) {
            return Optional.empty();
        }
        String owner =
                metadata.activeHost().host() + ":" + metadata.activeHost().port();
        return owner.equals(settings.advertisedHttp().get()) ? Optional.empty() : Optional.of(owner);
    }

    /** The {@code host:port} of every other orchestrator process of this application. */
    public List<String> otherProcesses() {
        if (settings.advertisedHttp().isEmpty()) {
            return List.of();
        }
        var others = new ArrayList<String>();
        for (var m : streams.metadataForAllStreamsClients()) {
            String address = m.hostInfo().host() + ":" + m.hostInfo().port();
            if (m.hostInfo().port() >= 0
                    && !address.equals(settings.advertisedHttp().get())
                    && !others.contains(address)) {
                others.add(address);
            }
        }
        return others;
    }

    private ReadOnlyKeyValueStore<String, byte[]> instanceStore() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return streams.store(StoreQueryParameters.fromNameAndType(
                        OrchestratorTopology.INSTANCE_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
            } catch (InvalidStateStoreException e) {
                // Stores are unavailable while partitions move; wait for the rebalance to settle.
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(50);
            }
        }
    }

    private void send(String topic, String key, byte[] value, Headers headers) {
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not write to " + topic + ": " + e.getMessage(), e);
        }
    }

    private void createOwnTopics(RequiredTopics required) {
        createTopics(required.own());
        BatonTopics t = settings.topics();
        try (Admin admin = Admin.create(adminProperties())) {
            Map<String, TopicDescription> d = describeJustCreated(admin, List.of(t.requests(), t.callbacks()));
            int requests = d.get(t.requests()).partitions().size();
            int callbacks = d.get(t.callbacks()).partitions().size();
            if (requests != callbacks) {
                throw new IllegalStateException(
                        t.requests() + " has " + requests + " partitions and " + t.callbacks() + " has " + callbacks
                                + ": they must have the same number, so that an instance's events meet on one partition");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not describe Baton's topics: " + e.getMessage(), e);
        }
    }

    /**
     * Describes topics that may have been created a moment ago. A broker answers a create before every broker's
     * metadata has the topic, so a describe right after it can fail with "unknown topic" for a short while (seen on
     * a loaded machine); that is retried, anything else is not.
     */
    private static Map<String, TopicDescription> describeJustCreated(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Refuses, naming each problem and the command that fixes it, unless every topic is there as Baton needs it. */
    private void requireTopics(List<RequiredTopics.Topic> topics) {
        List<RequiredTopics.Problem> problems;
        try (Admin admin = Admin.create(adminProperties())) {
            problems = RequiredTopics.check(admin, topics, Duration.ofSeconds(30));
        }
        if (!problems.isEmpty()) {
            throw TopicProvisioningException.notReady(
                    problems, new ProvisioningScript(settings.bootstrapServers(), Optional.empty()));
        }
    }

    private void createTopics(List<RequiredTopics.Topic> topics) {
        List<String> names = topics.stream().map(RequiredTopics.Topic::name).toList();
        try (Admin admin = Admin.create(adminProperties())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (RequiredTopics.Topic t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), t.partitions(), t.replicationFactor()).configs(t.configs()));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException
                        || e.getCause() instanceof ClusterAuthorizationException
                        || e.getCause() instanceof PolicyViolationException) {
                    throw TopicProvisioningException.refused(
                            missing.stream().map(NewTopic::name).toList(), e.getCause());
                }
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics " + names + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> common() {
        var p = new HashMap<String, Object>(settings.kafkaProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        return p;
    }

    private Map<String, Object> adminProperties() {
        return common();
    }

    private Map<String, Object> producerProperties() {
        var p = common();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return p;
    }

    // package-private for StreamsPropertiesTest
    Properties streamsProperties() {
        var p = new Properties();
        p.putAll(common());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        p.put(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                settings.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        if (settings.exactlyOnce() && (settings.commitWhenDrained() || settings.earlyDispatch())) {
            // Kafka Streams takes the most specific of these for its main consumer; the user's interceptors stay.
            var kafka = settings.kafkaProperties();
            String interceptors = ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG;
            Object own = kafka.getOrDefault(
                    StreamsConfig.mainConsumerPrefix(interceptors),
                    kafka.getOrDefault(StreamsConfig.consumerPrefix(interceptors), kafka.get(interceptors)));
            p.put(
                    StreamsConfig.mainConsumerPrefix(interceptors),
                    own == null || String.valueOf(own).isBlank()
                            ? DrainedInput.class.getName()
                            : own + "," + DrainedInput.class.getName());
        }
        // A commit happens only between polls: a short poll keeps an idle thread from sitting on processed records.
        p.put(
                StreamsConfig.POLL_MS_CONFIG,
                Math.max(
                        1,
                        Math.min(
                                settings.pollInterval().toMillis(),
                                settings.commitInterval().toMillis())));
        // A task reads requests and callbacks of its partition together. By default Kafka Streams holds the task back
        // while one of them has records on the broker it has not fetched yet, to interleave the two by timestamp.
        // Nothing in Baton depends on that order (an instance's events on each topic keep theirs, and which of an
        // operator's request and a worker's outcome comes first is a race either way), and the wait is latency.
        // Early dispatch is the exception: there a replay after a crash reads a worker's outcome and the start (or
        // timer) whose command it answers, both already on the broker; read unordered, the outcome could come first
        // and find no step waiting. Zero waits only for records already on the broker, never for new ones.
        if (!settings.kafkaProperties().containsKey(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)) {
            p.put(
                    StreamsConfig.MAX_TASK_IDLE_MS_CONFIG,
                    settings.earlyDispatch() ? 0L : StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        }
        p.put(
                StreamsConfig.STATE_DIR_CONFIG,
                settings.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) settings.replicationFactor());
        p.put("processing.exception.handler.global.enabled", true);
        settings.advertisedHttp().ifPresent(a -> p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, a));
        if (!settings.exactlyOnce()) {
            // At-least-once records are read as soon as they are sent. Under exactly-once the commit flushes the
            // producer, so Kafka Streams' own linger (100 ms) costs no latency and makes one batch per partition.
            p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        }
        if (settings.exactlyOnce()
                && !settings.kafkaProperties().containsKey(ProducerConfig.RETRY_BACKOFF_MS_CONFIG)
                && !settings.kafkaProperties()
                        .containsKey(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG))) {
            // A transaction that commits right after the previous one finds the coordinator still writing that
            // one's markers; its AddOffsetsToTxn is answered CONCURRENT_TRANSACTIONS and the producer retries after
            // retry.backoff.ms, a fixed wait for transactional requests, 100 ms by default. The stream thread waits
            // with it: in a profile at 20 workflows/s, 45 such waits a minute made the p90 100 ms and the p99 280 ms.
            // The markers take about 2 ms on a quiet broker, so a short backoff retries soon after they are written.
            p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), TRANSACTION_RETRY_BACKOFF_MS);
        }
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
        // Pattern sources pick up new outcome topics at the next metadata refresh.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), 10_000);
        return p;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Event steps' correlation (see {@link EventCorrelation}); {@code null} before {@link #start(Duration)}. */
    public EventCorrelation eventCorrelation() {
        return eventCorrelation;
    }

    @Override
    public synchronized void close() {
        if (eventCorrelation != null) {
            eventCorrelation.close();
            eventCorrelation = null;
        }

        if (triggers != null) {
            triggers.close(); // no new starts while the orchestrator stops
            triggers = null;
        }
        if (httpSteps != null) {
            httpSteps.close(); // calls in flight finish; their outcomes are written before the streams stop
            httpSteps = null;
        }
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
            streams = null;
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        if (earlyDispatch != null) {
            earlyDispatch.close(); // after the streams: their last commits wait for its sends
            earlyDispatch = null;
        }
        tracing.close(); // after the streams: their last decisions' spans are queued by then
        tracing = Tracing.off();
    }
}
