package dev.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tar.gz, unpacked into an empty directory and run with nothing but a Java runtime: the jlinked one of the image
 * (no JDK tools, no Maven, no ~/.m2), as JAVA_HOME, with a bare PATH (issue 17).
 */
class DistributionIT {
    @TempDir
    Path dir;

    final Path jre = Unpacked.required("baton.jre");

    Map<String, String> environment() {
        return Map.of(
                "JAVA_HOME",
                jre.toString(),
                "PATH",
                "/usr/bin:/bin",
                "HOME",
                dir.toString(),
                "BATON_JAVA_OPTS",
                "-Xmx384m");
    }

    Path unpack() throws Exception {
        Unpacked.untar(Unpacked.required("baton.distribution"), dir.resolve("opt"));
        try (var entries = Files.list(dir.resolve("opt"))) {
            return entries.findFirst().orElseThrow();
        }
    }

    @Test
    void shouldHoldTheLauncherTheJarsAndASampleConfig() throws Exception {
        Path home = unpack();

        assertThat(home.getFileName().toString()).startsWith("baton-");
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/baton")))
                .contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.readString(home.resolve("bin/baton"))).startsWith("#!/bin/sh\n");
        assertThat(home.resolve("config/baton.properties")).content().contains("# bootstrap-servers = ");
        try (var jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("baton-cli-"))
                    .anyMatch(n -> n.startsWith("baton-server-"))
                    .anyMatch(n -> n.startsWith("kafka-streams-"))
                    .allMatch(n -> n.endsWith(".jar"));
        }
    }

    @Test
    void shouldPrintHelpWithOnlyAJre() throws Exception {
        Path home = unpack();
        var help = LaunchedBaton.run(
                List.of(home.resolve("bin/baton").toString(), "--help"), dir, environment(), dir.resolve("help.txt"));

        assertThat(help.exitCode()).as(help.output()).isZero();
        assertThat(help.output()).contains("Usage: baton", "server", "deploy", "status");
    }

    @Test
    void shouldRunTheServerFromACleanDirectoryUntilReadyAndStopOnSigterm() throws Exception {
        Path home = unpack();
        int kafkaPort = LaunchedBaton.freePort();
        int httpPort = LaunchedBaton.freePort();
        // The sample config is read by default; settings added to it take effect, and the environment adds to them.
        Files.writeString(
                home.resolve("config/baton.properties"),
                "\nkafka-port = " + kafkaPort + "\npartitions = 1\n",
                StandardOpenOption.APPEND);
        Path workingDirectory = Files.createDirectories(dir.resolve("run"));
        var environment = new java.util.HashMap<>(environment());
        environment.put("BATON_HTTP_PORT", String.valueOf(httpPort));

        try (var baton = LaunchedBaton.start(
                List.of(home.resolve("bin/baton").toString(), "server"),
                workingDirectory,
                environment,
                dir.resolve("server.txt"))) {
            String ready = baton.awaitOk(httpPort, "/health/ready", Duration.ofSeconds(150));
            assertThat(ready).contains("\"status\":\"UP\"", "\"orchestrator\":\"RUNNING\"");
            assertThat(baton.awaitOk(httpPort, "/health/live", Duration.ofSeconds(5)))
                    .contains("\"status\":\"UP\"");

            String output = baton.stop();
            assertThat(output)
                    .contains("embedded Kafka broker on 127.0.0.1:" + kafkaPort, "Baton is running", "Shutting down");
        }
        assertThat(workingDirectory.resolve("baton-data/kafka"))
                .as("data in ./baton-data of the directory it was started in")
                .isDirectory();
    }
}
