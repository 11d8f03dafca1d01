package dev.baton.cli;

import picocli.CommandLine.Option;

/** Where the REST API and dashboard listen. */
final class HttpOptions {
    @Option(
            names = "--http-port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "Port of the REST API and dashboard (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--http-host",
            defaultValue = "127.0.0.1",
            paramLabel = "HOST",
            description = "Address to bind (default: ${DEFAULT-VALUE}; use 0.0.0.0 to accept remote clients).")
    String host;

    @Option(
            names = "--advertised-address",
            paramLabel = "HOST:PORT",
            description =
                    "Where other orchestrator processes reach this one's API, to answer queries about instances they do not own (default: the bound address).")
    String advertisedAddress;

    @Option(
            names = "--api-tokens",
            paramLabel = "FILE",
            description =
                    "Require bearer tokens: lines '<role> <token>' with role read or operator. Also read from $BATON_API_TOKENS as 'read:<token>,operator:<token>'.")
    java.nio.file.Path apiTokens;

    dev.baton.server.api.AccessControl accessControl() {
        if (apiTokens != null) {
            return dev.baton.server.api.AccessControl.fromFile(apiTokens);
        }
        String env = System.getenv("BATON_API_TOKENS");
        return env == null || env.isBlank()
                ? dev.baton.server.api.AccessControl.open()
                : dev.baton.server.api.AccessControl.fromEnvironment(env);
    }

    String advertised() {
        if (advertisedAddress != null) {
            return advertisedAddress;
        }
        return ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port;
    }
}
