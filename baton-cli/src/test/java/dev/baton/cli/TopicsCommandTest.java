package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton topics --print}: the script's commands and the Strimzi manifests, read back as Kafka would read them. */
class TopicsCommandTest {
    static final String CHANGELOG_CONFIGS = "cleanup.policy=compact,message.timestamp.type=CreateTime";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void shouldPrintEveryTopicWithItsPartitionsReplicationAndConfigs() {
        assertThat(BatonCli.run("topics", "--print", "--partitions", "12", "--replication-factor", "3"))
                .isZero();
        List<NewTopic> topics = ScriptLines.topics(printed());

        assertThat(topics)
                .extracting(
                        NewTopic::name,
                        NewTopic::numPartitions,
                        NewTopic::replicationFactor,
                        TopicsCommandTest::configs)
                .containsExactly(
                        tuple("baton.requests", 12, (short) 3, ""),
                        tuple("baton.callbacks", 12, (short) 3, ""),
                        tuple("baton.status", 12, (short) 3, ""),
                        tuple("baton.dlq", 12, (short) 3, ""),
                        tuple("baton.http", 12, (short) 3, ""),
                        tuple("baton.results", 12, (short) 3, ""),
                        tuple("baton.definitions", 1, (short) 3, "cleanup.policy=compact"),
                        tuple("baton.topic-pauses", 1, (short) 3, "cleanup.policy=compact"),
                        tuple("baton.event-correlation", 12, (short) 3, ""),
                        tuple("baton-orchestrator-baton-instances-changelog", 12, (short) 3, CHANGELOG_CONFIGS),
                        tuple("baton-orchestrator-baton-timers-changelog", 12, (short) 3, CHANGELOG_CONFIGS),
                        tuple("baton-orchestrator-baton-traces-changelog", 12, (short) 3, CHANGELOG_CONFIGS),
                        tuple(
                                "baton-orchestrator-events-baton-event-subscriptions-changelog",
                                12,
                                (short) 3,
                                CHANGELOG_CONFIGS),
                        tuple(
                                "baton-orchestrator-events-baton-events-kept-changelog",
                                12,
                                (short) 3,
                                CHANGELOG_CONFIGS),
                        tuple(
                                "baton-orchestrator-events-baton-events-expiry-changelog",
                                12,
                                (short) 3,
                                CHANGELOG_CONFIGS));
        assertThat(printed()).startsWith("#!/bin/sh").contains("set -e");
        out.reset();
        assertThat(BatonCli.run("topics", "--print", "--topic-pauses")).isZero();
        assertThat(ScriptLines.topics(printed()))
                .extracting(NewTopic::name)
                .as("with --topic-pauses the held commands have a changelog too")
                .contains("baton-orchestrator-baton-held-commands-changelog");
        out.reset();
        assertThat(BatonCli.run("topics", "--print", "--partitions", "12", "--replication-factor", "3"))
                .isZero();
        assertThat(ScriptLines.commands(printed(), "kafka-topics.sh"))
                .allSatisfy(words -> assertThat(words).contains("--if-not-exists"));
    }

    @Test
    void shouldAddTheSchedulesTopicAndItsOnePartitionChangelogWithSchedules() {
        assertThat(BatonCli.run("topics", "--print", "--partitions", "12")).isZero();
        assertThat(ScriptLines.topics(printed())).extracting(NewTopic::name).doesNotContain("baton.schedules");
        out.reset();
        assertThat(BatonCli.run("topics", "--print", "--partitions", "12", "--schedules"))
                .isZero();
        assertThat(ScriptLines.topics(printed()))
                .filteredOn(t -> t.name().contains("schedules"))
                .extracting(NewTopic::name, NewTopic::numPartitions)
                .as("one task owns every schedule, so the topic and the store's changelog have one partition")
                .containsExactly(tuple("baton.schedules", 1), tuple("baton-orchestrator-baton-schedules-changelog", 1));
    }

