package dev.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.protocol.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's commands, one per action of the REST API ({@code POST /api/instances/{id}/...}), printing what the
 * API answers as a line (table) or as its JSON ({@code --output json}). Recovery actions need a {@code --reason}:
 * it goes into the instance's timeline with the name of the token that asked.
 */
final class OperatorCommands {
    private OperatorCommands() {}

    enum Output {
        table,
        json
    }

    /** What every action shares: the server, the output format, and how an answer is printed. */
    abstract static class Action implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Option(
                names = {"-o", "--output"},
                defaultValue = "table",
                description = "table or json (default: ${DEFAULT-VALUE}).")
        Output output;

        abstract String path();

        abstract Map<String, Object> body();

        /** What is posted: the JSON of {@link #body()}, unless the action sends something else. */
        String requestBody() {
            try {
                return Json.mapper().writeValueAsString(body());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Integer call() {
            try {
                var r = client.post(path(), requestBody(), "application/json");
                if (!r.ok()) {
                    System.err.println(r.error());
                    return BatonCli.FAILED;
                }
                if (output == Output.json) {
                    System.out.println(r.body().toPrettyString());
                } else {
                    System.out.println(line(r.body()));
                }
                return 0;
            } catch (ServerClient.Unreachable e) {
                System.err.println(e.getMessage());
                return BatonCli.UNREACHABLE;
            }
        }

        /** The JSON an option holds, or a usage error naming the option. */
        Object json(String option, String text) {
            try {
                return Json.mapper().readValue(text, Object.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this), option + " is not JSON: " + e.getOriginalMessage());
            }
        }

        String line(JsonNode answer) {
            return answer.path("instanceId").asText() + "  "
                    + answer.path("operation").asText() + " accepted (the instance's timeline shows what it did)";
        }

        static String instancePath(String id, String action) {
            return "/api/instances/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/" + action;
        }
    }

    /** An action on one instance that takes a reason. */
    abstract static class InstanceAction extends Action {
        @Parameters(paramLabel = "ID", description = "The instance id.")
        String id;

        @Option(names = "--reason", description = "Why; kept in the instance's timeline.")
        String reason;

        abstract String action();

        @Override
        String path() {
            return instancePath(id, action());
        }

