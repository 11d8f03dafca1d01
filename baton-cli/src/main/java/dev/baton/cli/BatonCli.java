package dev.baton.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code baton} command line. Exit codes: 0 ok, 1 the request failed, 2 bad usage, 3 server unreachable. */
@Command(
        name = "baton",
        mixinStandardHelpOptions = true,
        versionProvider = BatonCli.Version.class,
        description = "Kafka-native workflow orchestration.",
        subcommands = {
            ServerCommand.class,
            DemoCommand.class,
            KafkaCommand.class,
            ValidateCommand.class,
            DeployCommand.class,
            StartCommand.class,
            StatusCommand.class,
            OperatorCommands.ListInstances.class,
            OperatorCommands.Cancel.class,
            OperatorCommands.Retry.class,
            OperatorCommands.Signal.class,
            OperatorCommands.Pause.class,
            OperatorCommands.Resume.class,
            OperatorCommands.Redrive.class,
            OperatorCommands.Complete.class,
            OperatorCommands.Skip.class,
            OperatorCommands.Rerun.class,
            OperatorCommands.Migrate.class,
            ReplayCommand.class,
            OperatorCommands.PauseTopic.class,
            OperatorCommands.ResumeTopic.class,
            OperatorCommands.PausedTopics.class,
            ScheduleCommands.ListSchedules.class,
            ScheduleCommands.ScheduleCommand.class,
            TopicsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class BatonCli implements Runnable {
    static final int FAILED = 1;
    static final int UNREACHABLE = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code, without exiting; for tests. */
    public static int run(String... args) {
        return new CommandLine(new BatonCli())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("baton: " + e.getMessage());
                    return FAILED;
                })
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = BatonCli.class.getPackage().getImplementationVersion();
            return new String[] {"baton " + (v == null ? "development build" : v)};
        }
    }
}
