package dev.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens with a read-only and an operator role. */
class ApiSecurityIT {
    static final String READER = "reader-token-0123456789";
    static final String OPERATOR = "operator-token-0123456789";

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static HttpApi api;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("security-it")
                        .stateDir(dir.resolve("streams"))
                        .partitions(1)
                        .build())
                .start(Duration.ofSeconds(60));
        api = new HttpApi(
                        orchestrator,
                        AccessControl.fromLines(
                                List.of("# tokens", "read " + READER, "operator " + OPERATOR), "tokens"))
                .start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        api.close();
        orchestrator.close();
        kafka.close();
    }

    static int status(String method, String path, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(
                method,
                method.equals("POST")
                        ? HttpRequest.BodyPublishers.ofString("name: sec\nsteps:\n  - id: a\n    topic: sec.a\n")
                        : HttpRequest.BodyPublishers.noBody());
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void shouldLeaveHealthOpenButRequireATokenForTheApi() throws Exception {
        assertThat(status("GET", "/health", null)).isEqualTo(200);
        assertThat(status("GET", "/health/live", null)).isEqualTo(200);
        assertThat(status("GET", "/health/ready", null)).isEqualTo(200);
        assertThat(status("GET", "/api/instances", null)).isEqualTo(401);
        assertThat(status("GET", "/api/instances", "wrong-token-0123456789")).isEqualTo(401);
        assertThat(status("GET", "/metrics", null)).isEqualTo(401);
    }

    @Test
    void shouldLetAReaderReadButNotAct() throws Exception {
        assertThat(status("GET", "/api/instances", READER)).isEqualTo(200);
        assertThat(status("GET", "/api/overview", READER)).isEqualTo(200);
        assertThat(status("POST", "/api/workflows/validate", READER)).isEqualTo(200);
        assertThat(status("POST", "/api/workflows", READER)).isEqualTo(403);
    }

    @Test
    void shouldLetAnOperatorDeploy() throws Exception {
        assertThat(status("POST", "/api/workflows", OPERATOR)).isEqualTo(201);
        assertThat(status("GET", "/api/workflows", OPERATOR)).isEqualTo(200);
    }

    @Test
    void shouldAcceptTheTokenAsAQueryParameterOnlyForTheEventStream() throws Exception {
        assertThat(status("GET", "/api/instances?access_token=" + READER, null)).isEqualTo(401);
        var request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/api/events?access_token=" + READER))
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        var response = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        response.body().close();
    }

    @Test
    void shouldRejectWeakOrMalformedTokenFilesWithoutEchoingTheToken() {
        assertThatThrownBy(() -> AccessControl.fromLines(List.of("operator short"), "tokens.txt"))
                .hasMessage("tokens.txt:1: a token must have at least 16 characters");
        assertThatThrownBy(() -> AccessControl.fromLines(List.of("admin some-long-secret-value"), "tokens.txt"))
                .hasMessageNotContaining("some-long-secret-value")
                .hasMessageContaining("unknown role 'admin'");
    }
}
