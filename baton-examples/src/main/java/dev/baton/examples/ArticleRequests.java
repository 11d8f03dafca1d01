package dev.baton.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The requester of the article's process: writes start requests for the {@code article} workflow
 * to {@value #REQUEST_TOPIC}, as {@code docs/protocol.md} describes ("Start request"), with a
 * plain Kafka producer.
 *
 * <p>Each request is an order from a deterministic generator ({@link #order(String, long, long)}):
 * key = the instance id ({@code order-000001}, {@code order-000002}, ...), value
 * {@code {"workflow": "article", "input": {"orderId", "sku", "amount", "email", "quantity"},
 * "businessKey": <orderId>}}. About one order in five has an amount above
 * {@link NotificationService#DEFAULT_FAIL_ABOVE}, so that service D fails it and Baton
 * compensates C, B and A.
 *
 * <pre>{@code
 * try (ArticleRequests requests = new ArticleRequests("localhost:9092")) {
 *     requests.send(10);          // 10 orders, acknowledged
 *     requests.startTrickle(2.0); // then 2 orders a second, on a daemon thread
 *     ...
 * }
 * }</pre>
 *
 * <p>Instance ids must be unique per Baton cluster: against a cluster that keeps its data between
 * runs, give each run its own prefix (a second request with a known id is ignored by Baton and
 * reported as {@code RequestIgnored}). Thread-safe.
 */
public final class ArticleRequests implements AutoCloseable {

    /** Where start requests go. */
    public static final String REQUEST_TOPIC = "baton.requests";
    /** The default instance id prefix. */
    public static final String DEFAULT_ID_PREFIX = "order-";
    /** The default generator seed. */
    public static final long DEFAULT_SEED = 2021L;
    /** The share of generated orders that D fails (with the default threshold). */
    public static final double FAILING_SHARE = 0.2;

    private static final System.Logger log = System.getLogger(ArticleRequests.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SKUS =
            List.of("book-42", "lamp-7", "mug-3", "chair-12", "desk-5", "pen-99", "plant-8", "clock-21");
    private static final List<String> NAMES =
            List.of("ada", "alan", "grace", "edsger", "barbara", "donald", "margaret", "tony", "frances", "ken");

    private final Producer<String, String> producer;
    private final String idPrefix;
    private final long seed;
    private final AtomicLong next = new AtomicLong(1);
    private final AtomicLong sent = new AtomicLong();
    private final Object trickleLock = new Object();
    private ScheduledExecutorService trickle;
    private ScheduledFuture<?> trickleTask;

    /**
     * A requester with the default id prefix ({@value #DEFAULT_ID_PREFIX}) and seed.
     *
     * @param bootstrapServers e.g. {@code "localhost:9092"}
     */
    public ArticleRequests(String bootstrapServers) {
        this(bootstrapServers, DEFAULT_ID_PREFIX, DEFAULT_SEED);
    }

    /**
     * A requester with its own id prefix and generator seed.
     *
     * @param bootstrapServers e.g. {@code "localhost:9092"}
     * @param idPrefix what instance ids start with, e.g. {@code "order-"} or {@code "run7-order-"}
     * @param seed the generator seed: the same seed and prefix give the same orders
     */
    public ArticleRequests(String bootstrapServers, String idPrefix, long seed) {
        this(
                new KafkaProducer<>(producerConfig(bootstrapServers), new StringSerializer(), new StringSerializer()),
                idPrefix,
                seed);
    }

    /**
     * A requester writing through the given producer (e.g. a {@code MockProducer} in tests). The
     * producer is closed by {@link #close()}.
     *
     * @param producer the producer
     * @param idPrefix what instance ids start with
     * @param seed the generator seed
     */
    public ArticleRequests(Producer<String, String> producer, String idPrefix, long seed) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.idPrefix = Objects.requireNonNull(idPrefix, "idPrefix");
        this.seed = seed;
    }

    private static Map<String, Object> producerConfig(String bootstrapServers) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.CLIENT_ID_CONFIG,
                "baton-examples-requests");
    }

    /**
     * One order of the generator: the article's "item". What D does with it is decided by
     * {@link NotificationService#rejects} on {@link #input()}.
     *
     * @param instanceId the workflow instance id, the record key (e.g. {@code order-000007})
     * @param orderId the order's own id, sent as the business key (e.g. {@code o-000007})
     * @param sku the product
     * @param quantity how many
     * @param amount the order total; above 900 for about one order in five
     * @param email the customer's address
     */
    public record Order(String instanceId, String orderId, String sku, int quantity, double amount, String email) {

        /**
         * The request's {@code input}.
         *
         * @return {@code {"orderId", "sku", "quantity", "amount", "email"}}
         */
        public ObjectNode input() {
            ObjectNode in = JsonNodeFactory.instance.objectNode();
            in.put("orderId", orderId);
            in.put("sku", sku);
            in.put("quantity", quantity);
            in.put("amount", amount);
            in.put("email", email);
            return in;
        }

        /**
         * The start request, as on the wire.
         *
         * @return {@code {"workflow": "article", "input": ..., "businessKey": <orderId>}}
         */
        public String requestJson() {
            ObjectNode request = JsonNodeFactory.instance.objectNode();
            request.put("workflow", ArticleServices.WORKFLOW);
            request.set("input", input());
            request.put("businessKey", orderId);
            try {
                return JSON.writeValueAsString(request);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Whether service D fails this order with its default threshold.
         *
         * @return true if D will reject it
         */
        public boolean failsAtD() {
            return NotificationService.rejects(input(), NotificationService.DEFAULT_FAIL_ABOVE);
        }
    }

    /**
     * The generator, as a pure function: order number {@code n} for a prefix and seed. Instance
     * ids are {@code idPrefix} followed by {@code n} in six or more digits, so they are unique
     * for one prefix. With probability {@value #FAILING_SHARE} (drawn from the seed and {@code n})
     * the amount is between 900.01 and 999.99, so D fails the order; otherwise it is between 5.00
     * and 899.99.
     *
     * @param idPrefix what instance ids start with
     * @param seed the generator seed
     * @param n the order number, 1 or more
     * @return the order
     */
    public static Order order(String idPrefix, long seed, long n) {
        Objects.requireNonNull(idPrefix, "idPrefix");
        if (n < 1) {
            throw new IllegalArgumentException("n must be 1 or more, was " + n);
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
        String number = String.format("%06d", n);
        boolean failing = random.nextDouble() < FAILING_SHARE;
        long cents = failing ? random.nextLong(90_001, 100_000) : random.nextLong(500, 90_000);
        String sku = SKUS.get(random.nextInt(SKUS.size()));
        int quantity = 1 + random.nextInt(3);
        String email = NAMES.get(random.nextInt(NAMES.size())) + "." + number + "@example.com";
        return new Order(idPrefix + number, "o-" + number, sku, quantity, cents / 100.0, email);
    }

    /**
     * The next order this requester will send, without sending it.
     *
     * @return the order
     */
    public Order peek() {
        return order(idPrefix, seed, next.get());
    }

    /**
     * Sends the next {@code count} orders and waits until Kafka has acknowledged them.
     *
     * @param count how many, 0 or more
     * @return the orders sent, in order
     * @throws KafkaException if a write failed
     * @throws IllegalStateException if interrupted while waiting
     */
    public List<Order> send(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        List<Order> orders = new ArrayList<>(count);
        List<Future<RecordMetadata>> acks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Order order = order(idPrefix, seed, next.getAndIncrement());
            orders.add(order);
            acks.add(producer.send(record(order)));
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending start requests", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof KafkaException k
                        ? k
                        : new KafkaException("start request not written", e.getCause());
            }
        }
        sent.addAndGet(count);
        return orders;
    }

    /**
     * Sends the next order without waiting for the acknowledgement; a failed write is logged.
     *
     * @return the order
     */
    public Order sendOne() {
        Order order = order(idPrefix, seed, next.getAndIncrement());
        producer.send(record(order), (metadata, error) -> {
            if (error != null) {
                log.log(Level.WARNING, "start request " + order.instanceId() + " not written", error);
            }
        });
        sent.incrementAndGet();
        return order;
    }

    /**
     * Starts sending orders at a steady rate on a daemon thread, until {@link #stopTrickle()} or
     * {@link #close()}. Replaces a trickle already running.
     *
     * @param perSecond orders per second, positive (e.g. 0.5 for one every 2 s)
     * @return this requester
     */
    public ArticleRequests startTrickle(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("perSecond must be positive, was " + perSecond);
        }
        long periodNanos = Math.max(1_000L, Math.round(1_000_000_000.0 / perSecond));
        synchronized (trickleLock) {
            if (trickle == null) {
                trickle = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "article-requests-trickle");
                    t.setDaemon(true);
                    return t;
                });
            }
            if (trickleTask != null) {
                trickleTask.cancel(false);
            }
            trickleTask = trickle.scheduleAtFixedRate(
                    () -> {
                        try {
                            sendOne();
                        } catch (RuntimeException e) {
                            log.log(Level.WARNING, "start request not sent", e);
                        }
                    },
                    0,
                    periodNanos,
                    TimeUnit.NANOSECONDS);
        }
        return this;
    }

    /** Stops the trickle, if one runs; orders already handed to the producer are still sent. */
    public void stopTrickle() {
        synchronized (trickleLock) {
            if (trickleTask != null) {
                trickleTask.cancel(false);
                trickleTask = null;
            }
        }
    }

    /**
     * How many orders this requester has sent (handed to the producer).
     *
     * @return a count, 0 or more
     */
    public long sent() {
        return sent.get();
    }

    /**
     * The instance id prefix.
     *
     * @return e.g. {@code "order-"}
     */
    public String idPrefix() {
        return idPrefix;
    }

    private ProducerRecord<String, String> record(Order order) {
        ProducerRecord<String, String> record =
                new ProducerRecord<>(REQUEST_TOPIC, order.instanceId(), order.requestJson());
        // CloudEvents 1.0 binary mode; optional on input, but it costs nothing
        header(record, "ce_specversion", "1.0");
        header(record, "ce_id", UUID.randomUUID().toString());
        header(record, "ce_source", "baton-examples");
        header(record, "ce_type", "dev.baton.request.v1");
        header(record, "ce_subject", order.instanceId());
        header(record, "ce_time", Instant.now().toString());
        header(record, "content-type", "application/json");
        return record;
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Stops the trickle and closes the producer (sending what is buffered). Idempotent. */
    @Override
    public void close() {
        synchronized (trickleLock) {
            stopTrickle();
            if (trickle != null) {
                trickle.shutdownNow();
                trickle = null;
            }
        }
        producer.close();
    }
}
