package dev.baton.server.runtime;

import dev.baton.server.tracing.TracingSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How an orchestrator process connects and behaves. Immutable; build one with {@link #newBuilder()}, or change a copy
 * with {@link #newBuilder(OrchestratorSettings)}.
 *
 * <pre>{@code
 * OrchestratorSettings settings = OrchestratorSettings.newBuilder()
 *     .bootstrapServers("kafka-1:9092")
 *     .stateDir(Path.of("/var/lib/baton/streams"))
 *     .partitions(12)
 *     .build();
 * }</pre>
 *
 * <p>Every setting has a default fit for a laptop, stated on each builder method.
 */
public final class OrchestratorSettings {
    private static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    private static final String DEFAULT_APPLICATION_ID = "baton-orchestrator";
    private static final Path DEFAULT_STATE_DIR = Path.of("baton-data", "streams");
    private static final int DEFAULT_PARTITIONS = 3;
    private static final short DEFAULT_REPLICATION_FACTOR = 1;
    private static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(20);
    private static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(5);
    private static final Duration DEFAULT_TIMER_RESOLUTION = Duration.ofMillis(100);
    private static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
    private static final int DEFAULT_STREAM_THREADS = 1;
    private static final int DEFAULT_HTTP_CONCURRENCY = 32;
    private static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    /** How long an event or signal that arrives before its step waits is kept, unless a step says otherwise. */
    public static final Duration DEFAULT_EVENT_BUFFER_TTL = Duration.ofHours(1);
    /** How many early signals one instance keeps at most. */
    public static final int DEFAULT_SIGNAL_BUFFER_LIMIT = 100;

    private final String bootstrapServers;
    private final String applicationId;
    private final BatonTopics topics;
    private final Path stateDir;
    private final int partitions;
    private final short replicationFactor;
    private final Duration commitInterval;
    private final boolean commitWhenDrained;
    private final boolean earlyDispatch;
    private final StatusEvents statusEvents;
    private final Duration pollInterval;
    private final Duration timerResolution;
    private final int maxPayloadBytes;
    private final int streamThreads;
    private final int httpConcurrency;
    private final boolean exactlyOnce;
    private final Clock clock;
    private final Map<String, Object> kafkaProperties;
    private final Pattern outcomeTopics;
    private final String advertisedHttp;
    private final Duration retention;
    private final TracingSettings tracing;
    private final boolean createTopics;
    private final boolean topicPauses;
    private final boolean schedules;
    private final Duration scheduleGrace;
    private final Duration eventBufferTtl;
    private final int signalBufferLimit;
    private final boolean hopTiming;

    private OrchestratorSettings(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.applicationId = b.applicationId;
        this.topics = b.topics;
        this.stateDir = b.stateDir;
        this.partitions = b.partitions;
        this.replicationFactor = b.replicationFactor;
        this.commitInterval = b.commitInterval;
        this.commitWhenDrained = b.commitWhenDrained;
        this.earlyDispatch = b.earlyDispatch;
        this.statusEvents = b.statusEvents;
        this.pollInterval = b.pollInterval;
        this.timerResolution = b.timerResolution;
        this.maxPayloadBytes = b.maxPayloadBytes;
        this.streamThreads = b.streamThreads;
        this.httpConcurrency = b.httpConcurrency;
        this.exactlyOnce = b.exactlyOnce;
        this.clock = b.clock;
        this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.kafkaProperties));
        this.outcomeTopics = b.outcomeTopics;
        this.advertisedHttp = b.advertisedHttp;
        this.retention = b.retention;
        this.tracing = b.tracing;
        this.createTopics = b.createTopics;
        this.topicPauses = b.topicPauses;
        this.schedules = b.schedules;
        this.scheduleGrace = b.scheduleGrace;
        this.eventBufferTtl = b.eventBufferTtl;
        this.signalBufferLimit = b.signalBufferLimit;
        this.hopTiming = b.hopTiming;
    }

    /** A builder with every setting at its default. */
    public static Builder newBuilder() {
        return new Builder();
    }

    /** A builder holding {@code template}'s settings, to build a changed copy; {@code template} stays as it is. */
    public static Builder newBuilder(OrchestratorSettings template) {
        Objects.requireNonNull(template, "template");
        Builder b = new Builder();
        b.bootstrapServers = template.bootstrapServers;
        b.applicationId = template.applicationId;
        b.topics = template.topics;
        b.stateDir = template.stateDir;
        b.partitions = template.partitions;
        b.replicationFactor = template.replicationFactor;
        b.commitInterval = template.commitInterval;
        b.commitWhenDrained = template.commitWhenDrained;
        b.earlyDispatch = template.earlyDispatch;
        b.statusEvents = template.statusEvents;
        b.pollInterval = template.pollInterval;
        b.timerResolution = template.timerResolution;
        b.maxPayloadBytes = template.maxPayloadBytes;
        b.streamThreads = template.streamThreads;
        b.httpConcurrency = template.httpConcurrency;
        b.exactlyOnce = template.exactlyOnce;
        b.clock = template.clock;
        b.kafkaProperties.putAll(template.kafkaProperties);
        b.outcomeTopics = template.outcomeTopics;
        b.advertisedHttp = template.advertisedHttp;
        b.retention = template.retention;
        b.tracing = template.tracing;
        b.createTopics = template.createTopics;
        b.topicPauses = template.topicPauses;
        b.schedules = template.schedules;
        b.scheduleGrace = template.scheduleGrace;
        b.eventBufferTtl = template.eventBufferTtl;
        b.signalBufferLimit = template.signalBufferLimit;
        b.hopTiming = template.hopTiming;
        return b;
    }

    /** The Kafka cluster, {@code host:port,...}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The Kafka Streams application id: processes with the same id share the work. */
    public String applicationId() {
        return applicationId;
    }

    /** The names of Baton's own topics. */
    public BatonTopics topics() {
        return topics;
    }

    /** Where Kafka Streams keeps this process's local state. */
    public Path stateDir() {
        return stateDir;
    }

    /** Partitions of the request and callback topics; they must match, because an instance lives on one partition. */
    public int partitions() {
        return partitions;
    }

    /** Replication factor of the topics Baton creates. */
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
     * Under exactly-once, also commit as soon as a stream thread has handled everything it fetched while it is quiet,
     * if what it wrote holds a record somebody waits for (see {@link DrainedInput}): at low load at once, under load
     * on the interval. On by default: at 20 workflows/s it cut the end-to-end p50 from about 100 ms to about 20 ms in
     * the benchmark, and under load the thread is not quiet, so it commits as it would without (throughput within the
     * spread of runs without it, docs/benchmarks.md). Off: commits only every {@link #commitInterval()}.
     */
    public boolean commitWhenDrained() {
        return commitWhenDrained;
    }

    /**
     * Under exactly-once, send each command as soon as it is decided, from an idempotent producer outside the
     * transaction, rather than when the transaction commits; state, offsets, results and status events stay in the
     * transaction (see {@link EarlyDispatch}). Decisions are then timed by their input record, not the wall clock, and
     * timers reach the engine as records on the requests topic, so that a replay after a crash decides the same
     * commands again. Off by default.
     */
    public boolean earlyDispatch() {
        return earlyDispatch;
    }

    /**
     * Which notifications are written to the status topic: all of them (the default), or those about the instance as
     * a whole and every problem, not each step's progress ({@link StatusEvents#INSTANCE}: two records instead of ten
     * for a four-step workflow).
     */
    public StatusEvents statusEvents() {
        return statusEvents;
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

    /** Kafka Streams threads of this process. */
    public int streamThreads() {
        return streamThreads;
    }

    /** How many HTTP steps' calls this process's HTTP executor makes at once (its batch size). */
    public int httpConcurrency() {
        return httpConcurrency;
    }

    /** Exactly-once processing (Kafka transactions); at-least-once when false. */
    public boolean exactlyOnce() {
        return exactlyOnce;
    }

    /** The clock the adapters read; the engine takes its time from the events they give it. */
    public Clock clock() {
        return clock;
    }

    /** Client settings passed through to Kafka (TLS, SASL, tuning); unmodifiable. */
    public Map<String, Object> kafkaProperties() {
        return kafkaProperties;
    }

    /** Workers' own outcome topics to merge into the callback topic (default: names ending in {@code .outcomes}). */
    public Pattern outcomeTopics() {
        return outcomeTopics;
    }

    /**
     * {@code host:port} where other orchestrator processes reach this one's HTTP API, so that any process can answer
     * queries about instances that live on another; absent for a single process.
     */
    public Optional<String> advertisedHttp() {
        return Optional.ofNullable(advertisedHttp);
    }

    /** How long a finished instance stays queryable in the store; its result stays on the result topic regardless. */
    public Duration retention() {
        return retention;
    }

    /** Where spans go (OpenTelemetry); off by default. */
    public TracingSettings tracing() {
        return tracing;
    }

    /**
     * Whether the orchestrator creates the topics it needs (at start, and a definition's when it is deployed). When
     * false it only checks that they exist, with the partition counts and compaction it needs (see
     * {@link RequiredTopics}), and refuses to start or deploy otherwise, for clusters where applications may not
     * create topics.
     */
    public boolean createTopics() {
        return createTopics;
    }

    /**
     * Whether worker topics can be paused (held commands). Off by default: it adds a state store and a global store
     * to the topology, which orchestrators of a release without it cannot share a group with, so it is switched on
     * only once every process runs this release (docs/compatibility.md).
     */
    public boolean topicPauses() {
        return topicPauses;
    }

    /**
     * Whether workflows with a {@code schedule} start by themselves (see {@link ScheduleProcessor}). Off by default:
     * it adds a source topic, a state store and a sub-topology, which orchestrators of a release without it cannot
     * share a group with, so it is switched on only once every process runs this release (docs/compatibility.md).
     */
    public boolean schedules() {
        return schedules;
    }

    /**
     * How late a schedule's tick may be seen and still start on time; a tick seen later was missed (the orchestrator
     * was down) and follows the schedule's {@code catchUp} rule.
     */
    public Duration scheduleGrace() {
        return scheduleGrace;
    }

    /**
     * How long an event that no step waits for yet is kept by the event correlation (unless the event steps on its
     * topic say {@code bufferFor}), and how long an instance keeps a signal that arrives before its step waits. Zero
     * keeps neither: such events and signals are dropped, as before they were buffered.
     */
    public Duration eventBufferTtl() {
        return eventBufferTtl;
    }

    /** How many early signals one instance keeps at most; one more is ignored. */
    public int signalBufferLimit() {
        return signalBufferLimit;
    }

    /**
     * Whether records of a workflow the benchmark times (their {@code baton-hops} header) get this orchestrator's
     * stamps: when it saw the input and when it forwarded each command and result. For {@code ./baton bench --hops};
     * off by default, and then no record gets a stamp, whatever headers come in.
     */
    public boolean hopTiming() {
        return hopTiming;
    }

    /** A readable summary; Kafka property values are left out, as they may hold secrets. */
    @Override
    public String toString() {
        return "OrchestratorSettings{bootstrapServers=" + bootstrapServers
                + ", applicationId=" + applicationId
                + ", stateDir=" + stateDir
                + ", partitions=" + partitions
                + ", replicationFactor=" + replicationFactor
                + ", commitInterval=" + commitInterval
                + ", commitWhenDrained=" + commitWhenDrained
                + ", earlyDispatch=" + earlyDispatch
                + ", statusEvents=" + statusEvents
                + ", pollInterval=" + pollInterval
                + ", timerResolution=" + timerResolution
                + ", maxPayloadBytes=" + maxPayloadBytes
                + ", streamThreads=" + streamThreads
                + ", httpConcurrency=" + httpConcurrency
                + ", exactlyOnce=" + exactlyOnce
                + ", kafkaProperties=" + kafkaProperties.keySet()
                + ", outcomeTopics=" + outcomeTopics
                + ", advertisedHttp=" + advertisedHttp
                + ", retention=" + retention
                + ", createTopics=" + createTopics
                + ", topicPauses=" + topicPauses
                + ", schedules=" + schedules
                + ", scheduleGrace=" + scheduleGrace
                + ", eventBufferTtl=" + eventBufferTtl
                + ", signalBufferLimit=" + signalBufferLimit
                + ", hopTiming=" + hopTiming
                + '}';
    }

    /**
     * Builds {@link OrchestratorSettings}. A setter given {@code null} throws {@link NullPointerException} at once;
     * {@link #build()} checks the ranges and names every setting that is out of range. Not thread-safe.
     */
    public static final class Builder {
        private String bootstrapServers = DEFAULT_BOOTSTRAP_SERVERS;
        private String applicationId = DEFAULT_APPLICATION_ID;
        private BatonTopics topics = BatonTopics.defaults();
        private Path stateDir = DEFAULT_STATE_DIR;
        private int partitions = DEFAULT_PARTITIONS;
        private short replicationFactor = DEFAULT_REPLICATION_FACTOR;
        private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
        private boolean commitWhenDrained = true;
        private boolean earlyDispatch = false;
        private StatusEvents statusEvents = StatusEvents.ALL;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration timerResolution = DEFAULT_TIMER_RESOLUTION;
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private int streamThreads = DEFAULT_STREAM_THREADS;
        private int httpConcurrency = DEFAULT_HTTP_CONCURRENCY;
        private boolean exactlyOnce = true;
        private Clock clock = Clock.systemUTC();
        private final Map<String, Object> kafkaProperties = new LinkedHashMap<>();
        private Pattern outcomeTopics = OrchestratorTopology.DEFAULT_OUTCOME_TOPICS;
        private String advertisedHttp;
        private Duration retention = DEFAULT_RETENTION;
        private TracingSettings tracing = TracingSettings.off();
        private boolean createTopics = true;
        private boolean topicPauses = false;
        private boolean schedules = false;
        private Duration scheduleGrace = dev.baton.engine.ScheduleTicks.DEFAULT_GRACE;
        private Duration eventBufferTtl = DEFAULT_EVENT_BUFFER_TTL;
        private int signalBufferLimit = DEFAULT_SIGNAL_BUFFER_LIMIT;
        private boolean hopTiming = false;

        private Builder() {}

        /** The Kafka cluster, {@code host:port,...}, not blank. Default {@code 127.0.0.1:9092}. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /**
         * The Kafka Streams application id, not blank: also the prefix of its internal topics and consumer group.
         * Default {@code baton-orchestrator}.
         */
        public Builder applicationId(String applicationId) {
            this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
            return this;
        }

        /** The names of Baton's own topics. Default {@link BatonTopics#defaults()} ({@code baton.requests}, ...). */
        public Builder topics(BatonTopics topics) {
            this.topics = Objects.requireNonNull(topics, "topics");
            return this;
        }

        /** Where Kafka Streams keeps local state. Default {@code baton-data/streams}, relative to the working dir. */
        public Builder stateDir(Path stateDir) {
            this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
            return this;
        }

        /** Partitions of the topics Baton creates, at least 1. Default 3. */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /** Replication factor of the topics Baton creates, at least 1. Default 1 (a single broker). */
        public Builder replicationFactor(short replicationFactor) {
            this.replicationFactor = replicationFactor;
            return this;
        }

        /** How often a transaction commits, zero or more. Default 20 ms. */
        public Builder commitInterval(Duration commitInterval) {
            this.commitInterval = Objects.requireNonNull(commitInterval, "commitInterval");
            return this;
        }

        /** Also commit when a stream thread has handled all it polled (see the getter). Default off. */
        public Builder commitWhenDrained(boolean commitWhenDrained) {
            this.commitWhenDrained = commitWhenDrained;
            return this;
        }

        /** Send commands as soon as they are decided (see the getter); only with exactly-once. Default off. */
        public Builder earlyDispatch(boolean earlyDispatch) {
            this.earlyDispatch = earlyDispatch;
            return this;
        }

        /** Which notifications reach the status topic (see the getter). Default {@link StatusEvents#ALL}. */
        public Builder statusEvents(StatusEvents statusEvents) {
            this.statusEvents = Objects.requireNonNull(statusEvents, "statusEvents");
            return this;
        }

        /** Kafka Streams' {@code poll.ms}, zero or more. Default 5 ms. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /** How often due timeouts are looked for, at least 1 ms. Default 100 ms. */
        public Builder timerResolution(Duration timerResolution) {
            this.timerResolution = Objects.requireNonNull(timerResolution, "timerResolution");
            return this;
        }

        /** The largest record Baton processes, at least 1 byte; larger ones are dead letters. Default 1 MiB. */
        public Builder maxPayloadBytes(int maxPayloadBytes) {
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        /** Kafka Streams threads, at least 1. Default 1. */
        public Builder streamThreads(int streamThreads) {
            this.streamThreads = streamThreads;
            return this;
        }

        /** How many HTTP steps' calls run at once, at least 1. Default 32. */
        public Builder httpConcurrency(int httpConcurrency) {
            this.httpConcurrency = httpConcurrency;
            return this;
        }

        /** Exactly-once processing; false for at-least-once. Default true. */
        public Builder exactlyOnce(boolean exactlyOnce) {
            this.exactlyOnce = exactlyOnce;
            return this;
        }

        /** The adapters' clock (tests give a fixed one). Default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Client settings passed to every Kafka client (TLS, SASL, tuning); replaces earlier calls. Default none. */
        public Builder kafkaProperties(Map<String, ?> kafkaProperties) {
            Objects.requireNonNull(kafkaProperties, "kafkaProperties");
            this.kafkaProperties.clear();
            kafkaProperties.forEach((k, v) -> this.kafkaProperties.put(
                    Objects.requireNonNull(k, "kafkaProperties key"),
                    Objects.requireNonNull(v, () -> "kafkaProperties value of " + k)));
            return this;
        }

        /** Workers' outcome topics merged into the callback topic. Default: names ending in {@code .outcomes}. */
        public Builder outcomeTopics(Pattern outcomeTopics) {
            this.outcomeTopics = Objects.requireNonNull(outcomeTopics, "outcomeTopics");
            return this;
        }

        /**
         * {@code host:port} of this process's HTTP API for the other processes, not blank; {@code null} for none.
         * Default none (a single process).
         */
        public Builder advertisedHttp(String hostAndPort) {
            this.advertisedHttp = hostAndPort;
            return this;
        }

        /** How long finished instances stay queryable, zero or more. Default 7 days. */
        public Builder retention(Duration retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /** Where spans go. Default {@link TracingSettings#off()}. */
        public Builder tracing(TracingSettings tracing) {
            this.tracing = Objects.requireNonNull(tracing, "tracing");
            return this;
        }

        /** Allow pausing worker topics (see {@link OrchestratorSettings#topicPauses()}). Default false. */
        public Builder topicPauses(boolean topicPauses) {
            this.topicPauses = topicPauses;
            return this;
        }

        /** Start scheduled workflows (see {@link OrchestratorSettings#schedules()}). Default false. */
        public Builder schedules(boolean schedules) {
            this.schedules = schedules;
            return this;
        }

        /** See {@link OrchestratorSettings#scheduleGrace()}; positive. Default one minute. */
        public Builder scheduleGrace(Duration scheduleGrace) {
            this.scheduleGrace = Objects.requireNonNull(scheduleGrace, "scheduleGrace");
            return this;
        }

        /** How long early events and signals are kept (see {@link OrchestratorSettings#eventBufferTtl()}). Default 1 hour. */
        public Builder eventBufferTtl(Duration ttl) {
            this.eventBufferTtl = Objects.requireNonNull(ttl, "eventBufferTtl");
            return this;
        }

        /** How many early signals an instance keeps, zero or more. Default 100. */
        public Builder signalBufferLimit(int limit) {
            this.signalBufferLimit = limit;
            return this;
        }

        /** Stamp the benchmark's timed records (see {@link OrchestratorSettings#hopTiming()}). Default false. */
        public Builder hopTiming(boolean hopTiming) {
            this.hopTiming = hopTiming;
            return this;
        }

        /** Create missing topics (true), or only check that they are there (false). Default true. */
        public Builder createTopics(boolean createTopics) {
            this.createTopics = createTopics;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException naming every setting that is out of range
         */
        public OrchestratorSettings build() {
            var problems = new ArrayList<String>();
            notBlank(problems, "bootstrapServers", bootstrapServers);
            notBlank(problems, "applicationId", applicationId);
            if (advertisedHttp != null) {
                notBlank(problems, "advertisedHttp", advertisedHttp);
            }
            atLeastOne(problems, "partitions", partitions);
            atLeastOne(problems, "replicationFactor", replicationFactor);
            atLeastOne(problems, "maxPayloadBytes", maxPayloadBytes);
            atLeastOne(problems, "streamThreads", streamThreads);
            atLeastOne(problems, "httpConcurrency", httpConcurrency);
            notNegative(problems, "commitInterval", commitInterval);
            notNegative(problems, "pollInterval", pollInterval);
            notNegative(problems, "retention", retention);
            if (scheduleGrace.isNegative() || scheduleGrace.isZero()) {
                problems.add("scheduleGrace must be positive, not " + scheduleGrace);
            }

            notNegative(problems, "eventBufferTtl", eventBufferTtl);
            if (signalBufferLimit < 0) {
                problems.add("signalBufferLimit must not be negative, not " + signalBufferLimit);
            }
            if (earlyDispatch && !exactlyOnce) {
                // why: at-least-once sends everything at once already; there is no transaction to send ahead of.
                problems.add("earlyDispatch is a mode of exactly-once processing; at-least-once sends every record"
                        + " as soon as it is decided anyway");
            }
            // why: Kafka Streams cannot schedule a punctuator more often than every millisecond.
            if (timerResolution.toMillis() < 1) {
                problems.add("timerResolution must be at least 1 ms, not " + timerResolution);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid orchestrator settings: " + String.join("; ", problems));
            }
            return new OrchestratorSettings(this);
        }

        private static void notBlank(List<String> problems, String name, String value) {
            if (value.isBlank()) {
                problems.add(name + " must not be blank");
            }
        }

        private static void atLeastOne(List<String> problems, String name, int value) {
            if (value < 1) {
                problems.add(name + " must be at least 1, not " + value);
            }
        }

        private static void notNegative(List<String> problems, String name, Duration value) {
            if (value.isNegative()) {
                problems.add(name + " must not be negative, not " + value);
            }
        }
    }
}
