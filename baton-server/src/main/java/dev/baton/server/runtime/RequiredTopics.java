package dev.baton.server.runtime;

import dev.baton.definition.StepDefinition;
import dev.baton.definition.WorkflowDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Every topic an orchestrator needs, with its partitions and configs, and the ACLs its principal needs: the one list
 * behind the topics the orchestrator creates at start, the check it makes instead when it may not create topics, and
 * what {@code baton topics --print} writes for a cluster's administrators.
 */
public final class RequiredTopics {
    /**
     * A topic Baton needs. {@code operations} are what the orchestrator's principal does with it (an ACL each).
     * {@code purpose} says in a few words what it carries, for the printed script.
     */
    public record Topic(
            String name,
            int partitions,
            short replicationFactor,
            Map<String, String> configs,
            Set<AclOperation> operations,
            String purpose) {
        public Topic {
            configs = Map.copyOf(configs);
            operations = Set.copyOf(operations);
        }

        public boolean compacted() {
            return TopicConfig.CLEANUP_POLICY_COMPACT.equals(configs.get(TopicConfig.CLEANUP_POLICY_CONFIG));
        }

        /** The configs in a stable order, so that printed commands and manifests do not change between runs. */
        public Map<String, String> sortedConfigs() {
            return new java.util.TreeMap<>(configs);
        }
    }

    /** What is wrong with one required topic on the cluster. */
    public record Problem(Topic topic, String found) {
        @Override
        public String toString() {
            return topic.name() + ": " + found;
        }
    }

    /** A topic the principal cannot see is missing to it: listing topics leaves out those it may not Describe. */
    static final String MISSING = "missing (or this principal may not Describe it)";

