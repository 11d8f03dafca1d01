package dev.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Unpacks archives with the system's tar, as a user would. */
final class Unpacked {
    private Unpacked() {}

    static void untar(Path archive, Path into) throws Exception {
        untar(archive, into, archive.toString().endsWith(".gz"));
    }

    static void untar(Path archive, Path into, boolean gzipped) throws Exception {
        Files.createDirectories(into);
        var command = new ArrayList<>(List.of("tar", "-x", "-f", archive.toString(), "-C", into.toString()));
        if (gzipped) {
            command.add(1, "-z");
        }
        var tar = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes());
        assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as("tar of %s: %s", archive, output).isZero();
    }

    static Path required(String property) {
        String value = System.getProperty(property);
        assertThat(value).as("system property %s (set by the build)", property).isNotNull();
        Path path = Path.of(value);
        assertThat(path)
                .as("%s: run `./mvnw -pl baton-dist -am verify`, which packages it first", property)
                .exists();
        return path;
    }
}
