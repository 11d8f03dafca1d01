package dev.baton.worker.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The worker's part of the benchmark's per-hop timing. A command of a workflow that {@code ./baton bench --hops}
 * times carries the header {@value #HEADER} (the orchestrator adds it only when its benchmark setting is on): the
 * moments the workflow has passed so far, as space-separated {@code name=epochMicros} stamps. The worker adds when
 * it fetched the command, when a handler thread took it up and when the handler was done, and copies the chain to
 * the outcome. A command without the header is answered exactly as before, with nothing added.
 */
public final class HopStamps {
    /** The header, as the orchestrator and the benchmark name it. */
    public static final String HEADER = "baton-hops";

    private HopStamps() {}

    /**
     * The command's chain stamped "fetched" now, or {@code null} if the command is not timed.
     *
     * @param command the command record's headers
     * @return the stamped chain, or null
     */
    public static String fetched(Headers command) {
        Header h = command.lastHeader(HEADER);
        return h == null || h.value() == null
                ? null
                : new String(h.value(), StandardCharsets.US_ASCII) + " worker.fetched=" + micros();
    }

    /**
     * The chain stamped "started" now.
     *
     * @param chain a chain from {@link #fetched}
     * @return the stamped chain
     */
    public static String started(String chain) {
        return chain + " worker.started=" + micros();
    }

    /**
     * Stamps "done" now and puts the chain on every outcome record.
     *
     * @param chain a chain from {@link #started}
     * @param outcomes the outcome records, not yet sent
     */
    public static void done(String chain, List<ProducerRecord<byte[], byte[]>> outcomes) {
        byte[] value = (chain + " worker.done=" + micros()).getBytes(StandardCharsets.US_ASCII);
        for (ProducerRecord<byte[], byte[]> r : outcomes) {
            r.headers().add(HEADER, value);
        }
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
