package dev.baton.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-hop figures of a phase: for each hop of the path (in path order), its parts as the watchers split it, and
 * each kind of hop summed over the path (e.g. all four passes through the orchestrator), p50 and p99 in
 * milliseconds over the timed workflows, by nearest rank as {@link Latencies}. Thread-safe appends.
 */
final class HopTable {
    private final Map<String, List<Long>> byHop = new LinkedHashMap<>();
    private final Map<String, Map<String, List<Long>>> parts = new LinkedHashMap<>();
    private final Map<String, List<Long>> byKind = new LinkedHashMap<>();
    private final List<Long> endToEnd = new ArrayList<>();

    /** One line of the table. */
    record Row(String hop, int count, double p50, double p99) {}

    synchronized void add(HopPath path) {
        var sums = new LinkedHashMap<String, Long>();
        for (HopPath.Hop h : path.hops()) {
            byHop.computeIfAbsent(h.label(), k -> new ArrayList<>()).add(h.micros());
            sums.merge(h.kind(), h.micros(), Long::sum);
            var of = parts.computeIfAbsent(h.label(), k -> new LinkedHashMap<>());
            for (HopPath.Hop part : h.parts()) {
                of.computeIfAbsent(part.label(), k -> new ArrayList<>()).add(part.micros());
            }
        }
        sums.forEach((kind, micros) ->
                byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(micros));
        endToEnd.add(path.endToEndMicros());
    }

    synchronized int count() {
        return endToEnd.size();
    }

    /** Each hop, in the order first seen (path order, as every path has the same shape). */
    synchronized List<Row> hops() {
        return rows(byHop);
    }

    /** The parts of a hop (by its label) as the watchers split it, for the workflows where they did. */
    synchronized List<Row> parts(String hop) {
        return rows(parts.getOrDefault(hop, Map.of()));
    }

    /** Each kind of hop, summed over a workflow's path (a workflow without that kind of hop does not count). */
    synchronized List<Row> kinds() {
        return rows(byKind);
    }

    synchronized Row endToEnd() {
        return row("end to end (first stamp → result read)", endToEnd);
    }

    private static List<Row> rows(Map<String, List<Long>> values) {
        var rows = new ArrayList<Row>();
        values.forEach((hop, micros) -> rows.add(row(hop, micros)));
        return rows;
    }

    private static Row row(String hop, List<Long> micros) {
        long[] sorted = micros.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Row(hop, sorted.length, ms(Latencies.percentile(sorted, 50)), ms(Latencies.percentile(sorted, 99)));
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    /** The table as text: every hop, then the kinds summed per workflow, then end to end. */
    synchronized String format(String title) {
        var out = new StringBuilder();
        out.append(String.format("Per-hop timing, %s (%d timed workflows; ms, wall clock):%n", title, count()));
        if (count() == 0) {
            return out.toString();
        }
        int width = 10;
        for (Row r : hops()) {
            width = Math.max(width, r.hop().length());
            for (Row p : parts(r.hop())) {
                width = Math.max(width, p.hop().length() + 4);
            }
        }
        for (Row r : kinds()) {
            width = Math.max(width, r.hop().length() + 4);
        }
        String line = "  %-" + width + "s %8s %8s %7s%n";
        out.append(String.format(line, "hop", "p50", "p99", "n"));
        for (Row r : hops()) {
            out.append(format(line, r));
            for (Row p : parts(r.hop())) {
                out.append(format(line, new Row("  ↳ " + p.hop(), p.count(), p.p50(), p.p99())));
            }
        }
        out.append("  summed over the path, per workflow:\n");
        for (Row r : kinds()) {
            out.append(format(line, new Row("sum " + r.hop(), r.count(), r.p50(), r.p99())));
        }
        out.append(format(line, endToEnd()));
        return out.toString();
    }

    private static String format(String line, Row r) {
        return String.format(line, r.hop(), String.format("%.2f", r.p50()), String.format("%.2f", r.p99()), r.count());
    }

    /** The table as JSON-ready maps: {@code hops}, {@code summed} and {@code end_to_end}. */
    synchronized Map<String, Object> toMap() {
        var m = new LinkedHashMap<String, Object>();
        m.put("workflows", count());
        m.put(
                "hops",
                hops().stream()
                        .map(r -> {
                            var row = rowMap(r);
                            row.put(
                                    "parts",
                                    parts(r.hop()).stream()
                                            .map(HopTable::rowMap)
                                            .toList());
                            return row;
                        })
                        .toList());
        m.put("summed", kinds().stream().map(HopTable::rowMap).toList());
        m.put("end_to_end", count() == 0 ? null : rowMap(endToEnd()));
        return m;
    }

    private static Map<String, Object> rowMap(Row r) {
        var m = new LinkedHashMap<String, Object>();
        m.put("hop", r.hop());
        m.put("p50_ms", r.p50());
        m.put("p99_ms", r.p99());
        m.put("count", r.count());
        return m;
    }
}
