package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.server.runtime.StatusEvents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code baton server}'s settings from the command line, the environment and a config file (issue 17). */
class ConfigDefaultsTest {
    @TempDir
    Path dir;

    ServerCommand parse(Map<String, String> environment, String... args) {
        var command = new ServerCommand();
        new CommandLine(command)
                .setDefaultValueProvider(new ConfigDefaults(environment))
                .parseArgs(args);
        return command;
    }

    Path config(String text) throws Exception {
        return Files.writeString(dir.resolve("baton.properties"), text);
    }

    @Test
    void shouldTakeTheCommandLineOverTheEnvironmentOverTheFileOverTheDefault() throws Exception {
        Path file = config("""
                # the orchestrator's settings
                bootstrap-servers = from-file:9092
                http-port = 8181
                partitions = 6
                http-host: 0.0.0.0
                """);
        var command = parse(
                Map.of("BATON_BOOTSTRAP_SERVERS", "from-env:9092", "BATON_HTTP_PORT", "8282"),
                "--config",
                file.toString(),
                "--bootstrap-servers",
                "from-command-line:9092");

        assertThat(command.cluster.bootstrapServers).isEqualTo("from-command-line:9092");
        assertThat(command.http.port).isEqualTo(8282);
        assertThat(command.partitions).isEqualTo(6);
        assertThat(command.http.host).isEqualTo("0.0.0.0");
        assertThat(command.retention).isEqualTo(Duration.ofDays(7));
        assertThat(command.cluster.kafkaPort).isEqualTo(9092);
    }

    @Test
    void shouldTakeEveryKindOfOptionFromTheEnvironment() throws Exception {
        Path a = Files.writeString(dir.resolve("a.yaml"), "");
        Path b = Files.writeString(dir.resolve("b.yaml"), "");
        var command = parse(Map.of(
                "BATON_COMMIT_WHEN_DRAINED", "false",
                "BATON_RETENTION", "PT1H",
                "BATON_DATA_DIR", dir.toString(),
                "BATON_OTLP_ENDPOINT", "http://127.0.0.1:4318",
                "BATON_DEPLOY", a + "," + b));

        assertThat(command.cluster.commitWhenDrained).isFalse();
        assertThat(command.retention).isEqualTo(Duration.ofHours(1));
        assertThat(command.cluster.dataDir).isEqualTo(dir);
        assertThat(command.tracing.endpoint).hasToString("http://127.0.0.1:4318");
        assertThat(command.deploy).containsExactly(a, b);
    }

    @Test
    void shouldFindTheConfigFileThroughTheEnvironment() throws Exception {
        Path file = config("kafka-port = 19092\ncommit-when-drained = false\n");
        var command = parse(Map.of("BATON_CONFIG", file.toString()));

        assertThat(command.config).isEqualTo(file);
        assertThat(command.cluster.kafkaPort).isEqualTo(19092);
        assertThat(command.cluster.commitWhenDrained).isFalse();
    }

    @Test
    void shouldKeepTheDefaultsWithoutEnvironmentOrFile() {
        var command = parse(Map.of("BATON_TOKEN", "not-an-option-of-server", "BATON_API_TOKENS", "read:t"));

        assertThat(command.cluster.bootstrapServers).isNull();
        assertThat(command.http.port).isEqualTo(8080);
        assertThat(command.http.apiTokens)
                .as("BATON_API_TOKENS holds tokens, not a file name")
                .isNull();
        assertThat(command.deploy).isEmpty();
        assertThat(command.cluster.commitInterval).isEqualTo(Duration.ofMillis(20));
        assertThat(command.cluster.commitWhenDrained).isTrue();
    }

    @Test
    void shouldTurnCommittingWhenDrainedOffAndOnFromTheCommandLineOverTheEnvironment() {
        assertThat(parse(Map.of(), "--no-commit-when-drained").cluster.commitWhenDrained)
                .isFalse();
        assertThat(parse(Map.of("BATON_COMMIT_WHEN_DRAINED", "false"), "--commit-when-drained")
                        .cluster
                        .commitWhenDrained)
                .isTrue();
    }

    @Test
    void shouldReadTheCommitIntervalAsAnIsoDuration() throws Exception {
        Path file = config("commit-interval = PT1S\n");

        assertThat(parse(Map.of(), "--config", file.toString()).cluster.commitInterval)
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(parse(Map.of("BATON_COMMIT_INTERVAL", "PT0.5S")).cluster.commitInterval)
                .isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void shouldReadTheStatusEventsChoiceInLowerCaseAndRefuseOthersNamingTheValues() throws Exception {
        assertThat(parse(Map.of()).cluster.statusEvents).isEqualTo(StatusEvents.ALL);
        assertThat(parse(Map.of("BATON_STATUS_EVENTS", "instance")).cluster.statusEvents)
                .isEqualTo(StatusEvents.INSTANCE);
        assertThat(parse(
                                Map.of(),
                                "--config",
                                config("status-events = instance\n").toString())
                        .cluster
                        .statusEvents)
                .isEqualTo(StatusEvents.INSTANCE);
        assertThatThrownBy(() -> parse(Map.of(), "--status-events", "steps"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("status events must be 'all' or 'instance', not 'steps'");
    }

    @Test
    void shouldRefuseAnUnknownSettingNamingTheFileAndLine() throws Exception {
        Path file = config("partitions = 6\n\n# a comment\nbootstrap-server = kafka:9092\n");

        assertThatThrownBy(() -> parse(Map.of(), "--config", file.toString()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith(file + ":4: unknown setting 'bootstrap-server'")
                .hasMessageContaining("bootstrap-servers");
    }

    @Test
    void shouldRefuseALineWithoutValueAndASettingGivenTwice() throws Exception {
        Path noValue = config("partitions\n");
        assertThatThrownBy(() -> parse(Map.of(), "--config", noValue.toString()))
                .hasMessage(noValue + ":1: expected 'name = value', got 'partitions'");

        Path twice = config("partitions = 6\npartitions = 7\n");
        assertThatThrownBy(() -> parse(Map.of(), "--config", twice.toString()))
                .hasMessage(twice + ":2: 'partitions' is set twice");
    }

    @Test
    void shouldExitWithUsageErrorForABadConfigFile() throws Exception {
        Path file = config("htttp-port = 1\n");
        var err = new StringWriter();
        var cli = new CommandLine(new BatonCli()).setErr(new PrintWriter(err));

        assertThat(cli.execute("server", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(file + ":1: unknown setting 'htttp-port'");
    }

    @Test
    void shouldNameAMissingConfigFile() {
        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> parse(Map.of(), "--config", missing.toString()))
                .hasMessageStartingWith("cannot read the config file " + missing);
    }

    @Test
    void shouldKnowEveryServerOptionAsASettingAndAnEnvironmentVariable() {
        var spec = new CommandLine(new ServerCommand()).getCommandSpec();

        assertThat(ConfigDefaults.settingNames(spec))
                .contains("bootstrap-servers", "kafka-config", "http-port", "api-tokens", "otlp-endpoint", "deploy")
                .doesNotContain("config", "help", "version");
        assertThat(ConfigDefaults.environmentVariable(spec.findOption("--bootstrap-servers")))
                .isEqualTo("BATON_BOOTSTRAP_SERVERS");
    }
}
