package dev.baton.server.api;

import dev.baton.engine.Instance;
import dev.baton.engine.Outcome;
import dev.baton.engine.ProcessStatus;
import dev.baton.engine.StepExecution;
import dev.baton.engine.StepState;
import dev.baton.server.runtime.Orchestrator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Reads over the instances this process owns: filtered pages, counts, throughput and what is waiting. */
final class InstanceQueries {
    static final Duration BUCKET = Duration.ofSeconds(10);
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final Orchestrator orchestrator;

    InstanceQueries(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
    }

    /** Which instances a list, a count or a bulk action is about. Every field is optional. */
    record Filter(
            String workflow, ProcessStatus status, Outcome outcome, String businessKey, Instant from, Instant to) {
        Predicate<Instance> predicate() {
            return i -> (workflow == null || workflow.equals(i.workflow()))
                    && (status == null || status == i.status())
                    && (outcome == null || outcome == i.outcome())
                    && (businessKey == null || businessKey.equals(i.businessKey()))
                    && (from == null || (i.startedAt() != null && !i.startedAt().isBefore(from)))
                    && (to == null || (i.startedAt() != null && i.startedAt().isBefore(to)));
        }
    }

    record Page(int total, List<Instance> items) {}

    private static final Comparator<Instance> NEWEST_FIRST = Comparator.comparing(
                    Instance::startedAt, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(Instance::instanceId);

    /**
     * Matching instances, newest first. Only the first {@code offset + limit} are held while the store is read (in a
     * heap whose head is the last of them), so that listing a store of millions of finished instances needs memory
     * for one page, not for every match.
     */
    Page page(Filter filter, int offset, int limit) {
        int keep = (int) Math.min((long) offset + limit, Integer.MAX_VALUE);
        var firstOnes = new PriorityQueue<Instance>(Math.min(keep, 1024) + 1, NEWEST_FIRST.reversed());
        int[] total = {0};
        Predicate<Instance> test = filter.predicate();
        orchestrator.forEachLocalInstance(i -> {
            if (!test.test(i)) {
                return;
            }
            total[0]++;
            if (firstOnes.size() < keep) {
                firstOnes.add(i);
            } else if (keep > 0 && NEWEST_FIRST.compare(i, firstOnes.peek()) < 0) {
                firstOnes.poll();
                firstOnes.add(i);
            }
        });
        var sorted = new ArrayList<>(firstOnes);
        sorted.sort(NEWEST_FIRST);
        int from = Math.min(offset, sorted.size());
        return new Page(total[0], List.copyOf(sorted.subList(from, sorted.size())));
    }

    List<String> ids(Filter filter) {
        var ids = new ArrayList<String>();
        Predicate<Instance> test = filter.predicate();
        orchestrator.forEachLocalInstance(i -> {
            if (test.test(i)) {
                ids.add(i.instanceId());
            }
        });
        return ids;
    }

    Map<String, Object> overview(Instant now) {
        var byStatus = new EnumMap<ProcessStatus, Integer>(ProcessStatus.class);
        var byOutcome = new EnumMap<Outcome, Integer>(Outcome.class);
        for (ProcessStatus s : ProcessStatus.values()) {
            byStatus.put(s, 0);
        }
        for (Outcome o : Outcome.values()) {
            byOutcome.put(o, 0);
        }
        var workflows = new TreeMap<String, Map<String, Object>>();
        Instant start = now.minus(WINDOW);
        int buckets = (int) (WINDOW.toMillis() / BUCKET.toMillis());
        int[][] series = new int[buckets][3];
        orchestrator.forEachLocalInstance(i -> {
            byStatus.merge(i.status(), 1, Integer::sum);
            var w = workflows.computeIfAbsent(i.workflow(), name -> {
                var m = new LinkedHashMap<String, Object>();
                m.put("name", name);
                m.put("version", 0);
                m.put("running", 0);
                m.put("succeeded", 0);
                m.put("failed", 0);
                m.put("cancelled", 0);
                return m;
            });
            w.put("version", Math.max((Integer) w.get("version"), i.version()));
            if (i.isCompleted()) {
                byOutcome.merge(i.outcome(), 1, Integer::sum);
                w.merge(i.outcome().name().toLowerCase(), 1, (a, b) -> (Integer) a + (Integer) b);
                bucket(series, start, i.completedAt(), i.outcome() == Outcome.SUCCEEDED ? 1 : 2);
            } else {
                w.merge("running", 1, (a, b) -> (Integer) a + (Integer) b);
            }
            bucket(series, start, i.startedAt(), 0);
        });
        var throughput = new ArrayList<Map<String, Object>>();
        for (int b = 0; b < buckets; b++) {
            var point = new LinkedHashMap<String, Object>();
            point.put("t", start.plus(BUCKET.multipliedBy(b)).toString());
            point.put("started", series[b][0]);
            point.put("succeeded", series[b][1]);
            point.put("failed", series[b][2]);
            throughput.add(point);
        }
        var result = new LinkedHashMap<String, Object>();
        result.put("byStatus", byStatus);
        result.put("byOutcome", byOutcome);
        result.put("workflows", List.copyOf(workflows.values()));
        result.put("throughput", throughput);
        return result;
    }

    private static void bucket(int[][] series, Instant start, Instant at, int column) {
        if (at == null || at.isBefore(start)) {
            return;
        }
        int b = (int) (Duration.between(start, at).toMillis() / BUCKET.toMillis());
        if (b < series.length) {
            series[b][column]++;
        }
    }

    /** Per workflow step: how many unfinished instances wait on it, and since when (the oldest). */
    List<Map<String, Object>> waiting() {
        var counts = new TreeMap<String, Object[]>();
        orchestrator.forEachLocalInstance(i -> {
            for (StepExecution s : i.steps().values()) {
                // A step that waits for a time (a sleep, a loop's delay) waits on no one.
                boolean waitsOnSomeone = s.state() == StepState.RUNNING && s.dueAt() == null;
                if (waitsOnSomeone || s.state() == StepState.COMPENSATING) {
                    Instant since = s.state() == StepState.RUNNING ? s.startedAt() : s.compensationStartedAt();
                    String key = i.workflow() + "\u0000" + s.stepId() + "\u0000" + i.version();
                    Object[] row = counts.computeIfAbsent(key, k -> new Object[] {i, s.stepId(), 0, since, s.state()});
                    row[2] = (Integer) row[2] + 1;
                    if (since != null && (row[3] == null || since.isBefore((Instant) row[3]))) {
                        row[3] = since;
                    }
                }
            }
        });
        var out = new ArrayList<Map<String, Object>>();
        for (Object[] row : counts.values()) {
            Instance sample = (Instance) row[0];
            var m = new LinkedHashMap<String, Object>();
            m.put("workflow", sample.workflow());
            m.put("version", sample.version());
            m.put("stepId", row[1]);
            m.put(
                    "topic",
                    orchestrator
                            .definitions()
                            .find(sample.workflow(), sample.version())
                            .flatMap(d -> d.step((String) row[1]))
                            .map(d -> row[4] == StepState.COMPENSATING
                                    ? d.compensate().map(c -> c.topic()).orElse(d.topic())
                                    : d.topic())
                            .orElse(null));
            m.put("kind", row[4] == StepState.COMPENSATING ? "compensate" : "execute");
            m.put("waiting", row[2]);
            m.put("oldestSince", row[3] == null ? null : row[3].toString());
            out.add(m);
        }
        return out;
    }
}
