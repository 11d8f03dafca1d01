package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HopTableTest {
    private static final Map<String, Function<String, Long>> NOTHING_WATCHED = Map.of();

    @Test
    void aChainBecomesItsHopsWithTheOrchestratorPassCounted() {
        HopPath path = HopPath.of(
                "bench.sent=1000 orchestrator.seen=3000 orchestrator.sent=3500 worker.fetched=9000 worker.started=9100"
                        + " worker.done=9150 orchestrator.seen=12000 orchestrator.sent=12400",
                20_000,
                NOTHING_WATCHED);

        assertThat(path.hops())
                .extracting(HopPath.Hop::label, HopPath.Hop::micros)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("[0] bench.sent → orchestrator.seen", 2000L),
                        org.assertj.core.groups.Tuple.tuple("[1] orchestrator.seen → orchestrator.sent", 500L),
                        org.assertj.core.groups.Tuple.tuple("[1] orchestrator.sent → worker.fetched", 5500L),
                        org.assertj.core.groups.Tuple.tuple("[1] worker.fetched → worker.started", 100L),
                        org.assertj.core.groups.Tuple.tuple("[1] worker.started → worker.done", 50L),
                        org.assertj.core.groups.Tuple.tuple("[1] worker.done → orchestrator.seen", 2850L),
                        org.assertj.core.groups.Tuple.tuple("[2] orchestrator.seen → orchestrator.sent", 400L),
                        org.assertj.core.groups.Tuple.tuple("[2] orchestrator.sent → bench.seen", 7600L));
        assertThat(path.endToEndMicros()).isEqualTo(19_000L);
    }

    @Test
    void sightingsGoAfterTheStampThatSentTheRecordAndAreLookedUpByTheChainSoFar() {
        var appended = Map.of(
                "bench.sent=1000", 1200L, "bench.sent=1000 orchestrator.seen=3000 orchestrator.sent=3500", 3600L);
        var visible = Map.of("bench.sent=1000 orchestrator.seen=3000 orchestrator.sent=3500", 8000L);
        var watched = new LinkedHashMap<String, Function<String, Long>>();
        watched.put("appended", appended::get);
        watched.put("visible", visible::get);

        HopPath path = HopPath.of("bench.sent=1000 orchestrator.seen=3000 orchestrator.sent=3500", 9000, watched);

        assertThat(path.stamps())
                .extracting(HopPath.Stamp::name, HopPath.Stamp::micros)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("bench.sent", 1000L),
                        org.assertj.core.groups.Tuple.tuple("appended", 1200L),
                        org.assertj.core.groups.Tuple.tuple("orchestrator.seen", 3000L),
                        org.assertj.core.groups.Tuple.tuple("orchestrator.sent", 3500L),
                        org.assertj.core.groups.Tuple.tuple("appended", 3600L),
                        org.assertj.core.groups.Tuple.tuple("visible", 8000L),
                        org.assertj.core.groups.Tuple.tuple("bench.seen", 9000L));
    }

    @Test
    void theHopsRunBetweenThePartiesStampsAndTheSightingsSplitThemIntoParts() {
        var appended = Map.of("bench.sent=1000 orchestrator.seen=3000 orchestrator.sent=3500", 3600L);
        var visible = Map.of("bench.sent=1000 orchestrator.seen=3000 orchestrator.sent=3500", 8000L);
        var watched = new LinkedHashMap<String, Function<String, Long>>();
        watched.put("appended", appended::get);
        watched.put("visible", visible::get);

        List<HopPath.Hop> hops = HopPath.of(
                        "bench.sent=1000 orchestrator.seen=3000 orchestrator.sent=3500", 9000, watched)
                .hops();

        assertThat(hops)
                .extracting(HopPath.Hop::label)
                .containsExactly(
                        "[0] bench.sent → orchestrator.seen",
                        "[1] orchestrator.seen → orchestrator.sent",
                        "[1] orchestrator.sent → bench.seen");
        assertThat(hops.get(0).parts()).isEmpty();
        assertThat(hops.get(2).micros()).isEqualTo(5500L);
        assertThat(hops.get(2).parts())
                .extracting(HopPath.Hop::label, HopPath.Hop::micros)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("[1] orchestrator.sent → appended", 100L),
                        org.assertj.core.groups.Tuple.tuple("[1] appended → visible", 4400L),
                        org.assertj.core.groups.Tuple.tuple("[1] visible → bench.seen", 1000L));

        var table = new HopTable();
        table.add(HopPath.of("bench.sent=1000 orchestrator.seen=3000 orchestrator.sent=3500", 9000, watched));
        table.add(HopPath.of("bench.sent=1000 orchestrator.seen=3000 orchestrator.sent=3500", 9000, Map.of()));
        assertThat(table.parts("[1] orchestrator.sent → bench.seen"))
                .as("one of the two workflows was seen by the watchers")
                .containsExactly(
                        new HopTable.Row("[1] orchestrator.sent → appended", 1, 0.1, 0.1),
                        new HopTable.Row("[1] appended → visible", 1, 4.4, 4.4),
                        new HopTable.Row("[1] visible → bench.seen", 1, 1.0, 1.0));
        assertThat(table.hops()).extracting(HopTable.Row::count).containsOnly(2);
    }

    @Test
    void aSightingLaterThanTheNextStampIsLeftOutAsTheWatcherWasBehind() {
        // The orchestrator saw the request at 3000; a watcher that saw it at 3400 only shows its own lag.
        Map<String, Function<String, Long>> watched = Map.of("appended", Map.of("bench.sent=1000", 3400L)::get);

        HopPath path = HopPath.of("bench.sent=1000 orchestrator.seen=3000 orchestrator.sent=3500", 9000, watched);

        assertThat(path.stamps())
                .extracting(HopPath.Stamp::name)
                .containsExactly("bench.sent", "orchestrator.seen", "orchestrator.sent", "bench.seen");
    }

    @Test
    void aMalformedChainIsRefusedWithTheToken() {
        assertThatThrownBy(() -> HopPath.of("bench.sent=1000 garbage", 2000, NOTHING_WATCHED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'garbage'");
    }

    @Test
    void eachHopGetsNearestRankPercentilesOverTheWorkflows() {
        var table = new HopTable();
        // 100 workflows: the orchestrator's hop takes 1..100 ms, the request's hop always 2 ms.
        for (int i = 1; i <= 100; i++) {
            long sent = 1_000_000L * i;
            table.add(HopPath.of(
                    "bench.sent=" + sent + " orchestrator.seen=" + (sent + 2_000) + " orchestrator.sent="
                            + (sent + 2_000 + i * 1_000L),
                    sent + 2_000 + i * 1_000L + 500,
                    NOTHING_WATCHED));
        }

        assertThat(table.count()).isEqualTo(100);
        assertThat(table.hops())
                .containsExactly(
                        new HopTable.Row("[0] bench.sent → orchestrator.seen", 100, 2.0, 2.0),
                        new HopTable.Row("[1] orchestrator.seen → orchestrator.sent", 100, 50.0, 99.0),
                        new HopTable.Row("[1] orchestrator.sent → bench.seen", 100, 0.5, 0.5));
        // end to end = 2 + i + 0.5 ms: p50 at rank 50, p99 at rank 99.
        assertThat(table.endToEnd().p50()).isEqualTo(52.5);
        assertThat(table.endToEnd().p99()).isEqualTo(101.5);
    }

    @Test
    void hopsOfOneKindAreSummedPerWorkflowBeforeTakingPercentiles() {
        var table = new HopTable();
        // Two passes through the orchestrator, 1 ms and 3 ms in the first workflow, 2 ms and 2 ms in the second.
        table.add(HopPath.of(
                "bench.sent=0 orchestrator.seen=10 orchestrator.sent=1010 worker.fetched=2000 worker.started=2000"
                        + " worker.done=2000 orchestrator.seen=2100 orchestrator.sent=5100",
                6000,
                NOTHING_WATCHED));
        table.add(HopPath.of(
                "bench.sent=0 orchestrator.seen=10 orchestrator.sent=2010 worker.fetched=3000 worker.started=3000"
                        + " worker.done=3000 orchestrator.seen=3100 orchestrator.sent=5100",
                6000,
                NOTHING_WATCHED));

        HopTable.Row decided = table.kinds().stream()
                .filter(r -> r.hop().equals("orchestrator.seen → orchestrator.sent"))
                .findFirst()
                .orElseThrow();
        // Both workflows spent 4 ms deciding in all; per pass the figures differ (1 and 2 ms; 3 and 2 ms).
        assertThat(decided).isEqualTo(new HopTable.Row("orchestrator.seen → orchestrator.sent", 2, 4.0, 4.0));
        assertThat(table.hops())
                .filteredOn(r -> r.hop().equals("[1] orchestrator.seen → orchestrator.sent"))
                .extracting(HopTable.Row::p50, HopTable.Row::p99)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1.0, 2.0));
    }

    @Test
    void theTextTableListsEveryHopTheSumsAndEndToEnd() {
        var table = new HopTable();
        table.add(HopPath.of("bench.sent=0 orchestrator.seen=1500 orchestrator.sent=2000", 3250, NOTHING_WATCHED));

        List<String> lines = table.format("low load").lines().toList();

        assertThat(lines.get(0)).isEqualTo("Per-hop timing, low load (1 timed workflows; ms, wall clock):");
        assertThat(lines).anyMatch(l -> l.contains("[0] bench.sent → orchestrator.seen") && l.contains("1.50"));
        assertThat(lines).anyMatch(l -> l.contains("sum orchestrator.sent → bench.seen") && l.contains("1.25"));
        assertThat(lines.get(lines.size() - 1)).contains("end to end").contains("3.25");
    }
}
