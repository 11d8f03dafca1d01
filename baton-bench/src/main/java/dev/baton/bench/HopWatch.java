package dev.baton.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmark's side of per-hop timing ({@code --hops}): stamps each request, watches every record of the run's
 * topics with two consumers of its own, and turns each result's chain into a {@link HopPath} for a {@link HopTable}.
 *
 * <p>The {@code appended} watcher reads uncommitted (it sees a record once the broker has it: for a command under
 * exactly-once that is when the Streams producer flushes, before the commit); the {@code visible} watcher reads
 * committed, as the worker SDK does (it sees a command or result once its transaction has committed). Each watcher
 * long-polls (the broker answers a fetch as soon as it has data, or the last stable offset moves), so a sighting is
 * the record's arrival plus one fetch response; a sighting that lags behind the path is left out (see
 * {@link HopPath#of}). A result is turned into a path a second after it is read, so both watchers have seen it.
 */
final class HopWatch implements AutoCloseable {
    private static final long SETTLE_MICROS = 1_000_000;
    private static final long FORGET_MICROS = 60_000_000;

    private record Pending(String chain, long seen, HopTable into) {}

    private final Map<String, Map<String, Long>> sightings = new java.util.LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();

    /**
     * Starts watching.
     *
     * @param uncommitted topics whose records are watched for {@code appended}
     * @param committed topics whose records are watched for {@code visible}
     */
    HopWatch(String bootstrap, List<String> uncommitted, List<String> committed) {
        watch(bootstrap, "appended", "read_uncommitted", uncommitted);
        watch(bootstrap, "visible", "read_committed", committed);
        Thread resolver = new Thread(this::resolveLoop, "hops-resolver");
        resolver.setDaemon(true);
        resolver.start();
        threads.add(resolver);
    }

    /** The header a timed request carries: its first stamp. */
    static byte[] requestHeader() {
        return ("bench.sent=" + micros()).getBytes(StandardCharsets.US_ASCII);
    }

    /** A result was read: its path goes into {@code into} once the watchers have had time to see its records. */
    void completed(Header chain, HopTable into) {
        long now = micros();
        if (chain != null && chain.value() != null) {
            pending.add(new Pending(new String(chain.value(), StandardCharsets.US_ASCII), now, into));
        }
    }

    /** Resolves every result read so far, after letting the watchers catch up. */
    void flush() throws InterruptedException {
        Thread.sleep(SETTLE_MICROS / 1_000 + 200);
        resolve(Long.MAX_VALUE);
    }

    private void watch(String bootstrap, String name, String isolation, List<String> topics) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        var partitions = new ArrayList<TopicPartition>();
        for (String t : topics) {
            consumer.partitionsFor(t, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
        Map<String, Long> seen = sightings.computeIfAbsent(name, k -> new ConcurrentHashMap<>());
        Thread t = new Thread(
                () -> {
                    try {
                        while (running.get()) {
                            var records = consumer.poll(Duration.ofMillis(100));
                            long now = micros();
                            for (var r : records) {
                                Header h = r.headers().lastHeader(HopPath.HEADER);
                                if (h != null && h.value() != null) {
                                    seen.putIfAbsent(new String(h.value(), StandardCharsets.US_ASCII), now);
                                }
                            }
                        }
                    } catch (org.apache.kafka.common.errors.WakeupException e) {
                        // closing
                    } finally {
                        consumer.close();
                    }
                },
                "hops-" + name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
        consumers.add(consumer);
    }

    private void resolveLoop() {
        while (running.get()) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            resolve(micros() - SETTLE_MICROS);
        }
    }

    private synchronized void resolve(long readBefore) {
        Map<String, Function<String, Long>> lookups = new java.util.LinkedHashMap<>();
        sightings.forEach((name, seen) -> lookups.put(name, seen::remove));
        Pending p;
        while ((p = pending.peek()) != null && p.seen() < readBefore) {
            pending.poll();
            try {
                p.into().add(HopPath.of(p.chain(), p.seen(), lookups));
            } catch (IllegalArgumentException e) {
                System.err.println("  hops: " + e.getMessage());
            }
        }
        // Records off the path (the branch that did not finish last, status copies) are never looked up.
        long forgetBefore = micros() - FORGET_MICROS;
        sightings.values().forEach(seen -> seen.values().removeIf(at -> at < forgetBefore));
    }

    static long micros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public void close() {
        running.set(false);
        consumers.forEach(KafkaConsumer::wakeup);
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
