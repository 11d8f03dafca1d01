package dev.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image (target/baton-image.tar, an OCI image layout), run without a container runtime: its layers extracted
 * in order into a directory, and its entry point and command run with its environment and working directory, every absolute path in
 * them taken inside that directory. So the Java runtime and the jars that run are the image's own (issue 17).
 */
class ImageIT {
    static final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldStartFromItsEntryPointAndAnswerLiveness() throws Exception {
        Path image = dir.resolve("image");
        Unpacked.untar(Unpacked.required("baton.image"), image);
        assertThat(image.resolve("oci-layout")).content().contains("\"imageLayoutVersion\"");
        JsonNode index = json.readTree(image.resolve("index.json").toFile());
        JsonNode manifest = blob(image, index.path("manifests").get(0));
        JsonNode config = blob(image, manifest.path("config")).path("config");
        Path root = Files.createDirectories(dir.resolve("root"));
        for (JsonNode layer : manifest.path("layers")) {
            String mediaType = layer.path("mediaType").asText();
            assertThat(mediaType).startsWith("application/vnd.oci.image.layer.v1.tar");
            Unpacked.untar(blobPath(image, layer), root, mediaType.endsWith("+gzip"));
        }
        assertThat(root.resolve("opt/java/bin/java"))
                .as("the image carries its Java runtime")
                .isExecutable();

        var command = new ArrayList<String>();
        config.path("Entrypoint").forEach(a -> command.add(inside(root, a.asText())));
        config.path("Cmd").forEach(a -> command.add(inside(root, a.asText())));
        var environment = new HashMap<String, String>();
        config.path("Env").forEach(e -> {
            String[] nameAndValue = e.asText().split("=", 2);
            environment.put(nameAndValue[0], inside(root, nameAndValue[1]));
        });
        assertThat(environment).containsKeys("BATON_HTTP_HOST", "BATON_DATA_DIR");
        int httpPort = LaunchedBaton.freePort();
        // what `docker run -e ...` would add
        environment.putAll(Map.of(
                "BATON_HTTP_PORT",
                String.valueOf(httpPort),
                "BATON_KAFKA_PORT",
                String.valueOf(LaunchedBaton.freePort()),
                "BATON_PARTITIONS",
                "1",
                "JAVA_TOOL_OPTIONS",
                "-Xmx384m"));
        Path workingDirectory = Path.of(inside(root, config.path("WorkingDir").asText("/")));

        try (var baton = LaunchedBaton.start(command, workingDirectory, environment, dir.resolve("image-run.txt"))) {
            assertThat(baton.awaitOk(httpPort, "/health/live", Duration.ofSeconds(150)))
                    .contains("\"status\":\"UP\"");
            assertThat(baton.awaitOk(httpPort, "/health/ready", Duration.ofSeconds(30)))
                    .contains("\"orchestrator\":\"RUNNING\"");
            assertThat(baton.stop()).contains("Shutting down");
        }
        assertThat(root.resolve("var/lib/baton/kafka"))
                .as("the data in the image's volume")
                .isDirectory();
    }

    static Path blobPath(Path image, JsonNode descriptor) {
        String[] algorithmAndHex = descriptor.path("digest").asText().split(":", 2);
        return image.resolve("blobs").resolve(algorithmAndHex[0]).resolve(algorithmAndHex[1]);
    }

    static JsonNode blob(Path image, JsonNode descriptor) throws Exception {
        return json.readTree(blobPath(image, descriptor).toFile());
    }

    /** A value of the image's config with its absolute paths (also in a ':'-separated list) taken inside root. */
    static String inside(Path root, String value) {
        return Arrays.stream(value.split(":", -1))
                .map(part -> part.startsWith("/") ? root + part : part)
                .collect(Collectors.joining(":"));
    }

    @Test
    void shouldTakeAbsolutePathsInsideTheRoot() {
        Path root = Path.of("/tmp/r");
        assertThat(inside(root, "/app/resources:/app/libs/*")).isEqualTo("/tmp/r/app/resources:/tmp/r/app/libs/*");
        assertThat(inside(root, "-XX:MaxRAMPercentage=75")).isEqualTo("-XX:MaxRAMPercentage=75");
        assertThat(inside(root, "0.0.0.0")).isEqualTo("0.0.0.0");
        assertThat(List.of(inside(root, "/"))).containsExactly("/tmp/r/");
    }
}