        @Override
        Map<String, Object> body() {
            var body = new LinkedHashMap<String, Object>();
            if (reason != null) {
                body.put("reason", reason);
            }
            return body;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel an instance: it compensates.")
    static final class Cancel extends InstanceAction {
        @Override
        String action() {
            return "cancel";
        }
    }

    @Command(
            name = "retry",
            mixinStandardHelpOptions = true,
            description = "Retry an incident: a failed step, or a failed compensation.")
    static final class Retry extends InstanceAction {
        @Option(names = "--step", paramLabel = "STEP", description = "Only this step.")
        String step;

        @Override
        String action() {
            return "retry";
        }

        @Override
        Map<String, Object> body() {
            var body = super.body();
            if (step != null) {
                body.put("stepId", step);
            }
            return body;
        }
    }

    @Command(
            name = "pause",
            mixinStandardHelpOptions = true,
            description = "Pause an instance: it records outcomes but sends nothing until it is resumed.")
    static final class Pause extends InstanceAction {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = "Resume a paused instance: what became due meanwhile goes out now.")
    static final class Resume extends InstanceAction {
        @Override
        String action() {
            return "resume";
        }
    }

    @Command(
            name = "redrive",
            mixinStandardHelpOptions = true,
            description = "Run a failed or cancelled instance again from where it failed; work that stands is kept.")
    static final class Redrive extends InstanceAction {
        @Override
        String action() {
            return "redrive";
        }
    }

    @Command(
            name = "complete",
            mixinStandardHelpOptions = true,
            description = "Complete a step by hand with an output, as if its worker had succeeded.")
    static final class Complete extends InstanceAction {
        @Parameters(index = "1", paramLabel = "STEP", description = "The step.")
        String step;

        @Option(names = "--output-json", paramLabel = "JSON", description = "The step's output (default: {}).")
        String outputJson = "{}";

        @Override
        String action() {
            return "steps/" + URLEncoder.encode(step, StandardCharsets.UTF_8) + "/complete";
        }

        @Override
        Map<String, Object> body() {
            var body = super.body();
            body.put("output", json("--output-json", outputJson));
            return body;
        }
    }

    @Command(
            name = "rerun",
            mixinStandardHelpOptions = true,
            description = "Run a step and every step after it again, on a completed instance or one in an incident;"
                    + " optionally with a new input for the step.")
    static final class Rerun extends InstanceAction {
        @Parameters(index = "1", paramLabel = "STEP", description = "The step.")
        String step;

        @Option(names = "--input-json", paramLabel = "JSON", description = "The step's new input (default: mapped).")
        String inputJson;

        @Override
        String action() {
            return "steps/" + URLEncoder.encode(step, StandardCharsets.UTF_8) + "/rerun";
        }

        @Override
        Map<String, Object> body() {
            var body = super.body();
            if (inputJson != null) {
                body.put("input", json("--input-json", inputJson));
            }
            return body;
        }
    }

    @Command(
            name = "skip",
            mixinStandardHelpOptions = true,
            description = "Skip a step by hand; a skip counts as done.")
    static final class Skip extends InstanceAction {
        @Parameters(index = "1", paramLabel = "STEP", description = "The step.")
        String step;

        @Override
        String action() {
            return "steps/" + URLEncoder.encode(step, StandardCharsets.UTF_8) + "/skip";
        }
    }

    @Command(
            name = "signal",
            mixinStandardHelpOptions = true,
            description = "Deliver a signal to an instance; a step waiting for it succeeds with the payload.")
    static final class Signal extends Action {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Option(names = "--payload", paramLabel = "JSON", description = "The signal's payload (default: none).")
        String payload;

        @Override
        String path() {
            return instancePath(id, "signals/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        }

        @Override
        Map<String, Object> body() {
            throw new UnsupportedOperationException("a signal's body is its payload");
        }

        @Override
        String requestBody() {
            return payload == null ? "" : payload;
        }

        @Override
        String line(JsonNode answer) {
            return id + "  signal " + name + " delivered";
        }
    }

    @Command(
            name = "migrate",
            mixinStandardHelpOptions = true,
            description = "Move a running instance (or, with --workflow, every running instance of a workflow) to"
                    + " another version; refused where its state cannot be mapped.")
    static final class Migrate extends Action {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "The instance id (or use --workflow).")
        String id;

        @Option(names = "--workflow", description = "Every running instance of this workflow.")
        String workflow;

        @Option(names = "--to-version", required = true, paramLabel = "N")
        int version;

        @Option(
                names = "--map",
                paramLabel = "OLD=NEW",
                description = "A step the new version renamed (repeatable); others keep their ids.")
        Map<String, String> mapping = new LinkedHashMap<>();

        @Option(names = "--reason", required = true, description = "Why; kept in each instance's timeline.")
        String reason;

        @Override
        String path() {
            if ((id == null) == (workflow == null)) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this), "name one instance ID, or --workflow for all of its instances");
            }
            return id != null ? instancePath(id, "migrate") : "/api/instances/bulk";
        }

        @Override
        Map<String, Object> body() {
            var body = new LinkedHashMap<String, Object>();
            if (workflow != null) {
                body.put("action", "migrate");
                body.put("filter", Map.of("workflow", workflow, "status", "RUNNING"));
            }
            body.put("version", version);
            body.put("mapping", mapping);
            body.put("reason", reason);
            return body;
        }

