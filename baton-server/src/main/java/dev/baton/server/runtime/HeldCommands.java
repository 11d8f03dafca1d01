package dev.baton.server.runtime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Commands held back because their worker topic is paused, for one task (one partition of instances).
 *
 * <p>The engine knows nothing of it: for the engine the command was sent and its step is running. A command record
 * (a step's command or a compensate command) whose topic is paused goes into the held-commands store instead of out
 * of the processor; the store is changelogged and written in the same transaction as the decision that made the
 * command, so a crash neither loses nor duplicates it. While a topic has held commands, its new commands queue
 * behind them, even once it is resumed, so that an instance's commands keep their order.
 *
 * <p>Once the topic is resumed, {@link #release} (called by a wall-clock punctuator) forwards them oldest first, at
 * most the topic's release rate per second (per partition: each task releases its own), each forward and the
 * deletion from the store in one transaction. Keys are {@code <topic> NUL <sequence>}: one ordered range per topic.
 */
final class HeldCommands {
    private static final char SEPARATOR = '\u0000';
    /** The next sequence number, kept in the store so that it survives a restart; no topic name starts with it. */
    private static final String SEQUENCE_KEY = "\u0001sequence";

    private static final byte FORMAT = 1;

    private final KeyValueStore<String, byte[]> store;
    private final TopicPauses pauses;
    private final OrchestratorMetrics metrics;
    private final Duration interval;
    private final Map<String, Long> counts = new HashMap<>();
    private final Map<String, Bucket> buckets = new HashMap<>();
    private long next;

    /** Reads what the store holds (after a restart or a move of the task, it holds what was held before). */
    HeldCommands(
            KeyValueStore<String, byte[]> store, TopicPauses pauses, OrchestratorMetrics metrics, Duration interval) {
        this.store = store;
        this.pauses = pauses;
        this.metrics = metrics;
        this.interval = interval;
        byte[] sequence = store.get(SEQUENCE_KEY);
        next = sequence == null ? 0 : Long.parseLong(new String(sequence, StandardCharsets.UTF_8));
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                String key = all.next().key;
                int at = key.indexOf(SEPARATOR);
                if (at > 0) {
                    counts.merge(key.substring(0, at), 1L, Long::sum);
                }
            }
        }
        counts.forEach(metrics::heldChanged);
    }

    /** Holds {@code record} if it is a command for a paused topic, or one with commands held; true if it did. */
    boolean hold(Record<byte[], Routed> record) {
        if (!CloudEventRecords.isCommand(record.headers())) {
            return false;
        }
        String topic = record.value().topic();
        if (!pauses.isPaused(topic) && counts.getOrDefault(topic, 0L) == 0) {
            return false;
        }
        store.put(topic + SEPARATOR + String.format("%019d", next), encode(record));
        next++;
        store.put(SEQUENCE_KEY, String.valueOf(next).getBytes(StandardCharsets.UTF_8));
        counts.merge(topic, 1L, Long::sum);
        metrics.heldChanged(topic, 1);
        return true;
    }

    /** How many commands this task holds for {@code topic}. */
    long held(String topic) {
        return counts.getOrDefault(topic, 0L);
    }

    /**
     * Forwards the held commands of resumed topics that their rate allows now, oldest first, and deletes them from
     * the store. Each goes out with the time of its release as its timestamp; its headers (CloudEvents, trace) are
     * those of when it was decided. Returns how many it released.
     */
    int release(Instant now, Consumer<Record<byte[], Routed>> forward) {
        int total = 0;
        for (String topic : new ArrayList<>(counts.keySet())) {
            if (pauses.isPaused(topic)) {
                buckets.remove(topic); // a new resume starts a new release
                continue;
            }
            Bucket bucket = buckets.computeIfAbsent(topic, t -> new Bucket(now));
            bucket.refill(now, pauses.releaseRate(topic), interval);
            int allowed = (int) Math.floor(bucket.credit);
            if (allowed == 0) {
                continue;
            }
            List<KeyValue<String, byte[]>> due = new ArrayList<>(allowed);
            try (KeyValueIterator<String, byte[]> range = store.prefixScan(topic + SEPARATOR, new StringSerializer())) {
                while (range.hasNext() && due.size() < allowed) {
                    due.add(range.next());
                }
            }
            for (KeyValue<String, byte[]> kv : due) {
                store.delete(kv.key);
                forward.accept(decode(kv.value, now));
            }
            bucket.credit -= due.size();
            total += due.size();
            metrics.released(topic, due.size());
            metrics.heldChanged(topic, -due.size());
            long left = counts.merge(topic, (long) -due.size(), Long::sum);
            if (left <= 0 || due.size() < allowed) { // the range is empty now, whatever the count said
                if (left > 0) {
                    metrics.heldChanged(topic, -left);
                }
                counts.remove(topic);
                buckets.remove(topic);
            }
        }
        return total;
    }

    /** The task leaves this process: its held commands are counted by the process that takes it over. */
    void close() {
        counts.forEach((topic, n) -> metrics.heldChanged(topic, -n));
        counts.clear();
    }

    /**
     * Released records per topic: starts with one record's credit, earns {@code rate} per second, and never holds more
     * than one release interval's worth (at least one record), so a late punctuation does not release a burst.
     */
    private static final class Bucket {
        double credit = 1;
        Instant last;

        Bucket(Instant now) {
            last = now;
        }

        void refill(Instant now, int rate, Duration interval) {
            double elapsed = Math.max(0, Duration.between(last, now).toNanos()) / 1e9;
            last = now;
            double cap = Math.max(1, rate * (interval.toNanos() / 1e9));
            credit = Math.min(cap, credit + elapsed * rate);
        }
    }

    private static byte[] encode(Record<byte[], Routed> record) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeBytes(out, record.key());
            out.writeUTF(record.value().topic());
            writeBytes(out, record.value().value());
            Header[] headers = record.headers().toArray();
            out.writeInt(headers.length);
            for (Header h : headers) {
                out.writeUTF(h.key());
                writeBytes(out, h.value());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static Record<byte[], Routed> decode(byte[] stored, Instant now) {
        try (var in = new DataInputStream(new ByteArrayInputStream(stored))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException(
                        "a held command in format " + format + ", which this version cannot read");
            }
            byte[] key = readBytes(in);
            String topic = in.readUTF();
            byte[] value = readBytes(in);
            Headers headers = new RecordHeaders();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                headers.add(in.readUTF(), readBytes(in));
            }
            return new Record<>(key, new Routed(topic, value), now.toEpochMilli(), headers);
        } catch (IOException e) {
            throw new IllegalStateException("a held command cannot be read", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : in.readNBytes(n);
    }
}
