package dev.baton.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./baton bench api}: how long the REST API takes to list instances when one orchestrator holds many. Runs
 * {@code --instances} workflows to completion (business keys {@code k0}..{@code k99}), then times sequential
 * {@code GET /api/instances} queries: unfiltered first page, filtered by status, filtered by business key.
 */
@Command(
        name = "api",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Time GET /api/instances (first page, and filtered) against an orchestrator holding --instances instances.")
final class ApiBench implements Callable<Integer> {
    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description = "Use this Kafka cluster instead of starting a broker.")
    String bootstrapServers;

    @Option(
            names = "--instances",
            defaultValue = "10000",
            description = "Instances the orchestrator holds (default ${DEFAULT-VALUE}).")
    int instances;

    @Option(
            names = "--requests",
            defaultValue = "200",
            description = "Timed requests per query, after 20 untimed ones (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures to this file as JSON.")
    Path json;

    @Option(names = "--orchestrator-jvm-options", defaultValue = "-Xmx512m", paramLabel = "OPTIONS")
    String orchestratorJvmOptions;

    @Option(names = "--work-dir", paramLabel = "DIR")
    Path workDir;

    @Option(names = "--wait-for-quiet", defaultValue = "0", paramLabel = "LOAD")
    double waitForQuiet;

    @Override
    public Integer call() throws Exception {
        BenchCli.waitForQuiet(waitForQuiet);
        Path dir = BenchCli.defaultWorkDir(workDir);
        var report = new LinkedHashMap<String, Object>();
        report.put("benchmark", "REST API listing");
        report.put("started_at", Instant.now().toString());
        report.put("load_average_at_start", Cpu.loadAverage());
        report.put("instances", instances);
        System.out.println("API listing benchmark; logs in " + dir.resolve("logs"));
        try (Rig rig = Rig.start(bootstrapServers, dir, List.of("-Xmx1g"))) {
            var options = new Rig.OrchestratorOptions(
                    partitions,
                    null,
                    true, // as Baton's default
                    false,
                    null,
                    null,
                    false,
                    null,
                    List.of(),
                    BenchCli.words(orchestratorJvmOptions),
                    true,
                    false,
                    4,
                    false,
                    List.of());
            try (Rig.Deployment d = rig.deploy(1, options);
                    RequestReply rr = new RequestReply(
                            rig.bootstrap,
                            d.requests(),
                            d.results(),
                            true,
                            id -> RequestReply.utf8(
                                    "{\"workflow\":\"" + Rig.WORKFLOW + "\",\"input\":{\"n\":1},\"businessKey\":\"k"
                                            + Math.floorMod(id.hashCode(), 100) + "\"}"),
                            v -> true)) {
                try (var p = new Progress("filling", 0, rr::completed, () -> "of " + instances)) {
                    rr.closedLoop("api-", 500, () -> rr.sent() >= instances);
                    int missing = rr.drain(Duration.ofSeconds(120));
                    if (missing > 0) {
                        throw new IllegalStateException(missing + " of " + instances + " workflows did not finish");
                    }
                }
                String base = "http://127.0.0.1:" + d.apiPorts.get(0);
                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                String total = get(http, base + "/api/instances?limit=1").body();
                System.out.println(
                        "The orchestrator holds: " + total.substring(0, Math.min(total.length(), 60)) + "...");
                var queries = new LinkedHashMap<String, Object>();
                for (String q : List.of(
                        "/api/instances?limit=100",
                        "/api/instances?status=COMPLETED&limit=100",
                        "/api/instances?workflow=" + Rig.WORKFLOW + "&businessKey=k7&limit=100")) {
                    for (int i = 0; i < 20; i++) {
                        get(http, base + q);
                    }
                    Latencies l = new Latencies();
                    int bytes = 0;
                    for (int i = 0; i < requests; i++) {
                        long t0 = System.nanoTime();
                        var response = get(http, base + q);
                        l.record(System.nanoTime() - t0);
                        bytes = response.body().length();
                    }
                    var s = l.summary();
                    s.put("response_bytes", bytes);
                    queries.put("GET " + q, s);
                    System.out.printf("GET %s: %s, %,d bytes%n", q, Latencies.format(s), bytes);
                }
                report.put("queries_ms", queries);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .filter(p -> !p.startsWith(dir.resolve("logs")) && !p.equals(dir))
                        .forEach(p -> p.toFile().delete());
            }
        }
        if (json != null) {
            BenchCli.writeJson(json, report);
            System.out.println("Wrote " + json);
        }
        return 0;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }
}
