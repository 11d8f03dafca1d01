package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.definition.DefinitionReader;
import dev.baton.engine.Instance;
import dev.baton.engine.Outcome;
import dev.baton.engine.ProcessStatus;
import dev.baton.protocol.StartRequest;
import dev.baton.server.api.HttpApi;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import dev.baton.server.runtime.TopicProvisioningException;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 4: on a broker where nothing creates topics by itself, {@code baton server --no-create-topics}
 * refuses to start while topics are missing or mis-sized, naming each and the command that creates it; once the
 * commands {@code baton topics --print} wrote have run (parsed from the script and applied through the Admin client,
 * so that the script itself is what is tested), the orchestrator starts, runs an instance to its end, and has needed
 * no topic the script did not create. The tests run in order: each changes the broker for the next.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopicProvisioningIT {
    static final int PARTITIONS = 2;
    static final String DEFINITION = """
            name: provisioned
            resultTopic: provisioned.results
            steps:
              - id: work
                topic: provisioned.work
            """;

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Admin admin;
    static Path definition;
    static String script;

    @BeforeAll
    static void start() throws Exception {
        // why: a locked-down cluster creates no topic on a client's first use either
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, Map.of("auto.create.topics.enable", "false"), Map.of());
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        definition = Files.writeString(dir.resolve("provisioned.yaml"), DEFINITION);
        script = printedScript();
    }

    @AfterAll
    static void stop() {
        admin.close();
        kafka.close();
    }

    @Test
    @Order(1)
    void shouldRefuseToStartWithoutTopicsAndGiveTheCommandThatCreatesEach() throws Exception {
        var refusal = runServer();

        assertThat(refusal.code).isEqualTo(2);
        assertThat(refusal.err).contains("--no-create-topics").contains("baton topics --print");
        Map<String, String> lines = ScriptLines.topicLines(script);
        lines.keySet().stream()
                .filter(name -> !name.startsWith("provisioned.")) // a definition's topics are checked when deployed
                .forEach(name ->
                        assertThat(refusal.err).contains(name + ": missing").contains("create it: " + lines.get(name)));
        assertThat(userTopics()).isEmpty();
    }

    @Test
    @Order(2)
    void shouldRefuseATopicWithAnotherPartitionCountOrWithoutCompaction() throws Exception {
        for (NewTopic t : ScriptLines.topics(script)) {
            if (t.name().equals("baton.callbacks")) {
                create(new NewTopic(t.name(), PARTITIONS + 1, t.replicationFactor()));
            } else if (t.name().equals("baton.definitions")) {
                create(new NewTopic(t.name(), t.numPartitions(), t.replicationFactor())); // without its configs
            } else {
                create(t);
            }
        }

        var refusal = runServer();

        assertThat(refusal.code).isEqualTo(2);
        assertThat(refusal.err)
                .contains("baton.callbacks: has 3 partitions, Baton expects 2 (--partitions)")
                .contains("baton.definitions: is not compacted (cleanup.policy=delete)")
                .contains(ScriptLines.topicLines(script).get("baton.callbacks"))
                .doesNotContain("baton.requests:")
                .doesNotContain("changelog:");
    }

    @Test
    @Order(3)
    void shouldStartOnTheTopicsThePrintedScriptCreatesAndRunAnInstanceToItsEnd() throws Exception {
        admin.deleteTopics(List.of("baton.callbacks", "baton.definitions"))
                .all()
                .get(30, TimeUnit.SECONDS);
        for (NewTopic t : ScriptLines.topics(script)) {
            if (t.name().equals("baton.callbacks") || t.name().equals("baton.definitions")) {
                // deletion finishes in the background; until then the name is still taken
                await().atMost(Duration.ofSeconds(30)).until(() -> tryCreate(t));
            }
        }
        Set<String> created = userTopics();
        assertThat(created)
                .containsExactlyInAnyOrderElementsOf(
                        ScriptLines.topics(script).stream().map(NewTopic::name).toList());

        try (var orchestrator = new Orchestrator(settings()).start(Duration.ofSeconds(120));
                var worker = Worker.create(
                        WorkerOptions.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .commandTopic("provisioned.work")
                                .build(),
                        ctx -> Map.of("done", true))) {
            worker.start();
            orchestrator.deploy(DefinitionReader.read(DEFINITION, "provisioned.yaml"));
            orchestrator.start("provisioned-1", new StartRequest("provisioned", null, Map.of("n", 1), null));
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> orchestrator
                                    .localInstance("provisioned-1")
                                    .map(Instance::status)
                                    .orElse(null),
                            ProcessStatus.COMPLETED::equals);
            assertThat(orchestrator.localInstance("provisioned-1").orElseThrow().outcome())
                    .isEqualTo(Outcome.SUCCEEDED);

            // why: Kafka Streams creates internal topics it finds missing; none appeared, so the script had them all
            assertThat(userTopics()).isEqualTo(created);

            String undeclared = "name: undeclared\nsteps:\n  - id: a\n    topic: undeclared.work\n";
            assertThatThrownBy(() -> orchestrator.deploy(DefinitionReader.read(undeclared, "undeclared.yaml")))
                    .isInstanceOf(TopicProvisioningException.class)
                    .hasMessageContaining("undeclared.work: missing (or this principal may not Describe it)")
                    .hasMessageContaining("kafka-topics.sh --bootstrap-server " + kafka.bootstrapServers()
                            + " --create --if-not-exists --topic undeclared.work");
            try (var api = new HttpApi(orchestrator).start("127.0.0.1", 0)) {
                var response = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/workflows"))
                                        .header("Content-Type", "application/yaml")
                                        .POST(HttpRequest.BodyPublishers.ofString(undeclared))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(409);
                assertThat(response.body()).contains("undeclared.work: missing");
            }
            assertThat(userTopics()).isEqualTo(created);
        }
    }

    static OrchestratorSettings settings() {
        return OrchestratorSettings.newBuilder()
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(dir.resolve("streams"))
                .partitions(PARTITIONS)
                .createTopics(false)
                .build();
    }

    static String printedScript() {
        var out = new ByteArrayOutputStream();
        PrintStream before = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(BatonCli.run(
                            "topics",
                            "--print",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--partitions",
                            String.valueOf(PARTITIONS),
                            "--replication-factor",
                            "1",
                            "--definition",
                            definition.toString()))
                    .isZero();
        } finally {
            System.setOut(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    record Refusal(int code, String err) {}

    static Refusal runServer() throws Exception {
        var err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try (var port = new ServerSocket(0)) {
            int free = port.getLocalPort();
            port.close();
            code = BatonCli.run(
                    "server",
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--no-create-topics",
                    "--partitions",
                    String.valueOf(PARTITIONS),
                    "--data-dir",
                    dir.resolve("cli").toString(),
                    "--http-port",
                    String.valueOf(free));
        } finally {
            System.setErr(before);
        }
        return new Refusal(code, err.toString(StandardCharsets.UTF_8));
    }

    static Set<String> userTopics() throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(n -> !n.startsWith("__"))
                .collect(Collectors.toSet());
    }

    static void create(NewTopic topic) throws Exception {
        admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    }

    static boolean tryCreate(NewTopic topic) throws Exception {
        try {
            create(topic);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }
}
