package dev.baton.cli;

import dev.baton.definition.DefinitionReader;
import dev.baton.server.runtime.TopicProvisioningException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        defaultValueProvider = ConfigDefaults.class,
        description = {
            "Run the orchestrator and its HTTP API (with an embedded Kafka broker unless --bootstrap-servers is given).",
            "Every option can also come from the environment variable BATON_<OPTION> (BATON_BOOTSTRAP_SERVERS for "
                    + "--bootstrap-servers) or from the --config file (bootstrap-servers = ...); the command line wins "
                    + "over the environment, the environment over the file."
        })
final class ServerCommand implements Callable<Integer> {
    /** why 2: like bad usage, the start cannot succeed until someone changes the cluster or the command line. */
    static final int TOPICS_NOT_READY = 2;

    @Option(
            names = ConfigDefaults.CONFIG_OPTION,
            paramLabel = "FILE",
            description = "Settings file: one 'option-name = value' a line, for any option of this command.")
    Path config;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    HttpOptions http;

    @Mixin
    TracingOptions tracing;

    @Option(
            names = "--partitions",
            defaultValue = "3",
            description =
                    "Partitions of Baton's topics when it creates them, and those it expects with --no-create-topics"
                            + " (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--retention",
            defaultValue = "P7D",
            paramLabel = "DURATION",
            description =
                    "How long finished instances stay queryable (ISO-8601, default: ${DEFAULT-VALUE}); results stay on the result topic.")
    java.time.Duration retention;

    @Option(
            names = "--no-create-topics",
            negatable = false,
            description = "Do not create topics: check that every topic Baton needs is there (see `baton topics"
                    + " --print`) and refuse to start, with exit code 2, if one is missing or mis-sized.")
    boolean noCreateTopics;

    @Option(
            names = "--deploy",
            paramLabel = "FILE",
            split = ",",
            description = "Workflow definitions to deploy at start; repeatable, or separated by commas.")
    List<Path> deploy = List.of();

    @Override
    public Integer call() throws Exception {
        for (Path file : deploy) {
            DefinitionReader.read(file); // a bad file stops the start with its problems, before anything runs
        }
        RunningBaton baton;
        try {
            baton = RunningBaton.start(cluster, http, tracing, partitions, retention, !noCreateTopics, System.out);
        } catch (TopicProvisioningException e) {
            System.err.println("baton: " + e.getMessage());
            return TOPICS_NOT_READY;
        }
        for (Path file : deploy) {
            try {
                var d = baton.orchestrator.deploy(DefinitionReader.read(file));
                System.out.println("Deployed " + d.name() + " v" + d.version() + " from " + file);
            } catch (TopicProvisioningException e) {
                System.err.println("baton: cannot deploy " + file + ": " + e.getMessage());
                baton.close();
                return TOPICS_NOT_READY;
            }
        }
        System.out.println(
                "Baton is running. API: http://" + http.host + ":" + baton.api.port() + "/  (Ctrl-C to stop)");
        baton.awaitShutdown(System.out);
        return 0;
    }
}
