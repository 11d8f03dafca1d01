package dev.baton.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A requester over Kafka: writes requests keyed by a fresh id to one topic and matches the replies read from another
 * topic by key. Drives both the workflow benchmark (start requests to {@code requests}, results from the result
 * topic) and the ceiling (pings answered by {@link Echo}). Load is either closed (a fixed number in flight: a reply
 * lets the next request go) or open (a fixed rate, whatever the replies do).
 */
final class RequestReply implements AutoCloseable {
    private final String requestTopic;
    private final Function<String, byte[]> requestValue;
    private final Predicate<byte[]> succeeded;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Long> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread replies;
    private volatile Semaphore permits;
    private volatile Latencies latencies;
    private volatile long recordFromNanos = Long.MAX_VALUE;
    private volatile HopWatch hopWatch;
    private volatile HopTable hops;
    private long seq;

    RequestReply(
            String bootstrap,
            String requestTopic,
            String replyTopic,
            boolean readCommitted,
            Function<String, byte[]> requestValue,
            Predicate<byte[]> succeeded) {
        this.requestTopic = requestTopic;
        this.requestValue = requestValue;
        this.succeeded = succeeded;
        this.producer =
                new KafkaProducer<>(producerConfig(bootstrap), new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(replyTopic, Duration.ofSeconds(30))
                .forEach(p -> partitions.add(new TopicPartition(replyTopic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30))); // fix the start before any request goes
        this.replies = new Thread(this::readReplies, "replies-" + replyTopic);
        replies.setDaemon(true);
        replies.start();
    }

    static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return p;
    }

    private void readReplies() {
        try {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (var r : records) {
                    Long t0 = r.key() == null ? null : inFlight.remove(r.key());
                    if (t0 == null) {
                        continue; // not ours (another phase's straggler, or another requester)
                    }
                    if (!succeeded.test(r.value())) {
                        failed.incrementAndGet();
                    }
                    completed.incrementAndGet();
                    Latencies l = latencies;
                    if (l != null && t0 >= recordFromNanos) {
                        l.record(now - t0);
                        HopTable h = hops;
                        HopWatch w = hopWatch;
                        if (h != null && w != null) {
                            w.completed(r.headers().lastHeader(HopPath.HEADER), h);
                        }
                    }
                    Semaphore s = permits;
                    if (s != null) {
                        s.release();
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    long completed() {
        return completed.get();
    }

    long failed() {
        return failed.get();
    }

    long sent() {
        return sent.get();
    }

    int inFlight() {
        return inFlight.size();
    }

    private void send(String prefix) {
        String id = prefix + (seq++);
        inFlight.put(id, System.nanoTime());
        var record = new ProducerRecord<>(requestTopic, id, requestValue.apply(id));
        if (hopWatch != null) {
            record.headers().add(HopPath.HEADER, HopWatch.requestHeader());
        }
        producer.send(record);
        sent.incrementAndGet();
    }

    /** Starts recording latencies of requests sent from now on into {@code into}. */
    void recordInto(Latencies into) {
        this.latencies = into;
        this.recordFromNanos = System.nanoTime();
    }

    /** As {@link #recordInto(Latencies)}, and the per-hop timing of the same workflows into {@code hops}. */
    void recordInto(Latencies into, HopTable hops) {
        this.hops = hops;
        recordInto(into);
    }

    /** Stamps every request from now on for per-hop timing (see {@link HopWatch}). */
    void timeHops(HopWatch watch) {
        this.hopWatch = watch;
    }

    void stopRecording() {
        this.recordFromNanos = Long.MAX_VALUE;
        this.latencies = null;
        this.hops = null;
    }

    /**
     * Keeps {@code concurrency} requests in flight until {@code until} says stop (checked after every send and every
     * 10 ms); then stops sending.
     */
    void closedLoop(String prefix, int concurrency, java.util.function.BooleanSupplier until)
            throws InterruptedException {
        closedLoop(prefix, concurrency, Duration.ZERO, until);
    }

    /**
     * As {@link #closedLoop(String, int, java.util.function.BooleanSupplier)}, raising the number in flight linearly
     * from a tenth of {@code concurrency} to all of it over {@code rampUp}, so that cold JVMs are not buried under a
     * backlog they then spend the measurement working off.
     */
    void closedLoop(String prefix, int concurrency, Duration rampUp, java.util.function.BooleanSupplier until)
            throws InterruptedException {
        int initial = rampUp.isZero() ? concurrency : Math.max(1, concurrency / 10);
        Semaphore s = new Semaphore(initial);
        int granted = initial;
        long start = System.nanoTime();
        permits = s;
        try {
            while (!until.getAsBoolean()) {
                if (granted < concurrency) {
                    double share = Math.min(1.0, (System.nanoTime() - start) / (double) Math.max(1, rampUp.toNanos()));
                    int target = Math.max(initial, (int) (concurrency * share));
                    if (target > granted) {
                        s.release(target - granted);
                        granted = target;
                    }
                }
                if (s.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    send(prefix);
                }
            }
        } finally {
            permits = null;
            producer.flush();
        }
    }

    /** Sends {@code perSecond} requests a second, evenly spaced, until {@code until} says stop. */
    void openLoop(String prefix, double perSecond, java.util.function.BooleanSupplier until) {
        long interval = (long) (1_000_000_000L / perSecond);
        long next = System.nanoTime();
        while (!until.getAsBoolean()) {
            long now = System.nanoTime();
            if (now < next) {
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(next - now, 5_000_000));
                continue;
            }
            send(prefix);
            next += interval;
            if (now - next > 1_000_000_000L) {
                next = now; // fell behind by a second: do not burst to catch up
            }
        }
        producer.flush();
    }

    /** Waits until every request sent has its reply, at most {@code timeout}; returns how many are still missing. */
    int drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        int missing = inFlight.size();
        inFlight.clear();
        return missing;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            replies.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
