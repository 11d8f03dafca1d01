package dev.baton.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Recorded latencies in microseconds, summarised as percentiles (nearest rank). Thread-safe appends. */
final class Latencies {
    private long[] micros = new long[1 << 16];
    private int size;

    synchronized void record(long nanos) {
        if (size == micros.length) {
            micros = Arrays.copyOf(micros, size * 2);
        }
        micros[size++] = nanos / 1_000;
    }

    synchronized int count() {
        return size;
    }

    /** p50, p90, p99, p99.9 and max in milliseconds (rounded to 0.1 ms), plus the count. */
    synchronized Map<String, Object> summary() {
        long[] sorted = Arrays.copyOf(micros, size);
        Arrays.sort(sorted);
        var m = new LinkedHashMap<String, Object>();
        m.put("p50", ms(percentile(sorted, 50)));
        m.put("p90", ms(percentile(sorted, 90)));
        m.put("p99", ms(percentile(sorted, 99)));
        m.put("p999", ms(percentile(sorted, 99.9)));
        m.put("max", ms(size == 0 ? -1 : sorted[size - 1]));
        m.put("count", size);
        return m;
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long micros) {
        return micros < 0 ? Double.NaN : Math.round(micros / 100.0) / 10.0;
    }

    static String format(Map<String, Object> s) {
        return String.format(
                "p50 %s ms, p90 %s ms, p99 %s ms, max %s ms (n=%s)",
                s.get("p50"), s.get("p90"), s.get("p99"), s.get("max"), s.get("count"));
    }
}
