package dev.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.protocol.Json;
import dev.baton.protocol.StartRequest;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two orchestrator processes share the partitions; either one answers for every instance. */
class ClusterQueriesIT {
    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldAnswerForInstancesOwnedByTheOtherProcess() throws Exception {
        try (var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            int portA = freePort();
            int portB = freePort();
            try (var a = orchestrator(kafka, "a", portA);
                    var b = orchestrator(kafka, "b", portB);
                    var apiA = new HttpApi(a).start("127.0.0.1", portA);
                    var apiB = new HttpApi(b).start("127.0.0.1", portB)) {
                a.deploy(WorkflowDefinition.builder("shared")
                        .step("only", s -> s.topic("shared.commands"))
                        .build());
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> a.isRunning()
                                && b.isRunning()
                                && a.otherProcesses().size() == 1
                                && b.otherProcesses().size() == 1);
                List<String> ids =
                        IntStream.range(0, 12).mapToObj(i -> "shared-" + i).toList();
                ids.forEach(id -> a.start(id, new StartRequest("shared", null, Map.of(), null)));

                await().atMost(Duration.ofSeconds(30))
                        .until(() -> json(portA, "/api/instances?workflow=shared")
                                        .path("total")
                                        .asInt()
                                == 12);
                assertThat(json(portB, "/api/instances?workflow=shared")
                                .path("total")
                                .asInt())
                        .isEqualTo(12);
                assertThat(json(portA, "/api/instances?workflow=shared&scope=local")
                                .path("total")
                                .asInt())
                        .as("each process owns only some instances")
                        .isLessThan(12);
                for (String id : ids) {
                    assertThat(get(portA, "/api/instances/" + id).statusCode()).isEqualTo(200);
                    assertThat(get(portB, "/api/instances/" + id).statusCode()).isEqualTo(200);
                }
                assertThat(json(portB, "/api/overview")
                                .path("byStatus")
                                .path("RUNNING")
                                .asInt())
                        .isEqualTo(12);
                assertThat(json(portA, "/api/waiting").get(0).path("waiting").asInt())
                        .isEqualTo(12);
                var page = json(portA, "/api/instances?workflow=shared&limit=5&offset=10");
                assertThat(page.path("items").size()).isEqualTo(2);
                // Pages are slices of one newest-first order, across processes and within one.
                for (String scope : List.of("", "&scope=local")) {
                    List<String> all = json(portA, "/api/instances?workflow=shared" + scope)
                            .path("items")
                            .findValuesAsText("instanceId");
                    for (int offset = 0; offset <= all.size(); offset++) {
                        for (int limit : List.of(1, 3, 12)) {
                            var slice = json(
                                    portA,
                                    "/api/instances?workflow=shared&limit=" + limit + "&offset=" + offset + scope);
                            assertThat(slice.path("items").findValuesAsText("instanceId"))
                                    .as("offset %d limit %d %s", offset, limit, scope)
                                    .isEqualTo(all.subList(offset, Math.min(offset + limit, all.size())));
                            assertThat(slice.path("total").asInt()).isEqualTo(all.size());
                        }
                    }
                }
            }
        }
    }

    private Orchestrator orchestrator(EmbeddedKafka kafka, String name, int httpPort) {
        return new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("cluster-it")
                        .stateDir(dir.resolve("streams-" + name))
                        .partitions(2)
                        .advertisedHttp("127.0.0.1:" + httpPort)
                        .build())
                .start(Duration.ofSeconds(60));
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(int port, String path) throws Exception {
        return Json.mapper().readTree(get(port, path).body());
    }

    private static int freePort() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
