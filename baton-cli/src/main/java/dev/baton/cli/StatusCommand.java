package dev.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "status",
        aliases = "show",
        mixinStandardHelpOptions = true,
        description = "Show an instance: its status, outcome and steps.")
final class StatusCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--json", description = "Print the API's JSON instead of a summary (as --output json).")
    boolean json;

    @Option(
            names = {"-o", "--output"},
            defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}), as the other operator commands.")
    OperatorCommands.Output output;

    @Mixin
    ServerClient client;

    @Override
    public Integer call() {
        try {
            var r = client.get(
                    "/api/instances/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8));
            if (!r.ok()) {
                System.err.println(r.error());
                return BatonCli.FAILED;
            }
            if (json || output == OperatorCommands.Output.json) {
                System.out.println(r.body().toPrettyString());
                return 0;
            }
            JsonNode i = r.body();
            System.out.printf(
                    "%s  %s v%d  process %s%s%n",
                    i.path("instanceId").asText(),
                    i.path("workflow").asText(),
                    i.path("version").asInt(),
                    i.path("status").asText(),
                    i.path("outcome").isNull()
                            ? ""
                            : ", item " + i.path("outcome").asText());
            if (i.path("paused").asBoolean()) {
                System.out.println("  paused by an operator: it records outcomes but sends nothing until resumed");
            }
            if (i.path("redrives").asInt() > 0) {
                System.out.println("  redriven " + i.path("redrives").asInt() + " time(s)");
            }
            for (JsonNode s : i.path("steps")) {
                String error = s.path("error").isNull()
                        ? ""
                        : "  " + s.path("error").path("type").asText() + ": "
                                + s.path("error").path("message").asText();
                System.out.printf(
                        "  %-16s %-20s attempt %d%s%n",
                        s.path("id").asText(),
                        s.path("state").asText(),
                        s.path("attempt").asInt(),
                        error);
            }
            if (!i.path("failure").isNull()) {
                System.out.println(
                        "  failure: " + i.path("failure").path("message").asText());
            }
            return 0;
        } catch (ServerClient.Unreachable e) {
            System.err.println(e.getMessage());
            return BatonCli.UNREACHABLE;
        }
    }
}
