package dev.baton.cli.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Which build of Baton a child process runs: this one, or the previous release, built from git at test time so that
 * a rolling upgrade runs the code that is really deployed today (see docs/compatibility.md).
 *
 * @param name how the logs call it
 * @param classpath the child JVM's classpath
 * @param mainClass the class that runs the {@code baton} command in that build
 */
record Release(String name, String classpath, String mainClass) {
    /**
     * The previous release: the last commit before the engine restructure and the stored-state, timer and
     * status-writer changes of issue 12. Change it, and the wire fixtures of baton-server's tests, when a new release
     * is cut.
     */
    static final String PREVIOUS_COMMIT = "2f8de526262eac8234177f7b5629be97e3f4598f";

    /** The previous release had the command line in baton-server; its launcher's classpath is written by package. */
    private static final String PREVIOUS_MAIN_CLASS = "dev.baton.server.cli.BatonCli";

    private static final long BUILD_MINUTES = 15;

    static Release current() {
        return new Release("current", JavaProcess.classpath(), "dev.baton.cli.BatonCli");
    }

    /**
     * The previous release's {@code baton}, built once into {@code target/previous-release/<commit>} from
     * {@code git archive} of {@link #PREVIOUS_COMMIT} (the repository is only read) and reused by later runs.
     * Built offline first, since every dependency is the current build's too; online if that fails.
     *
     * @throws AssertionError if the commit is not in this clone (a shallow clone) or the build fails, with the reason
     */
    static synchronized Release previous() {
        Path home = Path.of("target", "previous-release", PREVIOUS_COMMIT.substring(0, 10))
                .toAbsolutePath();
        Path ready = home.resolve("classpath.txt");
        try {
            if (Files.exists(ready)) {
                return new Release(
                        "previous " + PREVIOUS_COMMIT.substring(0, 7),
                        Files.readString(ready).trim(),
                        PREVIOUS_MAIN_CLASS);
            }
            Path src = home.resolve("src");
            Path log = home.resolve("build.log");
            deleteTree(src);
            Files.createDirectories(src);
            Files.deleteIfExists(log);
            Path repo = Path.of(run(List.of("git", "rev-parse", "--show-toplevel"), Path.of("."), log)
                    .trim());
            if (!ok(List.of("git", "cat-file", "-e", PREVIOUS_COMMIT + "^{commit}"), repo, log)) {
                throw new AssertionError("the previous release " + PREVIOUS_COMMIT + " is not in this clone's history"
                        + " (a shallow clone?): run `git fetch --unshallow` and test again");
            }
            Path tar = home.resolve("src.tar");
            run(List.of("git", "archive", "--format=tar", "-o", tar.toString(), PREVIOUS_COMMIT), repo, log);
            run(List.of("tar", "-xf", tar.toString(), "-C", src.toString()), src, log);
            Files.delete(tar);
            long t0 = System.nanoTime();
            List<String> build =
                    List.of("./mvnw", "-B", "-q", "-Dmaven.test.skip=true", "package", "-pl", "baton-server", "-am");
            var offline = new ArrayList<>(build);
            offline.add(1, "-o");
            if (!ok(offline, src, log)) {
                Soak.log("the previous release does not build offline (see %s); building online", log);
                run(build, src, log);
            }
            Soak.log(
                    "built the previous release %s in %d s",
                    PREVIOUS_COMMIT.substring(0, 7), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
            Path server = src.resolve("baton-server").resolve("target");
            String classpath = server.resolve("baton-server-0.1.0-SNAPSHOT.jar")
                    + File.pathSeparator
                    + Files.readString(server.resolve("classpath.txt")).trim();
            Files.writeString(ready, classpath);
            return previous();
        } catch (IOException e) {
            throw new AssertionError("cannot build the previous release into " + home, e);
        }
    }

    private static String run(List<String> command, Path dir, Path log) throws IOException {
        Path out = Files.createTempFile("release", ".out");
        try {
            if (!exec(command, dir, log, out)) {
                throw new AssertionError(String.join(" ", command) + " failed in " + dir + ":\n"
                        + tail(Files.readString(out), 40) + "\n(log: " + log + ")");
            }
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean ok(List<String> command, Path dir, Path log) throws IOException {
        Path out = Files.createTempFile("release", ".out");
        try {
            return exec(command, dir, log, out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean exec(List<String> command, Path dir, Path log, Path out) throws IOException {
        var pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(out.toFile());
        // The old build runs on the JDK of this test, not on whatever JAVA_HOME the shell had.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_ARGS");
        Process p = pb.start();
        try {
            if (!p.waitFor(BUILD_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " took more than " + BUILD_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Files.createDirectories(log.getParent());
        Files.writeString(
                log,
                "$ " + String.join(" ", command) + " (exit " + p.exitValue() + ")\n" + Files.readString(out),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return p.exitValue() == 0;
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
