package dev.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.protocol.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "start", mixinStandardHelpOptions = true, description = "Start an instance of a deployed workflow.")
final class StartCommand implements Callable<Integer> {
    @Parameters(paramLabel = "WORKFLOW")
    String workflow;

    @Option(
            names = "--input",
            defaultValue = "{}",
            paramLabel = "JSON",
            description = "The request's input (default: {}).")
    String input;

    @Option(names = "--id", paramLabel = "ID", description = "The instance id (default: a new UUID).")
    String id;

    @Option(names = "--business-key", paramLabel = "KEY")
    String businessKey;

    @Option(
            names = "--start-at",
            paramLabel = "TIME",
            description = "Start the instance's steps later: an ISO-8601 instant (2026-06-01T02:00:00Z) or a duration "
                    + "from now (PT10M). The instance is recorded at once.")
    String startAt;

    @Option(
            names = "--deadline",
            paramLabel = "DURATION",
            description = "This instance's own deadline, counted from its start (e.g. PT2H), instead of the "
                    + "workflow's: still running then, it fails (or is cancelled, if the workflow's deadline says so).")
    String deadline;

    @Mixin
    ServerClient client;

    @Override
    public Integer call() {
        JsonNode parsed;
        try {
            parsed = Json.mapper().readTree(input);
        } catch (Exception e) {
            System.err.println("--input is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
            return 2;
        }
        ObjectNode body = Json.mapper().createObjectNode().put("workflow", workflow);
        body.set("input", parsed);
        if (id != null) {
            body.put("instanceId", id);
        }
        if (businessKey != null) {
            body.put("businessKey", businessKey);
        }
        if (startAt != null) {
            java.time.Instant at = startAtInstant(startAt, java.time.Instant.now());
            if (at == null) {
                System.err.println("--start-at must be an ISO-8601 instant such as 2026-06-01T02:00:00Z or a duration "
                        + "from now such as PT10M; got '" + startAt + "'");
                return 2;
            }
            body.put("startAt", at.toString());
        }
        if (deadline != null) {
            if (dev.baton.protocol.StartRequest.deadlineOf(deadline) == null) {
                System.err.println(
                        "--deadline must be a positive ISO-8601 duration of at most P3650D, such as PT2H; got '"
                                + deadline + "'");
                return 2;
            }
            body.put("deadline", deadline);
        }
        try {
            var r = client.post("/api/instances", body.toString(), "application/json");
            if (!r.ok()) {
                System.err.println("start failed: " + r.error());
                return BatonCli.FAILED;
            }
            System.out.println(r.body().path("instanceId").asText());
            return 0;
        } catch (ServerClient.Unreachable e) {
            System.err.println(e.getMessage());
            return BatonCli.UNREACHABLE;
        }
    }

    /** The instant {@code text} names: absolute with an offset, or a duration after {@code now}; null otherwise. */
    static java.time.Instant startAtInstant(String text, java.time.Instant now) {
        try {
            return text.startsWith("P") || text.startsWith("p")
                    ? now.plus(java.time.Duration.parse(text))
                    : java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }
}
