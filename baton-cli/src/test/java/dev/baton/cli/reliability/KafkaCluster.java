package dev.baton.cli.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A cluster of real Kafka brokers on this machine, each node a {@code baton kafka --node-id ...} process of its own
 * with a fixed client port, controller port and data directory: broker and controller at once, in a static quorum of
 * all the nodes, replication factor 3 and {@code min.insync.replicas} 2. A node can be killed and started again where
 * it left off.
 */
final class KafkaCluster implements AutoCloseable {
    final List<BrokerProcess> nodes;
    private final Admin admin;

    KafkaCluster(Path dir, int size) {
        String clusterId = Uuid.randomUuid().toString();
        List<Integer> ports = IntStream.range(0, 2 * size)
                .map(i -> OrchestratorProcess.freePort())
                .boxed()
                .toList();
        if (Set.copyOf(ports).size() != ports.size()) {
            throw new IllegalStateException("the same free port came twice: " + ports);
        }
        String voters = IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + ports.get(size + i))
                .collect(Collectors.joining(","));
        var all = new ArrayList<BrokerProcess>();
        for (int i = 0; i < size; i++) {
            all.add(BrokerProcess.clusterNode(dir.resolve("node-" + (i + 1)), i + 1, ports.get(i), clusterId, voters));
        }
        nodes = List.copyOf(all);
        admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000));
    }

    /** Every node's address: what an operator gives a client of a cluster. */
    String bootstrapServers() {
        return nodes.stream().map(BrokerProcess::bootstrapServers).collect(Collectors.joining(","));
    }

    /** Starts every node at once (none can finish alone) and waits until all answer. */
    KafkaCluster start(Duration timeout) {
        nodes.forEach(BrokerProcess::launch);
        nodes.forEach(n -> n.awaitReady(timeout));
        return this;
    }

    /** The node with this id (1-based, as Kafka numbers them). */
    BrokerProcess node(int id) {
        return nodes.get(id - 1);
    }

    int idOf(BrokerProcess node) {
        return nodes.indexOf(node) + 1;
    }

    /** Every partition of these topics, as the cluster's metadata describes them now. */
    Map<String, TopicDescription> describe(Collection<String> topics) {
        try {
            return new TreeMap<>(admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new AssertionError("cannot describe " + topics, e);
        }
    }

    /** Every topic, Kafka's own (__consumer_offsets, __transaction_state) included. */
    Set<String> topics() {
        try {
            return admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                    .names()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot list topics", e);
        }
    }

    /**
     * The live node that leads the most partitions of {@code topics}, by the cluster's metadata (a leader that was just
     * killed keeps its partitions until the controller notices, so dead nodes are left out).
     */
    BrokerProcess busiestLeader(Collection<String> topics) {
        Map<Integer, Long> led = describe(topics).values().stream()
                .flatMap(d -> d.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .filter(leader ->
                        leader != null && leader.id() >= 1 && node(leader.id()).isAlive())
                .collect(Collectors.groupingBy(leader -> leader.id(), Collectors.counting()));
        return led.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(e -> node(e.getKey()))
                .orElseThrow(() -> new AssertionError("no live node leads a partition of " + topics));
    }

    /** How many partitions of {@code topics} each node leads, for the figures. */
    Map<Integer, Long> leadership(Collection<String> topics) {
        return new TreeMap<>(describe(topics).values().stream()
                .flatMap(d -> d.partitions().stream())
                .filter(p -> p.leader() != null && p.leader().id() >= 1)
                .collect(Collectors.groupingBy(p -> p.leader().id(), Collectors.counting())));
    }

    Admin admin() {
        return admin;
    }

    /** The end of a test: kill -9 every node (a clean stop of the last nodes would wait for a quorum in vain). */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        nodes.forEach(BrokerProcess::kill);
    }
}
