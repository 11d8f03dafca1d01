package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The distribution's config/baton.properties names every option of {@code baton server}, and reads without error once
 * its settings are uncommented: an option added to the server shows up here as a failure until the sample has it.
 */
class SampleConfigTest {
    static final Path SAMPLE = Path.of("src/main/dist/config/baton.properties");
    static final Pattern COMMENTED_SETTING = Pattern.compile("^# ([a-z][a-z-]*) = (.*)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void shouldNameEveryServerOption() throws Exception {
        var spec = new CommandLine(new ServerCommand()).getCommandSpec();
        var named = COMMENTED_SETTING
                .matcher(Files.readString(SAMPLE))
                .results()
                .map(m -> m.group(1))
                .collect(Collectors.toSet());

        assertThat(named).containsExactlyInAnyOrderElementsOf(ConfigDefaults.settingNames(spec));
    }

    @Test
    void shouldReadOnceUncommented() throws Exception {
        Path uncommented = Files.writeString(
                dir.resolve("baton.properties"),
                COMMENTED_SETTING.matcher(Files.readString(SAMPLE)).replaceAll("$1 = $2"));
        var command = new ServerCommand();
        new CommandLine(command)
                .setDefaultValueProvider(new ConfigDefaults(Map.of()))
                .parseArgs("--config", uncommented.toString());

        assertThat(command.cluster.bootstrapServers).isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
        assertThat(command.http.port).isEqualTo(8080);
        assertThat(command.deploy).hasSize(2);
    }
}
