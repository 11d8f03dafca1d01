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

    /** One moment of the path; {@code watched} if a watcher saw it rather than a party stamping it. */
    record Stamp(String name, long micros, boolean watched) {}

    HopPath {
        stamps = List.copyOf(stamps);
    }

    /**
     * The path of a chain, with what the watchers saw inserted.
     *
     * @param chain the result's chain
     * @param seen the moment the result was read, stamped {@code bench.seen}
     * @param watched per watcher name (e.g. {@code appended}, {@code visible}): the moment it saw the record whose
     *     chain is the given prefix, or null; a sighting outside its neighbours (later than the path's next stamp:
     *     the watcher was behind) cannot be the record's arrival and is left out
     */
    static HopPath of(String chain, long seen, Map<String, Function<String, Long>> watched) {
        var stamps = new ArrayList<Stamp>();
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
            stamps.add(new Stamp(name, Long.parseLong(token.substring(eq + 1)), false));
            if (SENDERS.contains(name)) {
                String key = prefix.toString();
                watched.forEach((watcher, lookup) -> {
                    Long at = lookup.apply(key);
                    if (at != null) {
                        stamps.add(new Stamp(watcher, at, true));
                    }
                });
            }
        }
        stamps.add(new Stamp("bench.seen", seen, false));
        var kept = new ArrayList<Stamp>();
        for (int i = 0; i < stamps.size(); i++) {
            Stamp s = stamps.get(i);
            if (s.watched()
                    && (s.micros() < kept.get(kept.size() - 1).micros() || s.micros() > nextStamped(stamps, i))) {
                continue;
            }
            kept.add(s);
        }
        return new HopPath(kept);
    }

    private static long nextStamped(List<Stamp> stamps, int i) {
        for (int j = i + 1; j < stamps.size(); j++) {
            if (!stamps.get(j).watched()) {
                return stamps.get(j).micros();
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * The hops between the parties' own stamps, labelled {@code [pass] from → to}, where the pass counts the
     * orchestrator's {@code orchestrator.seen} stamps up to {@code from} (0 before the first); each with its parts
     * as the watchers split it (empty if no watcher saw a record within it).
     */
    List<Hop> hops() {
        var hops = new ArrayList<Hop>();
        int pass = 0;
        Stamp from = stamps.get(0);
        var inside = new ArrayList<Stamp>();
        for (int i = 1; i < stamps.size(); i++) {
            Stamp s = stamps.get(i);
            if (s.watched()) {
                inside.add(s);
                continue;
            }
            if (from.name().equals("orchestrator.seen")) {
                pass++;
            }
            var parts = new ArrayList<Hop>();
            if (!inside.isEmpty()) {
                Stamp a = from;
                inside.add(s);
                for (Stamp b : inside) {
                    parts.add(new Hop(pass, a.name() + " → " + b.name(), b.micros() - a.micros(), List.of()));
                    a = b;
                }
            }
            hops.add(new Hop(pass, from.name() + " → " + s.name(), s.micros() - from.micros(), parts));
            from = s;
            inside.clear();
        }
        return hops;
    }

    /** From the first stamp to the last, in microseconds. */
    long endToEndMicros() {
        return stamps.get(stamps.size() - 1).micros() - stamps.get(0).micros();
    }

    /**
     * One hop: which pass of the orchestrator it follows, what it goes from and to, how long it took, and its parts
     * as the watchers split it.
     */
    record Hop(int pass, String kind, long micros, List<Hop> parts) {
        String label() {
            return "[" + pass + "] " + kind;
        }
    }
}
