package dev.baton.examples;

import dev.baton.worker.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The four services of the article "What is Orchestration and how to implement orchestration in
 * an event-driven system?", written with the Baton worker SDK and told as an order story:
 *
 * <table>
 *   <caption>The services</caption>
 *   <tr><th>article</th><th>class</th><th>does</th><th>topic</th><th>compensation</th></tr>
 *   <tr><td>A</td><td>{@link StockService}</td><td>reserves stock</td><td>{@value #TOPIC_A}</td><td>releases it</td></tr>
 *   <tr><td>B</td><td>{@link PaymentService}</td><td>charges the payment</td><td>{@value #TOPIC_B}</td><td>refunds it</td></tr>
 *   <tr><td>C</td><td>{@link ShippingService}</td><td>arranges shipping, in batch windows</td><td>{@value #TOPIC_C}</td><td>cancels it</td></tr>
 *   <tr><td>D</td><td>{@link NotificationService}</td><td>notifies the customer; fails orders above an amount</td><td>{@value #TOPIC_D}</td><td>none</td></tr>
 * </table>
 *
 * <p>The workflow that drives them is {@link #definitionYaml()} (A &rarr; (B &#8214; C) &rarr; D).
 *
 * <pre>{@code
 * try (ArticleServices services = ArticleServices.start(
 *         ArticleServices.Settings.of("localhost:9092")
 *             .withServiceCListener(feed::serviceCWindowChanged))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>The services' workers run on non-daemon threads (the SDK's choice) until {@link #close()};
 * C's window scheduler is a daemon thread.
 */
public final class ArticleServices implements AutoCloseable {

    /** The workflow's name, as in {@code article.yaml}. */
    public static final String WORKFLOW = "article";
    /** Service A's command topic. */
    public static final String TOPIC_A = "service-a.commands";
    /** Service B's command topic. */
    public static final String TOPIC_B = "service-b.commands";
    /** Service C's command topic. */
    public static final String TOPIC_C = "service-c.commands";
    /** Service D's command topic. */
    public static final String TOPIC_D = "service-d.commands";

    // why: docs/examples/article.yaml, copied next to this class by the build (see the pom), so the
    // demo deploys the same definition the README's tour and the engine tests use.
    private static final String DEFINITION_RESOURCE = "article.yaml";

    private final Settings settings;
    private final StockService a;
    private final PaymentService b;
    private final ShippingService c;
    private final NotificationService d;

    private ArticleServices(Settings settings) {
        this.settings = settings;
        this.a = new StockService(settings);
        this.b = new PaymentService(settings);
        this.c = new ShippingService(settings);
        this.d = new NotificationService(settings);
    }

    /**
     * Starts all four services: A, B and D consume at once, C follows its batch windows
     * (starting offline, unless {@code offlineFor} is zero). Returns without waiting for the
     * consumers to be assigned their partitions.
     *
     * @param settings the settings
     * @return the running services; close them when done
     * @throws org.apache.kafka.common.KafkaException if a Kafka client cannot be created; the
     *     services already started are closed again
     */
    public static ArticleServices start(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        ArticleServices services = new ArticleServices(settings);
        try {
            for (ArticleService s : services.services()) {
                s.start();
            }
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
        return services;
    }

    /**
     * The article workflow's definition, {@code docs/examples/article.yaml} (copied to the class
     * path next to this class): steps
     * A &rarr; (B &#8214; C) &rarr; D on the four service topics, A, B and C compensated on their
     * own topics, results on the default result topic.
     *
     * @return the YAML text
     * @throws IllegalStateException if the resource is missing
     */
    public static String definitionYaml() {
        try (InputStream in = ArticleServices.class.getResourceAsStream(DEFINITION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFINITION_RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFINITION_RESOURCE, e);
        }
    }

    /**
     * Service A.
     *
     * @return the stock service
     */
    public StockService serviceA() {
        return a;
    }

    /**
     * Service B.
     *
     * @return the payment service
     */
    public PaymentService serviceB() {
        return b;
    }

    /**
     * Service C.
     *
     * @return the shipping service
     */
    public ShippingService serviceC() {
        return c;
    }

    /**
     * Service D.
     *
     * @return the notification service
     */
    public NotificationService serviceD() {
        return d;
    }

    /**
     * All four services.
     *
     * @return A, B, C and D, in that order
     */
    public List<ArticleService> services() {
        return List.of(a, b, c, d);
    }

    /**
     * The settings the services run with.
     *
     * @return the settings
     */
    public Settings settings() {
        return settings;
    }

    /**
     * Stops all services gracefully (D, C, B, then A): each worker finishes the commands in
     * flight and publishes their outcomes. Idempotent.
     */
    @Override
    public void close() {
        List<ArticleService> reversed = new ArrayList<>(services());
        Collections.reverse(reversed);
        RuntimeException first = null;
        for (ArticleService s : reversed) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * The settings of the article's services. Immutable: each {@code with...} method returns a
     * changed copy.
     *
     * <table>
     *   <caption>Settings and defaults</caption>
     *   <tr><th>setting</th><th>default</th></tr>
     *   <tr><td>bootstrap servers</td><td>required</td></tr>
     *   <tr><td>C offline for / online for</td><td>8 s / 4 s, repeating, starting offline</td></tr>
     *   <tr><td>artificial latency per command</td><td>random between 0 and 50 ms</td></tr>
     *   <tr><td>D fails orders with amount above</td><td>900</td></tr>
     *   <tr><td>retry policy (all services)</td><td>3 tries, 100 ms then 200 ms backoff (&plusmn;20 %)</td></tr>
     *   <tr><td>concurrency per worker</td><td>4</td></tr>
     *   <tr><td>C's window listener</td><td>none</td></tr>
     * </table>
     *
     * <p>For tests: {@code Settings.of(bootstrap).withoutLatency().withAlwaysOnlineC()}.
     */
    public static final class Settings {

        /** Default offline phase of service C. */
        public static final Duration DEFAULT_OFFLINE_FOR = Duration.ofSeconds(8);
        /** Default online phase of service C. */
        public static final Duration DEFAULT_ONLINE_FOR = Duration.ofSeconds(4);
        /** Default upper bound of the artificial latency. */
        public static final Duration DEFAULT_MAX_LATENCY = Duration.ofMillis(50);
        /** Default concurrency of each worker. */
        public static final int DEFAULT_CONCURRENCY = 4;
        /** Default retry policy: 3 tries, 100 ms initial backoff, at most 1 s. */
        public static final RetryPolicy DEFAULT_RETRY_POLICY = RetryPolicy.newBuilder()
                .maxAttempts(3)
                .initialBackoff(Duration.ofMillis(100))
                .maxBackoff(Duration.ofSeconds(1))
                .build();

        private final String bootstrapServers;
        private final BatchWindow batchWindow;
        private final Duration minLatency;
        private final Duration maxLatency;
        private final double failAbove;
        private final RetryPolicy retryPolicy;
        private final int concurrency;
        private final BatchWindowListener serviceCListener;

        private Settings(
                String bootstrapServers,
                BatchWindow batchWindow,
                Duration minLatency,
                Duration maxLatency,
                double failAbove,
                RetryPolicy retryPolicy,
                int concurrency,
                BatchWindowListener serviceCListener) {
            this.bootstrapServers = bootstrapServers;
            this.batchWindow = batchWindow;
            this.minLatency = minLatency;
            this.maxLatency = maxLatency;
            this.failAbove = failAbove;
            this.retryPolicy = retryPolicy;
            this.concurrency = concurrency;
            this.serviceCListener = serviceCListener;
        }

        /**
         * The default settings (see the class description) for a Kafka cluster.
         *
         * @param bootstrapServers e.g. {@code "localhost:9092"}
         * @return the settings
         */
        public static Settings of(String bootstrapServers) {
            return new Settings(
                    requireNonBlank(bootstrapServers),
                    new BatchWindow(DEFAULT_OFFLINE_FOR, DEFAULT_ONLINE_FOR),
                    Duration.ZERO,
                    DEFAULT_MAX_LATENCY,
                    NotificationService.DEFAULT_FAIL_ABOVE,
                    DEFAULT_RETRY_POLICY,
                    DEFAULT_CONCURRENCY,
                    BatchWindowListener.none());
        }

        /**
         * Another Kafka cluster.
         *
         * @param bootstrapServers e.g. {@code "localhost:9092"}
         * @return a changed copy
         */
        public Settings withBootstrapServers(String bootstrapServers) {
            return new Settings(
                    requireNonBlank(bootstrapServers),
                    batchWindow,
                    minLatency,
                    maxLatency,
                    failAbove,
                    retryPolicy,
                    concurrency,
                    serviceCListener);
        }

        /**
         * Service C's batch windows.
         *
         * @param offlineFor each offline phase (the first starts at once); zero for always online
         * @param onlineFor each online phase, positive
         * @return a changed copy
         */
        public Settings withBatchWindow(Duration offlineFor, Duration onlineFor) {
            return withBatchWindow(new BatchWindow(offlineFor, onlineFor));
        }

        /**
         * Service C's batch windows.
         *
         * @param batchWindow the schedule
         * @return a changed copy
         */
        public Settings withBatchWindow(BatchWindow batchWindow) {
            return new Settings(
                    bootstrapServers,
                    Objects.requireNonNull(batchWindow, "batchWindow"),
                    minLatency,
                    maxLatency,
                    failAbove,
                    retryPolicy,
                    concurrency,
                    serviceCListener);
        }

        /**
         * How long each of C's offline phases lasts, keeping the online phase.
         *
         * @param offlineFor zero (always online) or positive
         * @return a changed copy
         */
        public Settings withOfflineFor(Duration offlineFor) {
            return withBatchWindow(offlineFor, batchWindow.onlineFor());
        }

        /**
         * How long each of C's online phases lasts, keeping the offline phase.
         *
         * @param onlineFor positive
         * @return a changed copy
         */
        public Settings withOnlineFor(Duration onlineFor) {
            return withBatchWindow(batchWindow.offlineFor(), onlineFor);
        }

        /**
         * Service C without batch windows: always online.
         *
         * @return a changed copy
         */
        public Settings withAlwaysOnlineC() {
            return withBatchWindow(BatchWindow.alwaysOnline());
        }

        /**
         * The artificial latency of every command: a random duration between {@code min} and
         * {@code max}, both included.
         *
         * @param min zero or positive
         * @param max not shorter than {@code min}
         * @return a changed copy
         */
        public Settings withLatency(Duration min, Duration max) {
            Objects.requireNonNull(min, "min");
            Objects.requireNonNull(max, "max");
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("latency must satisfy 0 <= min <= max, was " + min + ".." + max);
            }
            return new Settings(
                    bootstrapServers, batchWindow, min, max, failAbove, retryPolicy, concurrency, serviceCListener);
        }

        /**
         * No artificial latency (for tests).
         *
         * @return a changed copy
         */
        public Settings withoutLatency() {
            return withLatency(Duration.ZERO, Duration.ZERO);
        }

        /**
         * D's failure rule: orders whose {@code amount} is above this fail at D after its retries.
         * {@code Double.POSITIVE_INFINITY} makes D never fail.
         *
         * @param failAbove the threshold, not NaN
         * @return a changed copy
         */
        public Settings withFailAbove(double failAbove) {
            if (Double.isNaN(failAbove)) {
                throw new IllegalArgumentException("failAbove must not be NaN");
            }
            return new Settings(
                    bootstrapServers,
                    batchWindow,
                    minLatency,
                    maxLatency,
                    failAbove,
                    retryPolicy,
                    concurrency,
                    serviceCListener);
        }

        /**
         * How every service retries a failing try before it reports FAILED (it matters for D).
         *
         * @param retryPolicy the policy
         * @return a changed copy
         */
        public Settings withRetryPolicy(RetryPolicy retryPolicy) {
            return new Settings(
                    bootstrapServers,
                    batchWindow,
                    minLatency,
                    maxLatency,
                    failAbove,
                    Objects.requireNonNull(retryPolicy, "retryPolicy"),
                    concurrency,
                    serviceCListener);
        }

        /**
         * How many commands each service's worker runs at once.
         *
         * @param concurrency between 1 and 1024
         * @return a changed copy
         */
        public Settings withConcurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new IllegalArgumentException("concurrency must be between 1 and 1024, was " + concurrency);
            }
            return new Settings(
                    bootstrapServers,
                    batchWindow,
                    minLatency,
                    maxLatency,
                    failAbove,
                    retryPolicy,
                    concurrency,
                    serviceCListener);
        }

        /**
         * Who is told when service C's batch window opens or closes, e.g.
         * {@code feed::serviceCWindowChanged}.
         *
         * @param listener the listener
         * @return a changed copy
         */
        public Settings withServiceCListener(BatchWindowListener listener) {
            return new Settings(
                    bootstrapServers,
                    batchWindow,
                    minLatency,
                    maxLatency,
                    failAbove,
                    retryPolicy,
                    concurrency,
                    Objects.requireNonNull(listener, "listener"));
        }

        /**
         * The Kafka bootstrap servers.
         *
         * @return e.g. {@code "localhost:9092"}
         */
        public String bootstrapServers() {
            return bootstrapServers;
        }

        /**
         * Service C's schedule.
         *
         * @return the batch window
         */
        public BatchWindow batchWindow() {
            return batchWindow;
        }

        /**
         * Each offline phase of service C.
         *
         * @return zero (always online) or positive
         */
        public Duration offlineFor() {
            return batchWindow.offlineFor();
        }

        /**
         * Each online phase of service C.
         *
         * @return positive
         */
        public Duration onlineFor() {
            return batchWindow.onlineFor();
        }

        /**
         * The shortest artificial latency.
         *
         * @return zero or positive
         */
        public Duration minLatency() {
            return minLatency;
        }

        /**
         * The longest artificial latency.
         *
         * @return not shorter than {@link #minLatency()}
         */
        public Duration maxLatency() {
            return maxLatency;
        }

        /**
         * D's threshold: orders with an amount above it fail.
         *
         * @return the threshold
         */
        public double failAbove() {
            return failAbove;
        }

        /**
         * The retry policy of every service's worker.
         *
         * @return the policy
         */
        public RetryPolicy retryPolicy() {
            return retryPolicy;
        }

        /**
         * The concurrency of every service's worker.
         *
         * @return 1 or more
         */
        public int concurrency() {
            return concurrency;
        }

        /**
         * Who is told about C's window changes.
         *
         * @return the listener, never {@code null}
         */
        public BatchWindowListener serviceCListener() {
            return serviceCListener;
        }

        private static String requireNonBlank(String bootstrapServers) {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            if (bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must not be blank");
            }
            return bootstrapServers;
        }

        /**
         * A readable summary.
         *
         * @return the settings
         */
        @Override
        public String toString() {
            return "Settings{bootstrapServers=" + bootstrapServers + ", " + batchWindow + ", latency=" + minLatency
                    + ".." + maxLatency + ", failAbove=" + failAbove + ", " + retryPolicy + ", concurrency="
                    + concurrency + '}';
        }
    }
}
