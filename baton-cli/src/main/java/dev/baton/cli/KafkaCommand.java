package dev.baton.cli;

import dev.baton.server.kafka.EmbeddedKafka;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        description = {
            "Run only the embedded single-node Kafka broker, for local development.",
            "With --node-id, --cluster-id and --controller-quorum: one node of a test cluster on this machine "
                    + "(replication factor 3, min.insync.replicas 2), each node in a process of its own."
        })
final class KafkaCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--node-id",
            paramLabel = "ID",
            description = "This node's id in the cluster: one of the ids in --controller-quorum.")
    Integer nodeId;

    @Option(
            names = "--cluster-id",
            paramLabel = "UUID",
            description = "The cluster's id, the same on every node (a base64 UUID, 22 characters).")
    String clusterId;

    @Option(
            names = "--controller-quorum",
            paramLabel = "ID@127.0.0.1:PORT,...",
            description = "Every node of the cluster with its controller port, the same on every node.")
    String controllerQuorum;

    @Override
    public Integer call() throws Exception {
        EmbeddedKafka kafka;
        if (nodeId == null && clusterId == null && controllerQuorum == null) {
            kafka = EmbeddedKafka.start(cluster.dataDir.resolve("kafka"), cluster.kafkaPort);
        } else {
            if (nodeId == null || clusterId == null || controllerQuorum == null) {
                throw new ParameterException(
                        spec.commandLine(),
                        "a cluster node needs all of --node-id, --cluster-id and --controller-quorum");
            }
            EmbeddedKafka.ClusterNode node;
            try {
                node = new EmbeddedKafka.ClusterNode(nodeId, clusterId, controllerQuorum);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            System.out.println("Starting Kafka node " + nodeId + " of " + controllerQuorum
                    + "; it is ready once a majority of the nodes runs");
            kafka = EmbeddedKafka.startClusterNode(cluster.dataDir.resolve("kafka"), cluster.kafkaPort, node);
        }
        System.out.println("Kafka is running at " + kafka.bootstrapServers() + " (data in " + kafka.dataDir()
                + "; Ctrl-C to stop)");
        var done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            done.countDown();
        }));
        done.await();
        return 0;
    }
}
