package dev.baton.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a command's options come from when the command line does not give them (12-factor): the environment variable
 * {@code BATON_<OPTION_NAME>} ({@code --bootstrap-servers} from {@code BATON_BOOTSTRAP_SERVERS}), then the
 * {@code --config} file ({@code bootstrap-servers = ...}), then the option's own default. Picocli asks only for the
 * options the command line left out, after parsing it, so {@code --config} is known by then; it too can come from
 * the environment ({@code BATON_CONFIG}).
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    static final String CONFIG_OPTION = "--config";

    /**
     * Options whose environment variable means something else already: {@code BATON_API_TOKENS} holds the tokens
     * themselves, not the name of a file of them (see {@link HttpOptions#accessControl()}).
     */
    private static final Set<String> NOT_FROM_ENVIRONMENT = Set.of("--api-tokens");

    private final Map<String, String> environment;
    private ConfigFile file;

    /** Picocli makes one through {@code @Command(defaultValueProvider = ...)}: this process's environment. */
    ConfigDefaults() {
        this(System.getenv());
    }

    ConfigDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    static String environmentVariable(OptionSpec option) {
        return "BATON_"
                + option.longestName().replaceFirst("^-+", "").replace('-', '_').toUpperCase();
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        if (!NOT_FROM_ENVIRONMENT.contains(option.longestName())) {
            String fromEnvironment = environment.get(environmentVariable(option));
            if (fromEnvironment != null) {
                return fromEnvironment;
            }
        }
        if (option.longestName().equals(CONFIG_OPTION)) {
            return null;
        }
        ConfigFile config = file(arg.command());
        return config == null ? null : config.values().get(settingName(option));
    }

    private ConfigFile file(CommandSpec command) {
        OptionSpec configOption = command.findOption(CONFIG_OPTION);
        if (configOption == null) {
            return null;
        }
        // why the environment too: picocli may ask about other options before it has applied --config's default
        Path path = configOption.getValue();
        String fromEnvironment = environment.get(environmentVariable(configOption));
        if (path == null && fromEnvironment != null) {
            path = Path.of(fromEnvironment);
        }
        if (path == null) {
            return null;
        }
        if (file == null || !file.path().equals(path)) {
            try {
                file = ConfigFile.read(path, settingNames(command));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(command.commandLine(), e.getMessage(), e, configOption, null);
            }
        }
        return file;
    }

    /** The names a config file may use: every option of the command but help, version and the config file itself. */
    static Set<String> settingNames(CommandSpec command) {
        return command.options().stream()
                .filter(o ->
                        !o.usageHelp() && !o.versionHelp() && !o.longestName().equals(CONFIG_OPTION))
                .map(ConfigDefaults::settingName)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static String settingName(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }
}
