package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.server.api.HttpApi;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorMetrics;
import dev.baton.server.runtime.OrchestratorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI commands that talk to a server's REST API (deploy, start, status), against a real orchestrator and broker. */
class ClientCommandsIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;

    static final String DEFINITION = """
            name: cli-flow
            steps:
              - id: first
                topic: cli.first.commands
              - id: second
                topic: cli.second.commands
                after: [first]
            """;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(
                        OrchestratorSettings.newBuilder()
                                .topicPauses(true)
                                .schedules(true)
                                .bootstrapServers(kafka.bootstrapServers())
                                .applicationId("cli-it")
                                .stateDir(dir.resolve("streams"))
                                .partitions(1)
                                .build(),
                        OrchestratorMetrics.prometheus())
                .start(Duration.ofSeconds(60));
        api = new HttpApi(orchestrator).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        api.close();
        orchestrator.close();
        kafka.close();
    }

    @Test
    void shouldDeployStartAndShowThroughTheCli() throws Exception {
        Path file = Files.writeString(dir.resolve("cli-flow.yaml"), DEFINITION);
        String server = "http://127.0.0.1:" + api.port();
        assertThat(BatonCli.run("deploy", file.toString(), "--server", server)).isZero();
        assertThat(BatonCli.run("start", "cli-flow", "--input", "{\"a\":1}", "--id", "cli-1", "--server", server))
                .isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> BatonCli.run("status", "cli-1", "--server", server) == 0);
        assertThat(BatonCli.run("start", "cli-flow", "--input", "{broken", "--server", server))
                .isEqualTo(2);
        assertThat(BatonCli.run("status", "no-such-instance", "--server", server))
                .isEqualTo(1);
    }

    @Test
    void shouldPauseListAndResumeAWorkerTopicThroughTheCli() {
        String server = "http://127.0.0.1:" + api.port();
        assertThat(BatonCli.run("pause-topic", "cli.second.commands", "--server", server))
                .as("a pause needs a reason")
                .isEqualTo(1);
        assertThat(BatonCli.run(
                        "pause-topic",
                        "cli.second.commands",
                        "--reason",
                        "second service down",
                        "--release-rate",
                        "5",
                        "--server",
                        server))
                .isZero();
        String listed = stdout(() -> BatonCli.run("paused-topics", "--server", server));
        assertThat(listed).contains("cli.second.commands").contains("paused").contains("second service down");
        String json = stdout(() -> BatonCli.run("paused-topics", "-o", "json", "--server", server));
        assertThat(json).contains("\"releaseRate\" : 5").contains("\"held\" : 0");
        assertThat(BatonCli.run("resume-topic", "cli.second.commands", "--reason", "back", "--server", server))
                .isZero();
        assertThat(BatonCli.run("resume-topic", "cli.second.commands", "--reason", "again", "--server", server))
                .as("not paused any more")
                .isEqualTo(1);
        assertThat(stdout(() -> BatonCli.run("paused-topics", "--server", server)))
                .doesNotContain("cli.second.commands");
    }

    @Test
    void shouldListPauseAndResumeAScheduleThroughTheCli() throws Exception {
        String server = "http://127.0.0.1:" + api.port();
        Path file = Files.writeString(dir.resolve("cli-nightly.yaml"), """
                name: cli-nightly
                schedule: { cron: "0 2 * * *", timeZone: Europe/Berlin, overlap: skip, catchUp: latest }
                steps:
                  - id: reconcile
                    topic: cli.reconcile.commands
                """);
        assertThat(BatonCli.run("deploy", file.toString(), "--server", server)).isZero();
        String listed = stdout(() -> BatonCli.run("schedules", "--server", server));
        assertThat(listed)
                .contains("cli-nightly")
                .contains("0 2 * * *")
                .contains("Europe/Berlin")
                .contains("skip")
                .contains("running");
        assertThat(BatonCli.run("schedule", "pause", "cli-nightly", "--server", server))
                .as("a pause needs a reason")
                .isEqualTo(2);
        assertThat(BatonCli.run("schedule", "pause", "cli-flow", "--reason", "x", "--server", server))
                .as("cli-flow has no schedule")
                .isEqualTo(1);
        assertThat(BatonCli.run("schedule", "pause", "cli-nightly", "--reason", "month-end freeze", "--server", server))
                .isZero();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> stdout(() -> BatonCli.run("schedules", "--server", server))
                        .contains("paused by anonymous: month-end freeze"));
        assertThat(BatonCli.run("schedule", "resume", "cli-nightly", "--reason", "freeze over", "--server", server))
                .isZero();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> stdout(() -> BatonCli.run("schedules", "-o", "json", "--server", server))
                        .contains("\"paused\" : false"));
    }

    private static String stdout(java.util.function.IntSupplier command) {
        var out = new java.io.ByteArrayOutputStream();
        var before = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThat(command.getAsInt()).isZero();
        } finally {
            System.setOut(before);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
