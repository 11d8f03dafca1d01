package dev.baton.cli;

import dev.baton.server.runtime.StatusEvents;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where Kafka is: an existing cluster, or the embedded broker Baton starts itself. */
final class ClusterOptions {
    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT,...",
            description = "An existing Kafka cluster. Without it Baton starts an embedded single-node broker.")
    String bootstrapServers;

    @Option(
            names = "--replication-factor",
            defaultValue = "1",
            paramLabel = "N",
            description = "Replication factor of the topics Baton creates on --bootstrap-servers, its Kafka Streams "
                    + "changelogs included (default: ${DEFAULT-VALUE}; 3 on a production cluster).")
    short replicationFactor;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            paramLabel = "PORT",
            description = "Port of the embedded broker (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--data-dir",
            defaultValue = "baton-data",
            paramLabel = "DIR",
            description =
                    "Where the embedded broker and the orchestrator keep their data (default: ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "Kafka client properties (TLS, SASL, ...) passed to every client.")
    Path kafkaConfig;

    @Option(
            names = "--commit-interval",
            defaultValue = "PT0.02S",
            paramLabel = "DURATION",
            description = "How often the orchestrator and its triggers commit, so how long an exactly-once transaction"
                    + " stays open: longer means more throughput and more latency per step (ISO-8601, default:"
                    + " ${DEFAULT-VALUE}; see docs/operations.md).")
    java.time.Duration commitInterval;

    @Option(
            names = "--commit-when-drained",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Commit as soon as the orchestrator has handled its input while traffic is low, as well as every"
                            + " commit interval (default: on): about five times lower latency at low traffic; under"
                            + " load it commits on the interval. --no-commit-when-drained commits only on the"
                            + " interval (see docs/operations.md).")
    boolean commitWhenDrained;

    @Option(
            names = "--early-dispatch",
            description = "Send each command to its worker as soon as it is decided, ahead of the transaction that"
                    + " stores the decision: lower latency per step; a crash can deliver a command twice, which workers"
                    + " answer again by its commandId; time comes from the input records (see docs/operations.md).")
    boolean earlyDispatch;

    @Option(
            names = "--status-events",
            defaultValue = "all",
            paramLabel = "all|instance",
            converter = StatusEventsOption.class,
            description = "What the orchestrator writes to baton.status: every step's progress (all, the default), or"
                    + " only what concerns the instance as a whole and every problem (instance: two records instead of"
                    + " ten for a four-step workflow; see docs/operations.md).")
    StatusEvents statusEvents;

    /** Picocli's reading of {@code --status-events}: lower case, with an error that names the values allowed. */
    static final class StatusEventsOption implements CommandLine.ITypeConverter<StatusEvents> {
        @Override
        public StatusEvents convert(String value) {
            try {
                return StatusEvents.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Option(
            names = "--topic-pauses",
            description = "Allow pausing worker topics (`baton pause-topic`). It changes the orchestrator's topology:"
                    + " switch it on only once every orchestrator runs this release (see docs/compatibility.md).")
    boolean topicPauses;

    @Option(
            names = "--schedules",
            description = "Start workflows that have a 'schedule' (`baton schedules`). It changes the orchestrator's"
                    + " topology: switch it on only once every orchestrator runs this release (see"
                    + " docs/compatibility.md).")
    boolean schedules;

    @Option(
            names = "--schedule-grace",
            defaultValue = "PT1M",
            paramLabel = "DURATION",
            description =
                    "How late a schedule's tick may be seen and still start on time; a later one was missed"
                            + " (the orchestrator was down) and follows the schedule's catchUp rule (default: ${DEFAULT-VALUE}).")
    java.time.Duration scheduleGrace;

    @Option(
            names = "--event-buffer-ttl",
            defaultValue = "PT1H",
            paramLabel = "DURATION",
            description = "How long an event or signal that arrives before its step waits is kept for it (ISO-8601,"
                    + " default: ${DEFAULT-VALUE}; an event step's bufferFor wins; PT0S keeps none).")
    java.time.Duration eventBufferTtl;

    @Option(
            names = "--signal-buffer-limit",
            defaultValue = "100",
            paramLabel = "N",
            description = "How many early signals one instance keeps at most (default: ${DEFAULT-VALUE}).")
    int signalBufferLimit;

    Map<String, Object> kafkaProperties() {
        var map = new HashMap<String, Object>();
        if (kafkaConfig == null) {
            return map;
        }
        var p = new Properties();
        try (Reader r = Files.newBufferedReader(kafkaConfig)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --kafka-config " + kafkaConfig + ": " + e.getMessage());
        }
        p.forEach((k, v) -> map.put(String.valueOf(k), v));
        return map;
    }
}
