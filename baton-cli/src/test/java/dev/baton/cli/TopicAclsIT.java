package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.definition.DefinitionReader;
import dev.baton.engine.Instance;
import dev.baton.engine.Outcome;
import dev.baton.engine.ProcessStatus;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import dev.baton.server.runtime.TopicProvisioningException;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 4: the ACLs {@code baton topics --print} writes are enough. The broker authorizes every request
 * (StandardAuthorizer, nothing allowed without an ACL); an administrator applies the printed script's topics and
 * ACLs, and the orchestrator, authenticated as the printed principal and nothing more, starts without creating topics
 * and runs an instance to its end. A principal without ACLs is told that it may not create topics, and what to do.
 */
class TopicAclsIT {
    static final String JAAS =
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"%s\" password=\"%s\";";

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Admin admin;

    static Map<String, Object> client(String user) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                String.format(JAAS, user, user + "-secret"));
    }

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(
                dir.resolve("kafka"),
                0,
                Map.of(
                        "listener.security.protocol.map",
                        "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "sasl.enabled.mechanisms",
                        "PLAIN",
                        "sasl.mechanism.inter.broker.protocol",
                        "PLAIN",
                        "listener.name.plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
                                + " password=\"admin-secret\" user_admin=\"admin-secret\" user_baton=\"baton-secret\""
                                + " user_intruder=\"intruder-secret\";",
                        "authorizer.class.name",
                        "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                        // why ANONYMOUS: the broker reaches its own controller over the plaintext controller listener
                        "super.users",
                        "User:admin;User:ANONYMOUS",
                        "auto.create.topics.enable",
                        "false"),
                client("admin"));
        var settings = new java.util.HashMap<String, Object>(client("admin"));
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        admin = Admin.create(settings);
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        kafka.close();
    }

    @Test
    void shouldRunTheOrchestratorWithOnlyThePrintedAcls() throws Exception {
        Path definition = Files.writeString(dir.resolve("guarded.yaml"), """
                name: guarded
                steps:
                  - id: work
                    topic: guarded.work
                """);
        String script = print(
                "topics",
                "--print",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--partitions",
                "2",
                "--replication-factor",
                "1",
                "--application-id",
                "guarded",
                "--principal",
                "User:baton",
                "--definition",
                definition.toString());
        admin.createTopics(ScriptLines.topics(script)).all().get(30, TimeUnit.SECONDS);
        admin.createAcls(ScriptLines.acls(script)).all().get(30, TimeUnit.SECONDS);
        // why: a broker applies new ACLs from the metadata log a moment after the controller accepted them
        var asBaton = new java.util.HashMap<String, Object>(client("baton"));
        asBaton.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin baton = Admin.create(asBaton)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> baton.listTopics().names().get().contains("baton.requests"));
        }

        try (var orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .applicationId("guarded")
                                .stateDir(dir.resolve("streams"))
                                .partitions(2)
                                .createTopics(false)
                                .kafkaProperties(client("baton"))
                                .build())
                        .start(Duration.ofSeconds(120));
                var worker = Worker.create(
                        WorkerOptions.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .commandTopic("guarded.work")
                                .kafkaProperties(client("admin"))
                                .build(),
                        ctx -> Map.of("done", true))) {
            worker.start();
            orchestrator.deploy(DefinitionReader.read(Files.readString(definition), "guarded.yaml"));
            orchestrator.start("guarded-1", new StartRequest("guarded", null, Map.of(), null));
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> orchestrator
                                    .localInstance("guarded-1")
                                    .map(Instance::status)
                                    .orElse(null),
                            ProcessStatus.COMPLETED::equals);
            assertThat(orchestrator.localInstance("guarded-1").orElseThrow().outcome())
                    .isEqualTo(Outcome.SUCCEEDED);
        }
    }

    @Test
    void shouldSayThatAPrincipalMayNotCreateTopicsAndWhatToDo() {
        assertThatThrownBy(() -> new Orchestrator(OrchestratorSettings.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .applicationId("intruder")
                                .stateDir(dir.resolve("streams-intruder"))
                                .kafkaProperties(client("intruder"))
                                .build())
                        .start(Duration.ofSeconds(60)))
                .isInstanceOf(TopicProvisioningException.class)
                .hasMessageContaining("may not create topics")
                .hasMessageContaining("TopicAuthorizationException")
                .hasMessageContaining("baton topics --print")
                .hasMessageContaining("--no-create-topics");
    }

    static String print(String... args) {
        var out = new ByteArrayOutputStream();
        PrintStream before = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(BatonCli.run(args)).isZero();
        } finally {
            System.setOut(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