    private static final Map<String, String> COMPACTED =
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    // why: what Kafka Streams sets on a key-value store's changelog when it creates one itself.
    private static final Map<String, String> CHANGELOG = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
            "CreateTime");
    private static final Set<AclOperation> READ = Set.of(AclOperation.READ, AclOperation.DESCRIBE);
    private static final Set<AclOperation> WRITE = Set.of(AclOperation.WRITE, AclOperation.DESCRIBE);
    private static final Set<AclOperation> READ_WRITE =
            Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);
    // why DescribeConfigs: without creating topics, the orchestrator checks at start that this one is compacted.
    private static final Set<AclOperation> CHECKED_READ_WRITE =
            Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
    // why: Kafka Streams describes its internal topics' configs to validate them before it uses them.
    private static final Set<AclOperation> INTERNAL =
            Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);

    private final OrchestratorSettings settings;
    private final List<Topic> own;
    private final List<Topic> internal;

    private RequiredTopics(OrchestratorSettings settings) {
        this.settings = settings;
        this.own = ownTopics(settings);
        this.internal = internalTopics(settings);
    }

    public static RequiredTopics of(OrchestratorSettings settings) {
        return new RequiredTopics(settings);
    }

    /** Baton's own topics, which the orchestrator creates at start when it may. */
    public List<Topic> own() {
        return own;
    }

    /** Kafka Streams' internal topics (the state stores' changelogs), named after the application id. */
    public List<Topic> internal() {
        return internal;
    }

    /** The topics a definition names (commands, compensations, outcomes, results), created when it is deployed. */
    public List<Topic> of(WorkflowDefinition definition) {
        var commands = new LinkedHashSet<String>();
        var outcomes = new LinkedHashSet<String>();
        for (StepDefinition s : definition.steps()) {
            if (s.topic() != null) { // a step that waits for a signal or calls HTTP has no worker topic
                commands.add(s.topic());
            }
            s.compensate().ifPresent(c -> commands.add(c.topic()));
            s.outcomeTopic().ifPresent(outcomes::add);
        }
        var emits = new LinkedHashSet<String>();
        definition.steps().forEach(s -> s.emit().ifPresent(e -> emits.add(e.topic())));
        var topics = new ArrayList<Topic>();
        topics.add(topic(definition.resultTopic(), WRITE, "results of " + definition.name()));
        commands.forEach(name -> topics.add(topic(name, WRITE, "commands to the workers of " + definition.name())));
        outcomes.forEach(name -> topics.add(topic(name, READ, "workers' outcomes for " + definition.name())));
        emits.forEach(name -> topics.add(topic(name, WRITE, "records published by " + definition.name())));
        definition
                .trigger()
                .ifPresent(t -> topics.add(topic(t.topic(), READ, "records that start " + definition.name())));
        return topics;
    }

    /**
     * The topics a definition's event steps wait on. They belong to the systems that publish the events, so Baton
     * checks neither their partitions nor their configs; it creates a missing one (when it may create topics) only so
     * that the event correlation can subscribe to it before its first event.
     */
    public List<Topic> eventTopicsOf(WorkflowDefinition definition) {
        var names = new LinkedHashSet<String>();
        for (StepDefinition s : definition.steps()) {
            s.event().ifPresent(e -> names.add(e.topic()));
        }
        var topics = new ArrayList<Topic>();
        names.forEach(name -> topics.add(topic(name, READ, "events that steps of " + definition.name() + " wait for")));
        return topics;
    }

    /** Every topic: Baton's own, Kafka Streams' internal ones and those of {@code definitions}, each name once. */
    public List<Topic> all(Collection<WorkflowDefinition> definitions) {
        var byName = new LinkedHashMap<String, Topic>();
        own.forEach(t -> byName.putIfAbsent(t.name(), t));
        internal.forEach(t -> byName.putIfAbsent(t.name(), t));
        for (WorkflowDefinition d : definitions) {
            for (Topic t : of(d)) {
                byName.merge(t.name(), t, RequiredTopics::union);
            }
        }
        return List.copyOf(byName.values());
    }

    /** The consumer groups the orchestrator joins: Kafka Streams', the HTTP executor's and the event correlation's. */
    public List<String> consumerGroups() {
        return List.of(
                settings.applicationId(),
                settings.applicationId() + ".http",
                settings.applicationId() + EventCorrelation.APPLICATION_SUFFIX);
    }

    /** Kafka Streams names its transactional producers {@code <application id>-<process>-<thread>}. */
    public String transactionalIdPrefix() {
        return settings.applicationId();
    }

    /** The ACLs {@code principal} (such as {@code User:baton}) needs to run the orchestrator on {@code topics}. */
    public List<AclBinding> acls(String principal, List<Topic> topics) {
        var acls = new ArrayList<AclBinding>();
        for (Topic t : topics) {
            var pattern = new ResourcePattern(ResourceType.TOPIC, t.name(), PatternType.LITERAL);
            t.operations().stream().sorted().forEach(op -> acls.add(allow(pattern, principal, op)));
        }
        for (String group : consumerGroups()) {
            acls.add(allow(
                    new ResourcePattern(ResourceType.GROUP, group, PatternType.LITERAL), principal, AclOperation.READ));
        }
        if (settings.exactlyOnce()) {
            var transactions =
                    new ResourcePattern(ResourceType.TRANSACTIONAL_ID, transactionalIdPrefix(), PatternType.PREFIXED);
            acls.add(allow(transactions, principal, AclOperation.DESCRIBE));
            acls.add(allow(transactions, principal, AclOperation.WRITE));
        }
        acls.add(allow(
                new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                principal,
                AclOperation.IDEMPOTENT_WRITE));
        return acls;
    }

    /**
     * What is missing or wrong on the cluster among {@code topics}: a topic that does not exist, has another partition
     * count, or should be compacted and is not. Empty when all is well.
     *
     * @throws IllegalStateException when the cluster cannot be asked
     */
    public static List<Problem> check(Admin admin, List<Topic> topics, Duration timeout) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            var present =
                    topics.stream().filter(t -> existing.contains(t.name())).toList();
            Map<String, TopicDescription> described = admin.describeTopics(
                            present.stream().map(Topic::name).toList())
                    .allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            var compacted = present.stream()
                    .filter(Topic::compacted)
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
                    .toList();
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(compacted).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            var problems = new ArrayList<Problem>();
            for (Topic t : topics) {
                if (!existing.contains(t.name())) {
                    problems.add(new Problem(t, MISSING));
                    continue;
                }
                int partitions = described.get(t.name()).partitions().size();
                if (partitions != t.partitions()) {
                    problems.add(new Problem(
                            t,
                            "has " + partitions + " partitions, Baton expects " + t.partitions() + " (--partitions)"));
                }
                if (t.compacted()) {
                    var policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
                            .get(TopicConfig.CLEANUP_POLICY_CONFIG);
                    String value = policy == null ? "" : policy.value();
                    if (!List.of(value.split(",")).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                        problems.add(new Problem(t, "is not compacted (cleanup.policy=" + value + ")"));
                    }
                }
            }
            return problems;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking Baton's topics", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("could not check Baton's topics: " + cause, cause);
        }
    }

    private Topic topic(String name, Set<AclOperation> operations, String purpose) {
        return new Topic(name, settings.partitions(), settings.replicationFactor(), Map.of(), operations, purpose);
    }

    private static List<Topic> ownTopics(OrchestratorSettings s) {
        BatonTopics t = s.topics();
        int p = s.partitions();
        short rf = s.replicationFactor();
        var topics = new ArrayList<>(List.of(
                new Topic(t.requests(), p, rf, Map.of(), READ_WRITE, "start requests, signals and operator actions"),
                new Topic(
                        t.callbacks(),
                        p,
                        rf,
                        Map.of(),
                        READ_WRITE,
                        "workers' outcomes; as many partitions as requests"),
                new Topic(t.status(), p, rf, Map.of(), WRITE, "instances' status changes"),
                new Topic(t.deadLetters(), p, rf, Map.of(), WRITE, "records Baton could not process"),
                new Topic(t.http(), p, rf, Map.of(), READ_WRITE, "HTTP steps' calls, for the HTTP executor"),
                new Topic(
                        WorkflowDefinition.DEFAULT_RESULT_TOPIC,
                        p,
                        rf,
                        Map.of(),
                        WRITE,
                        "results of workflows that name no result topic"),
                // why one partition: a global store reads it whole, and definitions are few.
                new Topic(t.definitions(), 1, rf, COMPACTED, CHECKED_READ_WRITE, "deployed workflow definitions"),
                // why one partition: a global store too; one record per paused worker topic.
                new Topic(t.topicPauses(), 1, rf, COMPACTED, CHECKED_READ_WRITE, "paused and resumed worker topics"),
                // why not compacted: it is keyed by correlation value, and every instance waiting for that value has
                // its own subscription under the same key.
                new Topic(
                        t.eventCorrelation(),
                        p,
                        rf,
                        Map.of(),
                        READ_WRITE,
                        "event steps' subscriptions and the events they wait for, keyed by correlation value")));
        if (s.schedules()) {
            // why one partition: one task owns every schedule, so that a tick starts one instance
            topics.add(new Topic(
                    t.schedules(), 1, rf, Map.of(), READ_WRITE, "schedule pauses and scheduled instances' ends"));
        }
        return List.copyOf(topics);
    }

    /**
     * The changelogs of the topology's state stores, {@code <application id>-<store>-changelog}, and its repartition
     * topics if it ever has any (today it has none), derived from the topology itself so that a new store is never
     * left out. Each has as many partitions as the requests topic (a
     * store's task per input partition). The global definitions store keeps no changelog: it reads its topic.
     */
    private static List<Topic> internalTopics(OrchestratorSettings s) {
        var description = OrchestratorTopology.build(s, new DefinitionRegistry(), OrchestratorMetrics.discarding())
                .describe();
        var stores = new LinkedHashSet<String>();
        var repartitions = new LinkedHashSet<String>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(new java.util.TreeSet<>(processor.stores()));
                }
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    source.topicSet().stream()
                            .filter(name -> name.endsWith("-repartition"))
                            .sorted()
                            .forEach(repartitions::add);
                }
            }
        }
        var topics = new ArrayList<Topic>();
        // The event correlation's stores (see EventCorrelation), keyed like the event-correlation topic.
        for (String store : List.of(
                EventCorrelation.SUBSCRIPTIONS_STORE,
                EventCorrelation.KEPT_EVENTS_STORE,
                EventCorrelation.EXPIRY_STORE)) {
            stores.add("events:" + store);
        }
        for (String repartition : repartitions) {
            topics.add(new Topic(
                    s.applicationId() + "-" + repartition,
                    s.partitions(),
                    s.replicationFactor(),
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE),
                    Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS),
                    "Kafka Streams' repartition topic " + repartition));
        }
        for (String store : stores) {
            String application = store.startsWith("events:")
                    ? s.applicationId() + EventCorrelation.APPLICATION_SUFFIX
                    : s.applicationId();
            store = store.startsWith("events:") ? store.substring("events:".length()) : store;
            topics.add(new Topic(
                    application + "-" + store + "-changelog",
                    // why: a changelog has as many partitions as its store's source, and schedules has one
                    store.equals(OrchestratorTopology.SCHEDULE_STORE) ? 1 : s.partitions(),
                    s.replicationFactor(),
                    CHANGELOG,
                    INTERNAL,
                    "Kafka Streams' changelog of the " + store + " store"));
        }
        return topics;
    }

    private static Topic union(Topic a, Topic b) {
        var operations = new LinkedHashSet<>(a.operations());
        operations.addAll(b.operations());
        return new Topic(a.name(), a.partitions(), a.replicationFactor(), a.configs(), operations, a.purpose());
    }

    private static AclBinding allow(ResourcePattern pattern, String principal, AclOperation operation) {
        return new AclBinding(pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
