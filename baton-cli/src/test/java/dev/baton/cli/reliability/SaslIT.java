package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.cli.BatonCli;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 5: Kafka security settings pass through. The broker's client listener requires SASL/PLAIN; the
 * orchestrator, given the client settings as {@code kafkaProperties} (what {@code --kafka-config} holds), runs the
 * article end to end with SDK workers and a consumer that authenticate the same way; wrong credentials fail at start,
 * quickly and with the broker's reason, both for the orchestrator and for {@code baton server}.
 */
class SaslIT {
    static final String JAAS =
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"%s\" password=\"%s\";";

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;

    static Map<String, Object> client(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                String.format(JAAS, user, password));
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
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\""
                                + " user_admin=\"admin-secret\" user_baton=\"baton-secret\";"),
                client("admin", "admin-secret"));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldRunTheArticleEndToEndOverSaslPlain() throws Exception {
        Map<String, Object> baton = client("baton", "baton-secret");
        try (var orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .applicationId("sasl")
                                .stateDir(dir.resolve("streams"))
                                .partitions(2)
                                .kafkaProperties(baton)
                                .build())
                        .start(Duration.ofSeconds(120));
                var load = new ArticleWorkload("sasl", kafka.bootstrapServers(), baton)) {
            load.deploy(load.definition(), orchestrator);
            load.startLedger().startWorkers();
            List<String> ids = load.ids(0, 20);
            load.write(ids, 20);
            var figures = load.verify(ids, "SUCCEEDED");
            Soak.report("SaslIT", figures);
        }
    }

    @Test
    void shouldRefuseAPlaintextClient() {
        // The listener speaks SASL: a client without the settings cannot even list topics.
        try (Admin admin = Admin.create(Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "default.api.timeout.ms",
                3000,
                "request.timeout.ms",
                2000))) {
            assertThatThrownBy(() -> admin.listTopics().names().get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void shouldFailClearlyWithWrongCredentials() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> new Orchestrator(OrchestratorSettings.newBuilder()
                                .bootstrapServers(kafka.bootstrapServers())
                                .applicationId("sasl-wrong")
                                .stateDir(dir.resolve("streams-wrong"))
                                .kafkaProperties(client("baton", "wrong"))
                                .build())
                        .start(Duration.ofSeconds(60)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("could not create topics")
                .hasMessageContaining("Authentication failed");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void shouldMakeBatonServerExitWithTheReasonWhenTheCredentialsInItsKafkaConfigAreWrong() throws Exception {
        Path config = dir.resolve("wrong.properties");
        Files.writeString(
                config,
                "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config="
                        + String.format(JAAS, "baton", "wrong") + "\n");
        var err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = BatonCli.run(
                    "server",
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--kafka-config",
                    config.toString(),
                    "--data-dir",
                    dir.resolve("cli").toString(),
                    "--http-port",
                    String.valueOf(OrchestratorProcess.freePort()));
        } finally {
            System.setErr(before);
        }
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("baton: could not create topics")
                .contains("Authentication failed");
    }
}
