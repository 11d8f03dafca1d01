package dev.baton.server.runtime;

/** The orchestrator's own topics; every name can be changed with a prefix, for several Batons on one cluster. */
public record BatonTopics(String requests, String callbacks, String status, String deadLetters, String definitions) {

    public static BatonTopics defaults() {
        return withPrefix("baton.");
    }

    public static BatonTopics withPrefix(String prefix) {
        return new BatonTopics(prefix + "requests", prefix + "callbacks", prefix + "status", prefix + "dlq", prefix + "definitions");
    }
}
