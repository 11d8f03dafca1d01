package dev.baton.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The path of one timed workflow: the moments it passed, in order, in wall-clock microseconds. Built from the
 * {@code baton-hops} chain its result record carries ({@code name=epochMicros} stamps, space-separated, one added by
 * each party: the benchmark's request, the orchestrator, the worker SDK), with the moments the benchmark's
 * {@link HopWatch} saw each record appear inserted after the stamp that sent it.
 */
record HopPath(List<Stamp> stamps) {
    /** The header the chain travels in. */
    static final String HEADER = "baton-hops";

    /** Stamp names of the parties that send a record; a watched record's chain ends with one of them. */
    static final List<String> SENDERS = List.of("bench.sent", "orchestrator.sent", "worker.done");

    /** One moment of the path. */
    record Stamp(String name, long micros) {}

    HopPath {
        stamps = List.copyOf(stamps);
    }

    /**
     * The path of a chain, with what the watchers saw inserted.
     *
     * @param chain the result's chain
     * @param seen the moment the result was read, stamped {@code bench.seen}
     * @param watched per watcher name (e.g. {@code appended}, {@code visible}): the moment it saw the record whose
     *     chain is the given prefix, or null; a sighting later than the path's next stamp cannot be the record's
     *     arrival (the watcher was behind) and is left out
     */
    static HopPath of(String chain, long seen, Map<String, Function<String, Long>> watched) {
        var stamps = new ArrayList<Stamp>();
        var inserted = new ArrayList<Boolean>();
        StringBuilder prefix = new StringBuilder();
        for (String token : chain.trim().split(" +")) {
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not a name=micros stamp: '" + token + "' in '" + chain + "'");
            }
            if (!prefix.isEmpty()) {
                prefix.append(' ');
            }
            prefix.append(token);
            String name = token.substring(0, eq);
            stamps.add(new Stamp(name, Long.parseLong(token.substring(eq + 1))));
            inserted.add(false);
            if (SENDERS.contains(name)) {
                String key = prefix.toString();
                watched.forEach((watcher, lookup) -> {
                    Long at = lookup.apply(key);
                    if (at != null) {
                        stamps.add(new Stamp(watcher, at));
                        inserted.add(true);
                    }
                });
            }
        }
        stamps.add(new Stamp("bench.seen", seen));
        inserted.add(false);
        // A sighting is an upper bound of when the record appeared; keep it only where it fits between its neighbours.
        var kept = new ArrayList<Stamp>();
        for (int i = 0; i < stamps.size(); i++) {
            Stamp s = stamps.get(i);
            if (inserted.get(i)) {
                long before = kept.get(kept.size() - 1).micros();
                long after = nextSent(stamps, inserted, i);
                if (s.micros() < before || s.micros() > after) {
                    continue;
                }
            }
            kept.add(s);
        }
        return new HopPath(kept);
    }

    private static long nextSent(List<Stamp> stamps, List<Boolean> inserted, int i) {
        for (int j = i + 1; j < stamps.size(); j++) {
            if (!inserted.get(j)) {
                return stamps.get(j).micros();
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * The hops of the path: each pair of consecutive stamps, labelled {@code [pass] from → to}, where the pass counts
     * the orchestrator's {@code orchestrator.seen} stamps up to {@code from} (0 before the first).
     */
    List<Hop> hops() {
        var hops = new ArrayList<Hop>();
        int pass = 0;
        for (int i = 1; i < stamps.size(); i++) {
            Stamp from = stamps.get(i - 1);
            Stamp to = stamps.get(i);
            if (from.name().equals("orchestrator.seen")) {
                pass++;
            }
            hops.add(new Hop(pass, from.name() + " → " + to.name(), to.micros() - from.micros()));
        }
        return hops;
    }

    /** From the first stamp to the last, in microseconds. */
    long endToEndMicros() {
        return stamps.get(stamps.size() - 1).micros() - stamps.get(0).micros();
    }

    /** One hop: which pass of the orchestrator it follows, what it goes from and to, and how long it took. */
    record Hop(int pass, String kind, long micros) {
        String label() {
            return "[" + pass + "] " + kind;
        }
    }
}
