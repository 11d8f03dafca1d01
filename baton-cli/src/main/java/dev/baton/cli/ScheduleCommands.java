package dev.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton schedules} and {@code baton schedule pause|resume WORKFLOW}: workflows that start by themselves. */
final class ScheduleCommands {
    private ScheduleCommands() {}

    @Command(
            name = "schedules",
            mixinStandardHelpOptions = true,
            description = "Deployed schedules with their next and last run, overlap rule and pause.")
    static final class ListSchedules implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Option(
                names = {"-o", "--output"},
                defaultValue = "table",
                description = "table or json.")
        OperatorCommands.Output output;

        @Override
        public Integer call() {
            try {
                var r = client.get("/api/schedules");
                if (!r.ok()) {
                    System.err.println(r.error());
                    return BatonCli.FAILED;
                }
                if (output == OperatorCommands.Output.json) {
                    System.out.println(r.body().toPrettyString());
                    return 0;
                }
                System.out.printf(
                        "%-28s %-18s %-16s %-9s %-22s %-22s %s%n",
                        "WORKFLOW", "SCHEDULE", "TIME ZONE", "OVERLAP", "NEXT RUN", "LAST RUN", "STATE");
                for (JsonNode s : r.body()) {
                    String state = !s.path("enabled").asBoolean()
                            ? "off (server runs without --schedules)"
                            : s.path("paused").asBoolean()
                                    ? "paused by " + s.path("pausedBy").asText("?") + ": "
                                            + s.path("pauseReason").asText("")
                                    : "running";
                    System.out.printf(
                            "%-28s %-18s %-16s %-9s %-22s %-22s %s%n",
                            s.path("workflow").asText(),
                            s.path("expression").asText(),
                            s.path("timeZone").asText(),
                            s.path("overlap").asText(),
                            s.path("nextRun").asText("-"),
                            s.path("lastRun").asText("-"),
                            state);
                }
                return 0;
            } catch (ServerClient.Unreachable e) {
                System.err.println(e.getMessage());
                return BatonCli.UNREACHABLE;
            }
        }
    }

    @Command(
            name = "schedule",
            mixinStandardHelpOptions = true,
            description = "Pause or resume a workflow's schedule.",
            subcommands = {Pause.class, Resume.class})
    static final class ScheduleCommand implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say pause or resume");
        }
    }

    /** {@code POST /api/schedules/{workflow}/pause|resume} with the reason. */
    abstract static class ScheduleAction extends OperatorCommands.Action {
        @Parameters(paramLabel = "WORKFLOW", description = "The scheduled workflow.")
        String workflow;

        @Option(names = "--reason", required = true, description = "Why; kept with the schedule's pause.")
        String reason;

        abstract String action();

        @Override
        String path() {
            return "/api/schedules/" + URLEncoder.encode(workflow, StandardCharsets.UTF_8) + "/" + action();
        }

        @Override
        Map<String, Object> body() {
            var body = new LinkedHashMap<String, Object>();
            body.put("reason", reason);
            return body;
        }

        @Override
        String line(JsonNode answer) {
            return answer.path("workflow").asText() + "  " + action()
                    + " accepted (baton schedules shows it once the orchestrator has applied it)";
        }
    }

    @Command(
            name = "pause",
            mixinStandardHelpOptions = true,
            description = "Pause a schedule: its ticks start nothing until it is resumed.")
    static final class Pause extends ScheduleAction {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = "Resume a paused schedule: the next tick starts; ticks missed while paused do not.")
    static final class Resume extends ScheduleAction {
        @Override
        String action() {
            return "resume";
        }
    }
}