        @Override
        String line(JsonNode answer) {
            if (id != null) {
                return super.line(answer);
            }
            var sb = new StringBuilder(
                    answer.path("instances").asInt() + " instances asked to move to version " + version);
            for (JsonNode r : answer.path("refused")) {
                sb.append(System.lineSeparator())
                        .append("  refused ")
                        .append(r.path("instanceId").asText())
                        .append(": ")
                        .append(r.path("reason").asText());
            }
            return sb.toString();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List instances, newest first.")
    static final class ListInstances implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Option(
                names = {"-o", "--output"},
                defaultValue = "table",
                description = "table or json.")
        Output output;

        @Option(names = "--workflow")
        String workflow;

        @Option(names = "--status", description = "RUNNING, COMPENSATING, INCIDENT or COMPLETED.")
        String status;

        @Option(names = "--outcome", description = "SUCCEEDED, FAILED or CANCELLED.")
        String outcome;

        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Override
        public Integer call() {
            var query = new StringBuilder("/api/instances?limit=" + limit);
            append(query, "workflow", workflow);
            append(query, "status", status);
            append(query, "outcome", outcome);
            try {
                var r = client.get(query.toString());
                if (!r.ok()) {
                    System.err.println(r.error());
                    return BatonCli.FAILED;
                }
                if (output == Output.json) {
                    System.out.println(r.body().toPrettyString());
                    return 0;
                }
                System.out.printf(
                        "%-32s %-20s %-13s %-10s %s%n", "INSTANCE", "WORKFLOW", "STATUS", "OUTCOME", "PAUSED");
                for (JsonNode i : r.body().path("items")) {
                    System.out.printf(
                            "%-32s %-20s %-13s %-10s %s%n",
                            i.path("instanceId").asText(),
                            i.path("workflow").asText() + " v"
                                    + i.path("version").asInt(),
                            i.path("status").asText(),
                            i.path("outcome").isNull() ? "-" : i.path("outcome").asText(),
                            i.path("paused").asBoolean() ? "yes" : "");
                }
                System.out.println(r.body().path("total").asInt() + " in all");
                return 0;
            } catch (ServerClient.Unreachable e) {
                System.err.println(e.getMessage());
                return BatonCli.UNREACHABLE;
            }
        }

        private static void append(StringBuilder query, String name, String value) {
            if (value != null) {
                query.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    /** Pauses or resumes a worker topic: {@code POST /api/topics/{topic}/pause|resume}. */
    abstract static class TopicAction extends Action {
        @Parameters(paramLabel = "TOPIC", description = "The worker topic, e.g. payments.commands.")
        String topic;

        @Option(names = "--reason", description = "Why; kept with the topic's pause.")
        String reason;

        @Option(
                names = "--release-rate",
                paramLabel = "N",
                description =
                        "Held commands sent per second per partition once resumed (default: 100, or the pause's).")
        Integer releaseRate;

        abstract String action();

        @Override
        String path() {
            return "/api/topics/" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "/" + action();
        }

        @Override
        Map<String, Object> body() {
            var body = new LinkedHashMap<String, Object>();
            if (reason != null) {
                body.put("reason", reason);
            }
            if (releaseRate != null) {
                body.put("releaseRate", releaseRate);
            }
            return body;
        }

        @Override
        String line(JsonNode answer) {
            return answer.path("topic").asText() + "  " + (answer.path("paused").asBoolean() ? "paused" : "resumed")
                    + " (held commands go out at " + answer.path("releaseRate").asInt() + "/s per partition)";
        }
    }

    @Command(
            name = "pause-topic",
            mixinStandardHelpOptions = true,
            description = "Pause a worker topic: its commands wait in the orchestrator until it is resumed. "
                    + "Step timeouts keep running.")
    static final class PauseTopic extends TopicAction {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(
            name = "resume-topic",
            mixinStandardHelpOptions = true,
            description = "Resume a paused worker topic: held commands go out oldest first at the release rate.")
    static final class ResumeTopic extends TopicAction {
        @Override
        String action() {
            return "resume";
        }
    }

    @Command(
            name = "paused-topics",
            mixinStandardHelpOptions = true,
            description = "Paused worker topics, and resumed ones still sending held commands, with held counts.")
    static final class PausedTopics implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Option(
                names = {"-o", "--output"},
                defaultValue = "table",
                description = "table or json.")
        Output output;

        @Override
        public Integer call() {
            try {
                var r = client.get("/api/topics/paused");
                if (!r.ok()) {
                    System.err.println(r.error());
                    return BatonCli.FAILED;
                }
                if (output == Output.json) {
                    System.out.println(r.body().toPrettyString());
                    return 0;
                }
                System.out.printf("%-32s %-9s %8s %6s %-16s %s%n", "TOPIC", "STATE", "HELD", "RATE", "BY", "REASON");
                for (JsonNode t : r.body()) {
                    System.out.printf(
                            "%-32s %-9s %8d %6d %-16s %s%n",
                            t.path("topic").asText(),
                            t.path("paused").asBoolean() ? "paused" : "releasing",
                            t.path("held").asLong(),
                            t.path("releaseRate").asInt(),
                            t.path("actor").asText("-"),
                            t.path("reason").asText(""));
                }
                return 0;
            } catch (ServerClient.Unreachable e) {
                System.err.println(e.getMessage());
                return BatonCli.UNREACHABLE;
            }
        }
    }
}
