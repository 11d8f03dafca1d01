package dev.baton.cli.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The size of a reliability run. CI runs the short version; {@code scripts/soak.sh} sets {@code -Dbaton.soak=true}
 * for the long one, and any figure can be set on its own with {@code -Dbaton.soak.<name>=<value>}.
 */
final class Soak {
    private Soak() {}

    /**
     * Where a child process logs: {@code target/reliability/logs/<n>-<name>.log}, kept after the run (the test's
     * temporary directory is not) so that a failure can be investigated.
     */
    static Path logFile(Path dir, String name) {
        return Path.of("target", "reliability", "logs", Math.abs(dir.toString().hashCode()) + "-" + name + ".log")
                .toAbsolutePath();
    }

    static void log(String format, Object... args) {
        System.out.println(
                "[reliability] " + java.time.LocalTime.now().withNano(0) + " " + String.format(format, args));
    }

    static boolean on() {
        return Boolean.getBoolean("baton.soak");
    }

    /**
     * {@code -Dbaton.soak.earlyDispatch=true}: every orchestrator process of this build runs with
     * {@code --early-dispatch}, start requests name their version, and the check counts a command sent twice instead
     * of failing on it (commands are at-least-once in that mode). Runs the crash, fail-over and broker tests in that
     * mode: {@code scripts/soak.sh crash failover broker cluster -Dbaton.soak.earlyDispatch=true}.
     */
    static boolean earlyDispatch() {
        return Boolean.getBoolean("baton.soak.earlyDispatch");
    }

    static int size(String name, int ci, int soak) {
        String explicit = System.getProperty("baton.soak." + name);
        if (explicit != null && !explicit.isBlank()) {
            return Integer.parseInt(explicit.trim());
        }
        return on() ? soak : ci;
    }

    /** A seeded random source; the seed is printed, so a failing run can be repeated with -Dbaton.soak.seed. */
    static Random random(String test) {
        long seed = Long.getLong("baton.soak.seed", System.nanoTime());
        System.out.println("[reliability] " + test + " seed=" + seed);
        return new Random(seed);
    }

    /**
     * Prints the figures of a run and appends them to {@code target/reliability/figures.txt}, which
     * {@code scripts/soak.sh} prints at the end for docs/reliability.md.
     */
    static void report(String test, Map<String, ?> figures) {
        var line = new StringBuilder(Instant.now() + " " + test + (on() ? " [soak]" : " [ci]")
                + (earlyDispatch() ? " [early dispatch]" : ""));
        new LinkedHashMap<>(figures)
                .forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println("[reliability] " + line);
        try {
            Path file = Path.of("target", "reliability", "figures.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
