package dev.baton.cli.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on this test's classpath, so that it can be killed with SIGKILL ({@link #kill()}) like a real process:
 * no shutdown hook, no flush, no goodbye to the broker. Its output is appended to a log file, which a failing test
 * prints the end of.
 */
final class JavaProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    JavaProcess(String name, Path log, List<String> jvmOptions, String mainClass, List<String> args) {
        this(name, log, jvmOptions, classpath(), mainClass, args);
    }

    /** A child JVM on {@code classpath}, e.g. a {@link Release} other than this build. */
    JavaProcess(String name, Path log, List<String> jvmOptions, String classpath, String mainClass, List<String> args) {
        this.name = name;
        this.log = log;
        var cmd = new ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xss1m");
        if (!Soak.on()) {
            // CI restarts processes often on few cores: C1 alone starts faster and leaves the cores to the work.
            cmd.add("-XX:TieredStopAtLevel=1");
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        this.command = List.copyOf(cmd);
    }

    /** The test's classpath: target/test-classes, the module's classes or jar, and every dependency. */
    static String classpath() {
        String cp = System.getProperty("java.class.path");
        if (cp.split(java.io.File.pathSeparator).length < 3) {
            // A manifest-only booter jar: fall back to what the build writes for the ./baton launcher.
            try {
                Path target = Path.of("target");
                String deps = Files.readString(target.resolve("classpath.txt")).trim();
                return target.resolve("test-classes").toAbsolutePath()
                        + java.io.File.pathSeparator
                        + target.resolve("classes").toAbsolutePath()
                        + java.io.File.pathSeparator
                        + deps;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cp;
    }

    synchronized JavaProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " runs already");
        }
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(
                    log,
                    "=== " + name + " started " + java.time.Instant.now() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        return this;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        return process.pid();
    }

    /** SIGKILL, then wait until the process is gone. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM (shutdown hooks run), then wait; SIGKILL if it takes longer than {@code seconds}. */
    synchronized void stop(int seconds) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waitFor();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the log, for a failure message. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return name + " log " + log + ":\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return name + ": no log (" + e + ")";
        }
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return name;
    }
}
