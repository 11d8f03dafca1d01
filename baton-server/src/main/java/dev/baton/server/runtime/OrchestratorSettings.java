package dev.baton.server.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** How an orchestrator process connects and behaves. Every setting has a default fit for a laptop. */
public final class OrchestratorSettings {
    private String bootstrapServers = "127.0.0.1:9092";
    private String applicationId = "baton-orchestrator";
    private BatonTopics topics = BatonTopics.defaults();
    private Path stateDir = Path.of("baton-data", "streams");
    private int partitions = 3;
    private short replicationFactor = 1;
    private Duration commitInterval = Duration.ofMillis(20);
    private boolean commitWhenDrained = false;
    private Duration pollInterval = Duration.ofMillis(5);
    private Duration timerResolution = Duration.ofMillis(100);
    private int maxPayloadBytes = 1024 * 1024;
    private int streamThreads = 1;
    private int httpConcurrency = 32;
    private boolean exactlyOnce = true;
    private Clock clock = Clock.systemUTC();
    private Map<String, Object> kafkaProperties = new HashMap<>();
    private java.util.regex.Pattern outcomeTopics = OrchestratorTopology.DEFAULT_OUTCOME_TOPICS;
    private String advertisedHttp;
    private Duration retention = Duration.ofDays(7);
    private dev.baton.server.tracing.TracingSettings tracing = dev.baton.server.tracing.TracingSettings.off();

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String applicationId() {
        return applicationId;
    }

    public BatonTopics topics() {
        return topics;
    }

    public Path stateDir() {
        return stateDir;
    }
    /** Partitions of the request and callback topics; they must match, because an instance lives on one partition. */
    public int partitions() {
        return partitions;
    }

    public short replicationFactor() {
        return replicationFactor;
    }
    /**
     * How often a transaction commits: the floor of each orchestrator hop's latency under exactly-once (half of it on
     * average), unless {@link #commitWhenDrained()} commits sooner.
     */
    public Duration commitInterval() {
        return commitInterval;
    }
    /**
     * Under exactly-once, also commit as soon as a stream thread has handled everything its last poll returned (see
     * {@link DrainedInput}). Off by default: it made low-load latency about three times lower, and cost about a fifth
     * of the throughput (docs/benchmarks.md).
     */
    public boolean commitWhenDrained() {
        return commitWhenDrained;
    }
    /**
     * How long the stream thread waits for new records before it looks again whether a commit is due (Kafka Streams'
     * {@code poll.ms}, whose default of 100 ms made every orchestrator hop wait up to 100 ms at low load).
     */
    public Duration pollInterval() {
        return pollInterval;
    }
    /** How often due timeouts are looked for; a timeout fires at most this late. */
    public Duration timerResolution() {
        return timerResolution;
    }
    /** Records larger than this go to the dead-letter topic. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    public int streamThreads() {
        return streamThreads;
    }
    /** How many HTTP steps' calls this process's HTTP executor makes at once (its batch size). */
    public int httpConcurrency() {
        return httpConcurrency;
    }

    public boolean exactlyOnce() {
        return exactlyOnce;
    }

    public Clock clock() {
        return clock;
    }
    /** Client settings passed through to Kafka (TLS, SASL, tuning). */
    public Map<String, Object> kafkaProperties() {
        return kafkaProperties;
    }
    /** Workers' own outcome topics to merge into the callback topic (default: names ending in {@code .outcomes}). */
    public java.util.regex.Pattern outcomeTopics() {
        return outcomeTopics;
    }
    /**
     * {@code host:port} where other orchestrator processes reach this one's HTTP API, so that any process can answer
     * queries about instances that live on another; absent for a single process.
     */
    /** How long a finished instance stays queryable in the store; its result stays on the result topic regardless. */
    public Duration retention() {
        return retention;
    }

    public java.util.Optional<String> advertisedHttp() {
        return java.util.Optional.ofNullable(advertisedHttp);
    }
    /** Where spans go (OpenTelemetry); off by default. */
    public dev.baton.server.tracing.TracingSettings tracing() {
        return tracing;
    }

    public OrchestratorSettings bootstrapServers(String v) {
        this.bootstrapServers = Objects.requireNonNull(v);
        return this;
    }

    public OrchestratorSettings applicationId(String v) {
        this.applicationId = Objects.requireNonNull(v);
        return this;
    }

    public OrchestratorSettings topics(BatonTopics v) {
        this.topics = Objects.requireNonNull(v);
        return this;
    }

    public OrchestratorSettings stateDir(Path v) {
        this.stateDir = Objects.requireNonNull(v);
        return this;
    }

    public OrchestratorSettings partitions(int v) {
        this.partitions = positive(v, "partitions");
        return this;
    }

    public OrchestratorSettings replicationFactor(short v) {
        this.replicationFactor = v;
        return this;
    }

    public OrchestratorSettings commitInterval(Duration v) {
        this.commitInterval = Objects.requireNonNull(v);
        return this;
    }

    public OrchestratorSettings commitWhenDrained(boolean v) {
        this.commitWhenDrained = v;
        return this;
    }

    public OrchestratorSettings pollInterval(Duration v) {
        this.pollInterval = Objects.requireNonNull(v);
        return this;
    }

    public OrchestratorSettings timerResolution(Duration v) {
        this.timerResolution = Objects.requireNonNull(v);
        return this;
    }

    public OrchestratorSettings maxPayloadBytes(int v) {
        this.maxPayloadBytes = positive(v, "maxPayloadBytes");
        return this;
    }

    public OrchestratorSettings streamThreads(int v) {
        this.streamThreads = positive(v, "streamThreads");
        return this;
    }

    public OrchestratorSettings httpConcurrency(int v) {
        this.httpConcurrency = positive(v, "httpConcurrency");
        return this;
    }

    public OrchestratorSettings exactlyOnce(boolean v) {
        this.exactlyOnce = v;
        return this;
    }

    public OrchestratorSettings clock(Clock v) {
        this.clock = Objects.requireNonNull(v);
        return this;
    }

    public OrchestratorSettings kafkaProperties(Map<String, Object> v) {
        this.kafkaProperties = new HashMap<>(v);
        return this;
    }

    public OrchestratorSettings retention(Duration v) {
        if (v.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative");
        }
        this.retention = v;
        return this;
    }

    public OrchestratorSettings advertisedHttp(String hostAndPort) {
        this.advertisedHttp = hostAndPort;
        return this;
    }

    public OrchestratorSettings tracing(dev.baton.server.tracing.TracingSettings v) {
        this.tracing = Objects.requireNonNull(v);
        return this;
    }

    public OrchestratorSettings outcomeTopics(java.util.regex.Pattern v) {
        this.outcomeTopics = Objects.requireNonNull(v);
        return this;
    }

    private static int positive(int v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + v);
        }
        return v;
    }
}
