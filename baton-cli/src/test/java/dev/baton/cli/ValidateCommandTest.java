package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void shouldAcceptAValidDefinition() throws Exception {
        Path file = Files.writeString(dir.resolve("ok.yaml"), """
                name: ok
                steps:
                  - id: a
                    topic: a.commands
                """);
        assertThat(BatonCli.run("validate", file.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ok.yaml: ok (ok, 1 steps)");
    }

    @Test
    void shouldPrintFileLineAndFieldAndExitWithOneWithoutAStackTrace() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
                name: bad
                steps:
                  - id: reserve
                    topic: stock.commands
                  - id: charge
                    topic: payments.commands
                    after: [reserv]
                    timeout: two hours
                """);
        assertThat(BatonCli.run("validate", file.toString())).isEqualTo(1);
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("bad.yaml:8: steps[1].timeout: 'two hours' is not an ISO-8601 duration");
        assertThat(printed).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void shouldSayWhenTheFileIsMissing() {
        assertThat(BatonCli.run("validate", dir.resolve("nope.yaml").toString()))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nope.yaml: no such file");
    }

    @Test
    void shouldExitWithTwoOnBadUsage() {
        assertThat(BatonCli.run("validate")).isEqualTo(2);
        assertThat(BatonCli.run("no-such-command")).isEqualTo(2);
    }

    @Test
    void shouldExitWithThreeWhenTheServerIsUnreachable() throws Exception {
        assertThat(BatonCli.run("status", "x", "--server", "http://127.0.0.1:1"))
                .isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach the Baton server");
    }
}