    @Test
    void shouldGrantThePrincipalItsTopicsGroupsTransactionsAndIdempotentWrites() {
        assertThat(BatonCli.run("topics", "--print", "--principal", "User:orders-baton", "--application-id", "orders"))
                .isZero();
        List<AclBinding> acls = ScriptLines.acls(printed());

        assertThat(acls).allSatisfy(acl -> assertThat(acl.entry().principal()).isEqualTo("User:orders-baton"));
        assertThat(operationsOn(acls, ResourceType.TOPIC, "baton.requests"))
                .containsExactlyInAnyOrder(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);
        assertThat(operationsOn(acls, ResourceType.TOPIC, "baton.status"))
                .containsExactlyInAnyOrder(AclOperation.WRITE, AclOperation.DESCRIBE);
        assertThat(operationsOn(acls, ResourceType.TOPIC, "baton.definitions")).contains(AclOperation.DESCRIBE_CONFIGS);
        assertThat(operationsOn(acls, ResourceType.TOPIC, "orders-baton-instances-changelog"))
                .contains(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS);
        assertThat(operationsOn(acls, ResourceType.GROUP, "orders")).containsExactly(AclOperation.READ);
        assertThat(operationsOn(acls, ResourceType.GROUP, "orders.http")).containsExactly(AclOperation.READ);
        assertThat(acls)
                .filteredOn(a -> a.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID)
                .extracting(
                        a -> a.pattern().name(),
                        a -> a.pattern().patternType(),
                        a -> a.entry().operation())
                .containsExactlyInAnyOrder(
                        tuple("orders", PatternType.PREFIXED, AclOperation.DESCRIBE),
                        tuple("orders", PatternType.PREFIXED, AclOperation.WRITE));
        assertThat(operationsOn(acls, ResourceType.CLUSTER, "kafka-cluster"))
                .containsExactly(AclOperation.IDEMPOTENT_WRITE);
        // every topic the script creates has its ACLs, and no ACL names a topic the script does not create
        assertThat(acls.stream()
                        .filter(a -> a.pattern().resourceType() == ResourceType.TOPIC)
                        .map(a -> a.pattern().name())
                        .distinct())
                .containsExactlyElementsOf(ScriptLines.topics(printed()).stream()
                        .map(NewTopic::name)
                        .toList());
    }

    @Test
    void shouldAddTheTopicsOfTheDefinitionsToBeDeployed() throws Exception {
        Path file = Files.writeString(dir.resolve("orders.yaml"), """
                name: orders
                resultTopic: orders.results
                steps:
                  - id: reserve
                    topic: stock.commands
                    compensate:
                      topic: stock.release
                  - id: charge
                    topic: payments.commands
                    outcomeTopic: payments.outcomes
                    after: [reserve]
                """);
        assertThat(BatonCli.run("topics", "--print", "--partitions", "6", "--definition", file.toString()))
                .isZero();
        String script = printed();
        List<AclBinding> acls = ScriptLines.acls(script);

        assertThat(ScriptLines.topics(script))
                .extracting(NewTopic::name, NewTopic::numPartitions)
                .contains(
                        tuple("orders.results", 6),
                        tuple("stock.commands", 6),
                        tuple("stock.release", 6),
                        tuple("payments.commands", 6),
                        tuple("payments.outcomes", 6));
        assertThat(operationsOn(acls, ResourceType.TOPIC, "stock.commands"))
                .containsExactlyInAnyOrder(AclOperation.WRITE, AclOperation.DESCRIBE);
        assertThat(operationsOn(acls, ResourceType.TOPIC, "payments.outcomes"))
                .containsExactlyInAnyOrder(AclOperation.READ, AclOperation.DESCRIBE);
    }

    @Test
    void shouldRefuseADefinitionThatDoesNotRead() throws Exception {
        Path file = Files.writeString(dir.resolve("broken.yaml"), "name: broken\nsteps: []\n");
        assertThat(BatonCli.run("topics", "--print", "--definition", file.toString()))
                .isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("broken.yaml");
    }

    @Test
    void shouldQuoteAPrincipalTheShellWouldSplit() {
        assertThat(BatonCli.run("topics", "--print", "--principal", "User:CN=baton,O=Example Corp"))
                .isZero();
        assertThat(printed()).contains("--allow-principal 'User:CN=baton,O=Example Corp'");
        assertThat(ScriptLines.acls(printed()))
                .allSatisfy(acl -> assertThat(acl.entry().principal()).isEqualTo("User:CN=baton,O=Example Corp"));
    }

