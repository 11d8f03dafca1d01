package dev.baton.server.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The orchestrator's part of the benchmark's per-hop timing ({@link OrchestratorSettings#hopTiming()}, off unless
 * the benchmark turns it on). A record of one timed workflow carries the header {@value #HEADER}: the moments it
 * has passed so far, as space-separated {@code name=epochMicros} stamps. Each party appends its own and passes the
 * chain on (the benchmark's request, this processor, the worker SDK, ...), so the result record ends up holding the
 * whole path of its workflow; {@code ./baton bench --hops} turns the chains into a table.
 *
 * <p>Why a header and wall-clock microseconds: the path crosses four processes on one machine, which share the
 * clock, and only a header travels with the records through every hop. Records without the header, and every record
 * while the setting is off, get nothing.
 */
final class HopStamps {
    /** The header; the worker SDK and the benchmark use the same name. */
    static final String HEADER = "baton-hops";

    private HopStamps() {}

    /** The inbound chain with this processor's "seen" stamp added, or {@code null} if the record is not timed. */
    static String seen(Headers inbound) {
        Header h = inbound.lastHeader(HEADER);
        return h == null || h.value() == null
                ? null
                : new String(h.value(), StandardCharsets.US_ASCII) + " orchestrator.seen=" + micros();
    }

    /** Adds the chain, stamped "sent" now, to a record about to be forwarded. */
    static void sent(String chain, Headers outbound) {
        outbound.remove(HEADER);
        outbound.add(HEADER, (chain + " orchestrator.sent=" + micros()).getBytes(StandardCharsets.US_ASCII));
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
