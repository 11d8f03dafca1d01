package dev.baton.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The settings of a {@link Worker}. Immutable; build one with {@link #newBuilder()}.
 *
 * <pre>{@code
 * WorkerOptions options = WorkerOptions.newBuilder()
 *     .bootstrapServers("localhost:9092")
 *     .commandTopic("stock.commands")
 *     .concurrency(8)
 *     .kafkaProperties(Map.of("security.protocol", "SSL"))
 *     .build();
 * }</pre>
 *
 * <p>Only the command topic and the bootstrap servers are required; everything else has a
 * default, stated on each builder method.
 */
public final class WorkerOptions {

    private static final int DEFAULT_CONCURRENCY = 1;
    private static final int DEFAULT_MAX_POLL_RECORDS = 500;
    private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    private static final int DEFAULT_REDELIVERY_CACHE_SIZE = 10_000;
    private static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final String bootstrapServers;
    private final String commandTopic;
    private final String explicitGroupId;
    private final int concurrency;
    private final RetryPolicy retryPolicy;
    private final String outcomeTopic;
    private final Map<String, Object> kafkaProperties;
    private final int maxPollRecords;
    private final Duration shutdownTimeout;
    private final int redeliveryCacheSize;
    private final ObjectMapper objectMapper;

    private WorkerOptions(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.commandTopic = b.commandTopic;
        this.explicitGroupId = b.groupId;
        this.concurrency = b.concurrency;
        this.retryPolicy = b.retryPolicy;
        this.outcomeTopic = b.outcomeTopic;
        this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.kafkaProperties));
        this.maxPollRecords = b.maxPollRecords;
        this.shutdownTimeout = b.shutdownTimeout;
        this.redeliveryCacheSize = b.redeliveryCacheSize;
        this.objectMapper = b.objectMapper != null ? b.objectMapper : defaultObjectMapper();
    }

    /**
     * Starts a builder with every setting at its default.
     *
     * @return a new builder
     */
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * Starts a builder initialised from existing options.
     *
     * @param template the options to copy
     * @return a new builder holding {@code template}'s settings
     */
    public static Builder newBuilder(WorkerOptions template) {
        Objects.requireNonNull(template, "template");
        Builder b = new Builder();
        b.bootstrapServers = template.bootstrapServers;
        b.commandTopic = template.commandTopic;
        b.groupId = template.explicitGroupId;
        b.concurrency = template.concurrency;
        b.retryPolicy = template.retryPolicy;
        b.outcomeTopic = template.outcomeTopic;
        b.kafkaProperties.putAll(template.kafkaProperties);
        b.maxPollRecords = template.maxPollRecords;
        b.shutdownTimeout = template.shutdownTimeout;
        b.redeliveryCacheSize = template.redeliveryCacheSize;
        b.objectMapper = template.objectMapper;
        return b;
    }

    private static ObjectMapper defaultObjectMapper() {
        return JsonMapper.builder()
                .findAndAddModules()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /**
     * The Kafka bootstrap servers, as set with {@link Builder#bootstrapServers(String)}.
     *
     * @return the servers, or {@code null} if they are given as {@code bootstrap.servers} in
     *     {@link #kafkaProperties()} instead
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The topic the worker consumes commands from (a step's {@code topic}).
     *
     * @return the command topic
     */
    public String commandTopic() {
        return commandTopic;
    }

    /**
     * The consumer group id. Default: the command topic followed by {@code "-worker"}.
     *
     * @return the effective group id
     */
    public String groupId() {
        return explicitGroupId != null ? explicitGroupId : commandTopic + "-worker";
    }

    /**
     * How many commands may run at once (each on its own thread). Default 1.
     *
     * @return 1 or more
     */
    public int concurrency() {
        return concurrency;
    }

    /**
     * How a failing handler is retried. Default {@link RetryPolicy#getDefaultInstance()}.
     *
     * @return the retry policy
     */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /**
     * A topic that receives a copy of every outcome, for monitoring. Default none.
     *
     * @return the topic, or empty
     */
    public Optional<String> outcomeTopic() {
        return Optional.ofNullable(outcomeTopic);
    }

    /**
     * Extra Kafka client properties passed to both the consumer and the producer. Default none.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> kafkaProperties() {
        return kafkaProperties;
    }

    /**
     * The consumer's {@code max.poll.records}. Default 500.
     *
     * @return 1 or more
     */
    public int maxPollRecords() {
        return maxPollRecords;
    }

    /**
     * How long {@link Worker#close()} waits for commands in flight to finish. Default 30 s.
     *
     * @return a non-negative duration
     */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * How many answered command ids the worker remembers to recognise redeliveries. Default
     * 10,000; 0 disables the cache.
     *
     * @return 0 or more
     */
    public int redeliveryCacheSize() {
        return redeliveryCacheSize;
    }

    /**
     * The Jackson mapper used to read inputs and write outputs. Default: a mapper with the
     * modules found on the class path registered and {@code FAIL_ON_UNKNOWN_PROPERTIES} off.
     *
     * @return the mapper; shared, do not reconfigure it after the worker started
     */
    public ObjectMapper objectMapper() {
        return objectMapper;
    }

    /**
     * A readable summary (Kafka property values are left out, as they may hold secrets).
     *
     * @return the summary
     */
    @Override
    public String toString() {
        return "WorkerOptions{bootstrapServers=" + bootstrapServers
                + ", commandTopic=" + commandTopic
                + ", groupId=" + groupId()
                + ", concurrency=" + concurrency
                + ", retryPolicy=" + retryPolicy
                + ", outcomeTopic=" + outcomeTopic
                + ", kafkaProperties=" + kafkaProperties.keySet()
                + ", maxPollRecords=" + maxPollRecords
                + ", shutdownTimeout=" + shutdownTimeout
                + ", redeliveryCacheSize=" + redeliveryCacheSize
                + '}';
    }

    /**
     * Builds {@link WorkerOptions}. Setters check their argument at once ({@code null} gives
     * {@link NullPointerException}, out-of-range values {@link IllegalArgumentException});
     * {@link #build()} checks that the required settings are present. Not thread-safe.
     */
    public static final class Builder {

        private String bootstrapServers;
        private String commandTopic;
        private String groupId;
        private int concurrency = DEFAULT_CONCURRENCY;
        private RetryPolicy retryPolicy = RetryPolicy.getDefaultInstance();
        private String outcomeTopic;
        private final Map<String, Object> kafkaProperties = new LinkedHashMap<>();
        private int maxPollRecords = DEFAULT_MAX_POLL_RECORDS;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private int redeliveryCacheSize = DEFAULT_REDELIVERY_CACHE_SIZE;
        private ObjectMapper objectMapper;

        private Builder() {}

        /**
         * The Kafka bootstrap servers, e.g. {@code "localhost:9092"}. Required, unless
         * {@code bootstrap.servers} is given in {@link #kafkaProperties(Map)}; this setting wins
         * over that property. No default.
         *
         * @param bootstrapServers a comma-separated {@code host:port} list
         * @return this builder
         */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = requireNonBlank(bootstrapServers, "bootstrapServers");
            return this;
        }

        /**
         * The topic to consume commands from: the {@code topic} of the steps this worker serves.
         * Required, no default.
         *
         * @param commandTopic a legal Kafka topic name
         * @return this builder
         */
        public Builder commandTopic(String commandTopic) {
            this.commandTopic = requireTopic(commandTopic, "commandTopic");
            return this;
        }

        /**
         * The consumer group id. Workers with the same group id share the command topic's
         * partitions. Default: the command topic followed by {@code "-worker"}.
         *
         * @param groupId not blank
         * @return this builder
         */
        public Builder groupId(String groupId) {
            this.groupId = requireNonBlank(groupId, "groupId");
            return this;
        }

        /**
         * How many commands may run at once, each on its own handler thread. Commands of the same
         * instance never run at once, whatever this value. Default 1.
         *
         * @param concurrency between 1 and 1024
         * @return this builder
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new IllegalArgumentException("concurrency must be between 1 and 1024, was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * How a failing handler is retried before the command is reported {@code FAILED}.
         * Default {@link RetryPolicy#getDefaultInstance()} (3 tries).
         *
         * @param retryPolicy the policy; {@link RetryPolicy#none()} to never retry
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * Also publish every outcome to this topic (same key, value and headers), for monitoring.
         * Outcomes always go to the command's {@code callbackTopic}; this is a copy. Default none.
         *
         * @param outcomeTopic a legal Kafka topic name
         * @return this builder
         */
        public Builder outcomeTopic(String outcomeTopic) {
            this.outcomeTopic = requireTopic(outcomeTopic, "outcomeTopic");
            return this;
        }

        /**
         * Extra Kafka client properties, e.g. for TLS or SASL. Each property goes to the consumer,
         * the producer, or both, depending on which client knows it (unknown names go to both).
         * They override the SDK's defaults ({@code auto.offset.reset=earliest} for the consumer;
         * {@code acks=all}, {@code enable.idempotence=true}, {@code linger.ms=1} for the
         * producer), except the settings the SDK depends on, which are always its own: the key
         * and value (de)serialisers, {@code enable.auto.commit=false}, and the values of
         * {@link #groupId(String)}, {@link #maxPollRecords(int)} and (if set)
         * {@link #bootstrapServers(String)}. Replaces earlier calls. Default none.
         *
         * <p>{@code linger.ms} applies only while other commands are in the worker: an outcome
         * whose command was the only one is sent at once, so a quiet worker adds no linger to
         * its step.
         *
         * @param kafkaProperties property names and values
         * @return this builder
         */
        public Builder kafkaProperties(Map<String, ?> kafkaProperties) {
            Objects.requireNonNull(kafkaProperties, "kafkaProperties");
            Map<String, Object> copy = new LinkedHashMap<>();
            kafkaProperties.forEach((k, v) -> copy.put(
                    Objects.requireNonNull(k, "kafkaProperties key"),
                    Objects.requireNonNull(v, () -> "kafkaProperties value of " + k)));
            this.kafkaProperties.clear();
            this.kafkaProperties.putAll(copy);
            return this;
        }

        /**
         * The consumer's {@code max.poll.records}: how many commands one poll returns at most.
         * The worker stops fetching while this many commands wait for a free handler thread.
         * Default 500.
         *
         * @param maxPollRecords 1 or more
         * @return this builder
         */
        public Builder maxPollRecords(int maxPollRecords) {
            if (maxPollRecords < 1) {
                throw new IllegalArgumentException("maxPollRecords must be 1 or more, was " + maxPollRecords);
            }
            this.maxPollRecords = maxPollRecords;
            return this;
        }

        /**
         * How long {@link Worker#close()} waits for commands in flight to finish and their
         * outcomes to be acknowledged. Commands still running after that are interrupted and not
         * committed, so another worker receives them again. Default 30 s.
         *
         * @param shutdownTimeout zero or positive
         * @return this builder
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            if (shutdownTimeout.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout must not be negative, was " + shutdownTimeout);
            }
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /**
         * How many answered command ids (with their outcomes) the worker remembers, least
         * recently used first out. A redelivered command found there is answered again with the
         * same outcome without running the handler. Default 10,000.
         *
         * @param redeliveryCacheSize 0 (no cache) or more
         * @return this builder
         */
        public Builder redeliveryCacheSize(int redeliveryCacheSize) {
            if (redeliveryCacheSize < 0) {
                throw new IllegalArgumentException(
                        "redeliveryCacheSize must not be negative, was " + redeliveryCacheSize);
            }
            this.redeliveryCacheSize = redeliveryCacheSize;
            return this;
        }

        /**
         * The Jackson mapper used for {@link StepContext#inputAs(Class)} and to turn handler
         * results into outputs. Default: a mapper with the modules found on the class path
         * (e.g. {@code jackson-datatype-jsr310}) and {@code FAIL_ON_UNKNOWN_PROPERTIES} off.
         *
         * @param objectMapper the mapper, not reconfigured afterwards
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         * @throws IllegalStateException if the command topic is missing, or the bootstrap servers
         *     are given neither here nor in the Kafka properties
         */
        public WorkerOptions build() {
            if (commandTopic == null) {
                throw new IllegalStateException("commandTopic is required");
            }
            if (bootstrapServers == null && !kafkaProperties.containsKey(BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalStateException(
                        "bootstrapServers is required (or " + BOOTSTRAP_SERVERS_CONFIG + " in kafkaProperties)");
            }
            return new WorkerOptions(this);
        }

        private static String requireNonBlank(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static String requireTopic(String topic, String name) {
            Objects.requireNonNull(topic, name);
            if (!LEGAL_TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                throw new IllegalArgumentException(name + " is not a legal Kafka topic name: '" + topic + "'");
            }
            return topic;
        }
    }
}