    @Test
    void shouldWriteStrimziTopicsAndAUserWithTheSameTopicsAndAcls() throws Exception {
        assertThat(BatonCli.run("topics", "--print", "--partitions", "6", "--replication-factor", "3"))
                .isZero();
        String script = printed();
        out.reset();
        assertThat(BatonCli.run(
                        "topics",
                        "--print",
                        "--format",
                        "strimzi",
                        "--partitions",
                        "6",
                        "--replication-factor",
                        "3",
                        "--strimzi-cluster",
                        "prod",
                        "--strimzi-authentication",
                        "scram-sha-512"))
                .isZero();
        List<JsonNode> documents = new ArrayList<>();
        try (var it =
                new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(printed())) {
            it.forEachRemaining(d -> documents.add((JsonNode) d));
        }

        var kafkaTopics = documents.stream()
                .filter(d -> d.path("kind").asText().equals("KafkaTopic"))
                .toList();
        assertThat(documents).allSatisfy(d -> {
            assertThat(d.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(d.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText())
                    .isEqualTo("prod");
            assertThat(d.path("metadata").path("name").asText()).matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
        });
        assertThat(kafkaTopics)
                .extracting(
                        d -> d.path("spec").path("topicName").asText(),
                        d -> d.path("spec").path("partitions").asInt(),
                        d -> d.path("spec").path("replicas").asInt(),
                        d -> configs(d.path("spec").path("config")))
                .containsExactlyElementsOf(ScriptLines.topics(script).stream()
                        .map(t -> tuple(t.name(), t.numPartitions(), (int) t.replicationFactor(), configs(t)))
                        .toList());

        var users = documents.stream()
                .filter(d -> d.path("kind").asText().equals("KafkaUser"))
                .toList();
        assertThat(users).hasSize(1);
        JsonNode user = users.get(0);
        assertThat(user.path("metadata").path("name").asText()).isEqualTo("baton");
        assertThat(user.path("spec").path("authentication").path("type").asText())
                .isEqualTo("scram-sha-512");
        assertThat(user.path("spec").path("authorization").path("type").asText())
                .isEqualTo("simple");
        var strimziAcls = new ArrayList<String>();
        for (JsonNode rule : user.path("spec").path("authorization").path("acls")) {
            JsonNode r = rule.path("resource");
            for (JsonNode op : rule.path("operations")) {
                strimziAcls.add(r.path("type").asText() + " " + r.path("name").asText("-") + " "
                        + r.path("patternType").asText("-") + " " + op.asText());
            }
        }
        var scriptAcls = ScriptLines.acls(script).stream()
                .map(a -> strimziType(a.pattern().resourceType()) + " "
                        + (a.pattern().resourceType() == ResourceType.CLUSTER
                                ? "-"
                                : a.pattern().name()) + " "
                        + (a.pattern().resourceType() == ResourceType.CLUSTER
                                ? "-"
                                : a.pattern().patternType() == PatternType.PREFIXED ? "prefix" : "literal")
                        + " "
                        + org.apache.kafka.common.utils.internals.SecurityUtils.operationName(
                                a.entry().operation()))
                .toList();
        assertThat(strimziAcls).containsExactlyInAnyOrderElementsOf(scriptAcls).contains("cluster - - IdempotentWrite");
    }

    @Test
    void shouldNameKubernetesResourcesValidlyAndDistinctly() {
        assertThat(StrimziManifests.resourceName("baton.requests")).isEqualTo("baton.requests");
        assertThat(StrimziManifests.resourceName("Orders_A"))
                .matches("orders-a-[0-9a-f]+")
                .isNotEqualTo(StrimziManifests.resourceName("orders-a"));
        assertThat(StrimziManifests.resourceName("_x_")).matches("x-[0-9a-f]+");
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String configs(NewTopic t) {
        return t.configs() == null
                ? ""
                : t.configs().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(","));
    }

    private static String configs(JsonNode config) {
        var entries = new ArrayList<String>();
        config.fields()
                .forEachRemaining(
                        e -> entries.add(e.getKey() + "=" + e.getValue().asText()));
        entries.sort(null);
        return String.join(",", entries);
    }

    private static String strimziType(ResourceType type) {
        return switch (type) {
            case TOPIC -> "topic";
            case GROUP -> "group";
            case TRANSACTIONAL_ID -> "transactionalId";
            case CLUSTER -> "cluster";
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    private static List<AclOperation> operationsOn(List<AclBinding> acls, ResourceType type, String name) {
        return acls.stream()
                .filter(a ->
                        a.pattern().resourceType() == type && a.pattern().name().equals(name))
                .map(a -> a.entry().operation())
                .toList();
    }
}
