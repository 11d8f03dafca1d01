package dev.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.protocol.Json;
import dev.baton.server.runtime.BatonTopics;
import dev.baton.server.runtime.DryRun;
import dev.baton.server.runtime.InputLog;
import java.io.IOException;
import java.io.Reader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Dry run for a new version: replay the retained requests and outcomes of a workflow's instances through the"
                    + " version each ran on and through a candidate definition, and report per instance whether the"
                    + " candidate decides the same commands (SAME), differs (DIFFERS: the first decision that does, and"
                    + " how) or cannot take the instance (FAILS). Nothing is written to any topic.",
            "With --bootstrap-servers it reads Kafka itself; otherwise it asks the server"
                    + " (POST /api/workflows/{name}/replay), which reads the cluster it runs on."
        })
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--workflow", required = true, paramLabel = "NAME", description = "The deployed workflow.")
    String workflow;

    @Option(
            names = "--candidate",
            required = true,
            paramLabel = "FILE",
            description = "The candidate definition (YAML or JSON), of the same workflow.")
    Path candidate;

    @Option(
            names = "--from",
            paramLabel = "ISO-TIME",
            description = "Only instances started at or after this time, e.g. 2026-03-01T10:00:00Z.")
    String from;

    @Option(names = "--to", paramLabel = "ISO-TIME", description = "Only instances started at or before this time.")
    String to;

    @Option(
            names = {"-o", "--output"},
            defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}); json lists every instance.")
    OperatorCommands.Output output;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT,...",
            description = "Read the topics of this cluster directly instead of asking the server.")
    String bootstrapServers;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "Kafka client properties (TLS, SASL, ...) with --bootstrap-servers.")
    Path kafkaConfig;

    @Mixin
    ServerClient client;

    @Override
    public Integer call() throws IOException {
        Instant fromTime;
        Instant toTime;
        try {
            fromTime = from == null ? null : Instant.parse(from);
            toTime = to == null ? null : Instant.parse(to);
        } catch (DateTimeParseException e) {
            System.err.println("--from and --to are ISO-8601 instants, e.g. 2026-03-01T10:00:00Z");
            return 2;
        }
        JsonNode report;
        if (bootstrapServers != null) {
            WorkflowDefinition definition = ValidateCommand.readOrReport(candidate);
            if (definition == null) {
                return BatonCli.FAILED;
            }
            if (!definition.name().equals(workflow)) {
                System.err.println(
                        candidate + " is a definition of '" + definition.name() + "', not of '" + workflow + "'");
                return BatonCli.FAILED;
            }
            InputLog log = InputLog.read(new InputLog.Source(
                    bootstrapServers,
                    kafkaProperties(),
                    BatonTopics.defaults(),
                    workflow,
                    fromTime,
                    toTime,
                    Duration.ofMinutes(10)));
            report = Json.mapper().valueToTree(DryRun.run(log, definition).toMap());
        } else {
            String body;
            try {
                body = Files.readString(candidate);
            } catch (IOException e) {
                System.err.println(candidate + ": cannot be read: " + e.getMessage());
                return BatonCli.FAILED;
            }
            var query = new ArrayList<String>();
            if (from != null) {
                query.add("from=" + URLEncoder.encode(from, StandardCharsets.UTF_8));
            }
            if (to != null) {
                query.add("to=" + URLEncoder.encode(to, StandardCharsets.UTF_8));
            }
            try {
                var r = client.post(
                        "/api/workflows/" + URLEncoder.encode(workflow, StandardCharsets.UTF_8) + "/replay"
                                + (query.isEmpty() ? "" : "?" + String.join("&", query)),
                        body,
                        "application/yaml");
                if (!r.ok()) {
                    System.err.println(r.error());
                    for (JsonNode p : r.body().path("problems")) {
                        System.err.println("  " + p.toString());
                    }
                    return BatonCli.FAILED;
                }
                report = r.body();
            } catch (ServerClient.Unreachable e) {
                System.err.println(e.getMessage());
                return BatonCli.UNREACHABLE;
            }
        }
        if (output == OperatorCommands.Output.json) {
            System.out.println(report.toPrettyString());
        } else {
            System.out.print(table(report));
        }
        return 0;
    }

    /** Totals, then one line per instance that is not SAME. */
    static String table(JsonNode report) {
        var sb = new StringBuilder();
        JsonNode totals = report.path("totals");
        sb.append(String.format(
                "%s: candidate v%d against %d instances (topics read at %s)%n  SAME %d  DIFFERS %d  FAILS %d%n",
                report.path("workflow").asText(),
                report.path("candidateVersion").asInt(),
                totals.path("instances").asInt(),
                report.path("readAt").asText(),
                totals.path("same").asInt(),
                totals.path("differs").asInt(),
                totals.path("fails").asInt()));
        List<String> lines = new ArrayList<>();
        for (JsonNode i : report.path("instances")) {
            if (i.path("verdict").asText().equals("SAME")) {
                continue;
            }
            String at = i.path("decision").isMissingNode()
                    ? ""
                    : "decision " + i.path("decision").asInt() + " ("
                            + i.path("input").asText() + "): ";
            lines.add(String.format(
                    "%-28s %-8s %-9s %s%s%n",
                    i.path("instanceId").asText(),
                    i.path("verdict").asText(),
                    "v" + i.path("baselineVersion").asInt(),
                    at,
                    i.path("reason").asText()));
        }
        if (!lines.isEmpty()) {
            sb.append(String.format(
                    "%-28s %-8s %-9s %s%n", "INSTANCE", "VERDICT", "BASELINE", "FIRST DIFFERENCE OR FAILURE"));
            lines.forEach(sb::append);
        }
        if (totals.path("same").asInt() > 0) {
            sb.append("(")
                    .append(totals.path("same").asInt())
                    .append(" SAME instances not listed; --output json lists every instance)")
                    .append(System.lineSeparator());
        }
        for (var e : iterable(report.path("skippedRecords").fields())) {
            sb.append("skipped: ")
                    .append(e.getValue().asInt())
                    .append(" ")
                    .append(e.getKey())
                    .append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }

    private Map<String, Object> kafkaProperties() {
        var map = new HashMap<String, Object>();
        if (kafkaConfig == null) {
            return map;
        }
        var p = new Properties();
        try (Reader r = Files.newBufferedReader(kafkaConfig)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --kafka-config " + kafkaConfig + ": " + e.getMessage());
        }
        p.forEach((k, v) -> map.put(String.valueOf(k), v));
        return map;
    }
}
