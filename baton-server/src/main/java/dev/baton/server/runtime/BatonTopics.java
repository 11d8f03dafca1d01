package dev.baton.server.runtime;

/**
 * The orchestrator's own topics; every name can be changed with a prefix, for several Batons on one cluster.
 * {@code http} carries HTTP steps' calls from the orchestrator's decisions to its HTTP executor; the compacted
 * {@code topicPauses} holds which worker topics an operator has paused (see {@link TopicPauses}); {@code schedules}
 * carries schedule pauses and scheduled instances' ends to the one task that owns the schedules (see
 * {@link ScheduleProcessor}).
 * {@code topicPauses} holds which worker topics an operator has paused (see {@link TopicPauses});
 * {@code eventCorrelation} carries event steps' subscriptions and the events they wait for, keyed alike, to the event
 * correlation (see {@link EventCorrelation}).
 */
public record BatonTopics(
        String requests,
        String callbacks,
        String status,
        String deadLetters,
        String definitions,
        String http,
        String topicPauses,
        String schedules,
        String eventCorrelation) {

    public static BatonTopics defaults() {
        return withPrefix("baton.");
    }

    public static BatonTopics withPrefix(String prefix) {
        return new BatonTopics(
                prefix + "requests",
                prefix + "callbacks",
                prefix + "status",
                prefix + "dlq",
                prefix + "definitions",
                prefix + "http",
                prefix + "topic-pauses",
                prefix + "schedules",
                prefix + "event-correlation");
    }
}
