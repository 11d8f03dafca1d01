package dev.baton.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The settings of the workers that run {@link BatonStep} methods, bound from {@code baton.worker.*}. Every setting has
 * a default; the ones under {@code steps} override the global ones for one command topic.
 *
 * <pre>{@code
 * baton:
 *   worker:
 *     bootstrap-servers: kafka-1:9092,kafka-2:9092   # default: spring.kafka.bootstrap-servers, else localhost:9092
 *     group-id-prefix: payment-service.              # group ids: <prefix><topic>-worker
 *     concurrency: 4
 *     retry:
 *       max-attempts: 5
 *       initial-backoff: 200ms
 *       max-backoff: 10s
 *       multiplier: 2.0
 *     kafka:                                         # passed to the Kafka clients as they are
 *       security.protocol: SASL_SSL
 *     steps:
 *       "[payments.commands]":                       # brackets keep the dots of a topic name
 *         outcome-topic: payments.outcomes
 *         retry:
 *           max-attempts: 2
 * }</pre>
 */
@ConfigurationProperties(prefix = "baton.worker")
public class BatonWorkerProperties {

    /** The default when neither baton.worker.bootstrap-servers nor spring.kafka.bootstrap-servers is set. */
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

    /** Whether to run workers for @BatonStep methods at all. */
    private boolean enabled = true;

    /** Whether to start the workers with the application context, and stop them with it. */
    private boolean autoStartup = true;

    /**
     * Kafka bootstrap servers, a comma-separated host:port list. Default: spring.kafka.bootstrap-servers if set,
     * else bootstrap.servers from baton.worker.kafka, else localhost:9092.
     */
    private String bootstrapServers;

    /**
     * Prefix of the consumer group ids: a worker's group is this prefix, its topic, then "-worker", e.g.
     * "payment-service.payments.commands-worker". Default none, which gives the worker SDK's default group, e.g.
     * "payments.commands-worker".
     */
    private String groupIdPrefix = "";

    /**
     * How many commands each worker runs at once, each on its own thread (commands of one instance never run at
     * once). Between 1 and 1024.
     */
    private int concurrency = 1;

    /** How failing handler calls are retried before a command is reported FAILED. */
    private final Retry retry = new Retry();

    /** The consumers' max.poll.records: how many commands one poll returns at most. */
    private int maxPollRecords = 500;

    /**
     * How long stopping waits for commands in flight to finish and their outcomes to be acknowledged; commands still
     * running then are interrupted and not committed, so they are delivered again.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    /** How many answered command ids each worker remembers, to answer a redelivered command without running it. */
    private int redeliveryCacheSize = 10_000;

    /**
     * Kafka client properties passed to the consumers and producers as they are, e.g. security.protocol or
     * sasl.jaas.config. The settings the worker depends on (serialisers, auto-commit) cannot be overridden.
     */
    private Map<String, String> kafka = new LinkedHashMap<>();

    /**
     * Settings for the worker of one command topic, overriding the ones above. Write topic names with dots in
     * brackets: "[payments.commands]".
     */
    private Map<String, Step> steps = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isAutoStartup() {
        return autoStartup;
    }

    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getGroupIdPrefix() {
        return groupIdPrefix;
    }

    public void setGroupIdPrefix(String groupIdPrefix) {
        this.groupIdPrefix = groupIdPrefix == null ? "" : groupIdPrefix;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public Retry getRetry() {
        return retry;
    }

    public int getMaxPollRecords() {
        return maxPollRecords;
    }

    public void setMaxPollRecords(int maxPollRecords) {
        this.maxPollRecords = maxPollRecords;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public int getRedeliveryCacheSize() {
        return redeliveryCacheSize;
    }

    public void setRedeliveryCacheSize(int redeliveryCacheSize) {
        this.redeliveryCacheSize = redeliveryCacheSize;
    }

    public Map<String, String> getKafka() {
        return kafka;
    }

    public void setKafka(Map<String, String> kafka) {
        this.kafka = kafka;
    }

    public Map<String, Step> getSteps() {
        return steps;
    }

    public void setSteps(Map<String, Step> steps) {
        this.steps = steps;
    }

    /** Retries of a failing handler: {@code baton.worker.retry.*}. */
    public static class Retry {

        /** Tries per command, the first one included; 1 disables retries. */
        private int maxAttempts = 3;

        /** The wait before the first retry; each later wait is multiplied by the multiplier. */
        private Duration initialBackoff = Duration.ofSeconds(1);

        /** The longest wait between two tries. */
        private Duration maxBackoff = Duration.ofSeconds(30);

        /** The factor by which the wait grows from one retry to the next, 1.0 or more. */
        private double multiplier = 2.0;

        /** The random spread of each wait, between 0.0 and 1.0: 0.2 means plus or minus 20 %. */
        private double jitter = 0.2;

        /**
         * Exception types (and their subclasses) that fail a command at once, without retries, e.g.
         * java.lang.IllegalArgumentException. NonRetryableException is never retried.
         */
        private List<Class<? extends Throwable>> doNotRetry = new ArrayList<>();

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public double getJitter() {
            return jitter;
        }

        public void setJitter(double jitter) {
            this.jitter = jitter;
        }

        public List<Class<? extends Throwable>> getDoNotRetry() {
            return doNotRetry;
        }

        public void setDoNotRetry(List<Class<? extends Throwable>> doNotRetry) {
            this.doNotRetry = doNotRetry;
        }
    }

    /** Settings of the worker of one command topic: {@code baton.worker.steps.[topic].*}; unset ones are global. */
    public static class Step {

        /** The consumer group id of this topic's worker, instead of group-id-prefix + topic + "-worker". */
        private String groupId;

        /** How many commands of this topic run at once, instead of baton.worker.concurrency. */
        private Integer concurrency;

        /**
         * A topic that receives a copy of every outcome of this worker (same key, value and headers), for
         * monitoring. The outcome itself always goes to the command's callbackTopic. Default none.
         */
        private String outcomeTopic;

        /** Retries for this topic; each setting left out is taken from baton.worker.retry. */
        private final RetryOverride retry = new RetryOverride();

        public String getGroupId() {
            return groupId;
        }

        public void setGroupId(String groupId) {
            this.groupId = groupId;
        }

        public Integer getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(Integer concurrency) {
            this.concurrency = concurrency;
        }

        public String getOutcomeTopic() {
            return outcomeTopic;
        }

        public void setOutcomeTopic(String outcomeTopic) {
            this.outcomeTopic = outcomeTopic;
        }

        public RetryOverride getRetry() {
            return retry;
        }
    }

    /** Per-topic retry settings: {@code baton.worker.steps.[topic].retry.*}; unset ones are the global ones. */
    public static class RetryOverride {

        /** Tries per command for this topic, the first one included. */
        private Integer maxAttempts;

        /** The wait before the first retry for this topic. */
        private Duration initialBackoff;

        /** The longest wait between two tries for this topic. */
        private Duration maxBackoff;

        /** The growth factor of the wait for this topic. */
        private Double multiplier;

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public Double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(Double multiplier) {
            this.multiplier = multiplier;
        }
    }
}
