package dev.baton.cli;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.runtime.OrchestratorSettings;
import dev.baton.server.runtime.ProvisioningScript;
import dev.baton.server.runtime.RequiredTopics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = {
            "Print what Baton needs on a cluster where applications may not create topics: every topic (partitions,"
                    + " replication, configs), Kafka Streams' internal topics and the ACLs of the orchestrator's"
                    + " principal, as kafka-topics.sh/kafka-acls.sh commands or Strimzi manifests.",
            "Then run the orchestrator with `baton server --no-create-topics` and the same --partitions."
        })
final class TopicsCommand implements Callable<Integer> {
    enum Format {
        script,
        strimzi
    }

    @Option(
            names = "--topic-pauses",
            description = "The orchestrators run with --topic-pauses: include the held commands' changelog.")
    boolean topicPauses;

    @Option(
            names = "--schedules",
            description = "The orchestrators run with --schedules: include the schedules topic and its store's"
                    + " changelog.")
    boolean schedules;

    @Option(names = "--print", required = true, description = "Print the topics and ACLs (to standard output).")
    boolean print;

    @Option(
            names = "--format",
            defaultValue = "script",
            description = "script (kafka-topics.sh and kafka-acls.sh commands) or strimzi (KafkaTopic and KafkaUser"
                    + " manifests); default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(
            names = "--partitions",
            defaultValue = "3",
            description = "Partitions of Baton's topics; give the server the same (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--replication-factor",
            defaultValue = "3",
            description = "Replication factor of every topic (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(
            names = "--application-id",
            defaultValue = "baton-orchestrator",
            description = "The orchestrator's Kafka Streams application id: its consumer group, transactional id"
                    + " prefix and internal topics' prefix (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(
            names = "--principal",
            defaultValue = "User:baton",
            description = "The orchestrator's Kafka principal, for the ACLs; with --format strimzi, the KafkaUser's"
                    + " name is what follows 'User:' (default: ${DEFAULT-VALUE}).")
    String principal;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "localhost:9092",
            paramLabel = "HOST:PORT,...",
            description = "The cluster the printed commands talk to (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            description = "An admin's client properties file for the printed commands (their --command-config).")
    String commandConfig;

    @Option(
            names = "--definition",
            paramLabel = "FILE",
            description = "Workflow definitions to be deployed: their command, outcome and result topics are added;"
                    + " repeatable.")
    List<Path> definitions = List.of();

    @Option(
            names = "--strimzi-cluster",
            defaultValue = "my-cluster",
            description = "The Strimzi Kafka resource, for the strimzi.io/cluster label (default: ${DEFAULT-VALUE}).")
    String strimziCluster;

    @Option(
            names = "--strimzi-authentication",
            defaultValue = "tls",
            description = "The KafkaUser's authentication: tls or scram-sha-512 (default: ${DEFAULT-VALUE}).")
    String strimziAuthentication;

    @Override
    public Integer call() throws Exception {
        if (!List.of("tls", "scram-sha-512").contains(strimziAuthentication)) {
            System.err.println("baton: --strimzi-authentication is tls or scram-sha-512, not " + strimziAuthentication);
            return 2;
        }
        var read = new ArrayList<WorkflowDefinition>();
        for (Path file : definitions) {
            WorkflowDefinition d = ValidateCommand.readOrReport(file);
            if (d == null) {
                return 2;
            }
            read.add(d);
        }
        var settings = OrchestratorSettings.newBuilder()
                .applicationId(applicationId)
                .partitions(partitions)
                .replicationFactor(replicationFactor)
                .topicPauses(topicPauses)
                .schedules(schedules)
                .build();
        RequiredTopics required = RequiredTopics.of(settings);
        List<RequiredTopics.Topic> topics = required.all(read);
        System.out.print(
                switch (format) {
                    case script ->
                        new ProvisioningScript(bootstrapServers, Optional.ofNullable(commandConfig))
                                .script(required, topics, principal);
                    case strimzi ->
                        new StrimziManifests(strimziCluster, strimziAuthentication)
                                .manifests(required, topics, principal.replaceFirst("^User:", ""));
                });
        return 0;
    }
}
