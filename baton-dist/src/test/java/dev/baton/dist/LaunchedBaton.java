package dev.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@code baton} process started from an unpacked package, its output in a file for the failure message. */
final class LaunchedBaton implements AutoCloseable {
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path output;

    private LaunchedBaton(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code command} in {@code directory} with only {@code environment} (no inherited variables). */
    static LaunchedBaton start(List<String> command, Path directory, Map<String, String> environment, Path output)
            throws IOException {
        var builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new LaunchedBaton(builder.start(), output);
    }

    /** Runs {@code command} to its end and returns its exit code and output. */
    static Finished run(List<String> command, Path directory, Map<String, String> environment, Path output)
            throws Exception {
        try (var launched = start(command, directory, environment, output)) {
            assertThat(launched.process.waitFor(60, TimeUnit.SECONDS))
                    .as("%s ended within 60 s", command)
                    .isTrue();
            return new Finished(launched.process.exitValue(), launched.output());
        }
    }

    record Finished(int exitCode, String output) {}

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits until {@code GET path} answers 200 and returns its body; fails with the process's output otherwise. */
    String awaitOk(int port, String path, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("baton exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                var response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response.body();
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                path + " did not answer 200 within " + timeout + " (last: " + last + "):\n" + output());
    }

    /** Stops it as a container runtime or init system would (SIGTERM) and returns its output once it has ended. */
    String stop() throws Exception {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("baton stopped within 60 s of SIGTERM:\n%s", output())
                .isTrue();
        return output();
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
