package dev.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = "Deploy a workflow definition to a running server as the workflow's next version.")
final class DeployCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A YAML or JSON definition file.")
    Path file;

    @Mixin
    ServerClient client;

    @Override
    public Integer call() throws Exception {
        if (ValidateCommand.readOrReport(file) == null) {
            return BatonCli.FAILED;
        }
        try {
            var r = client.post(
                    "/api/workflows?source="
                            + java.net.URLEncoder.encode(file.getFileName().toString(), "UTF-8"),
                    Files.readString(file),
                    "application/yaml");
            if (!r.ok()) {
                System.err.println("deploy failed: " + r.error());
                for (JsonNode p : r.body().path("problems")) {
                    System.err.println(p.path("text").asText());
                }
                return BatonCli.FAILED;
            }
            System.out.println("deployed " + r.body().path("name").asText() + " v"
                    + r.body().path("version").asInt());
            return 0;
        } catch (ServerClient.Unreachable e) {
            System.err.println(e.getMessage());
            return BatonCli.UNREACHABLE;
        }
    }
}
