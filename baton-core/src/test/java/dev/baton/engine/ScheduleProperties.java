package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.Schedule;
import dev.baton.definition.Schedule.CatchUp;
import dev.baton.definition.Schedule.Overlap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The schedule rules however the clock is read: in bursts, with pauses between reads far longer than the grace
 * period (downtime), for cron and interval schedules. No tick starts twice, every start is a tick of the schedule,
 * and with overlap and catch-up {@code all} every tick starts exactly once.
 */
class ScheduleProperties {
    private static final Instant SEEN = Instant.parse("2026-10-24T22:00:00Z"); // the night Berlin falls back

    @Property(tries = 300)
    void everyTickStartsExactlyOnceWithOverlapAndCatchUpAll(
            @ForAll("schedules") Schedule schedule,
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 5_400) Integer> gapsSeconds) {
        // why: a gap may hold at most catchUpLimit missed ticks for all of them to start (the limit is its own test)
        Assume.that(schedule.every() == null || schedule.every().getSeconds() >= 7);
        Schedule all = schedule.withOverlap(Overlap.ALL).withCatchUp(CatchUp.ALL, 1000);
        var started = run(all, gapsSeconds);
        Instant end = end(gapsSeconds);
        var expected = new ArrayList<Instant>();
        for (Instant t = all.nextTick(SEEN); !t.isAfter(end); t = all.nextTick(t)) {
            expected.add(t);
        }
        assertThat(started).containsExactlyElementsOf(expected);
    }

    @Property(tries = 300)
    void noTickStartsTwiceAndEveryStartIsATick(
            @ForAll("schedules") Schedule schedule,
            @ForAll Overlap overlap,
            @ForAll CatchUp catchUp,
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 5_400) Integer> gapsSeconds) {
        Schedule s = schedule.withOverlap(overlap).withCatchUp(catchUp, 3);
        var started = run(s, gapsSeconds);
        assertThat(new HashSet<>(started)).as("no tick twice").hasSameSizeAs(started);
        assertThat(started).as("in tick order").isSortedAccordingTo(Instant::compareTo);
        var ticks = new TreeSet<Instant>();
        for (Instant t = s.nextTick(SEEN); !t.isAfter(end(gapsSeconds)); t = s.nextTick(t)) {
            ticks.add(t);
        }
        assertThat(ticks).containsAll(started);
    }

    /** Reads the clock after each gap; with overlap rules other than all, each started instance ends at once. */
    private static List<Instant> run(Schedule schedule, List<Integer> gapsSeconds) {
        ScheduleState state = ScheduleState.firstSeen("recon", SEEN);
        Instant now = SEEN;
        var started = new ArrayList<Instant>();
        for (int gap : gapsSeconds) {
            now = now.plusSeconds(gap);
            var step = ScheduleTicks.advance(schedule, state, now, ScheduleTicks.DEFAULT_GRACE);
            state = step.state();
            var pending = new ArrayList<>(step.starts());
            while (!pending.isEmpty()) {
                var start = pending.remove(0);
                started.add(start.tick());
                var ended = ScheduleTicks.ended(state, start.instanceId());
                state = ended.state();
                pending.addAll(ended.starts());
            }
        }
        return started;
    }

    private static Instant end(List<Integer> gapsSeconds) {
        return SEEN.plusSeconds(
                gapsSeconds.stream().mapToLong(Integer::longValue).sum());
    }

    @Provide
    Arbitrary<Schedule> schedules() {
        return Arbitraries.oneOf(
                Arbitraries.of("*/15 * * * *", "0 2 * * *", "30 * * * *", "*/5 1-3 * * *", "0 0 * * 0")
                        .map(cron -> Schedule.cron(cron, "Europe/Berlin")),
                Arbitraries.of(1, 7, 60, 900, 3_600).map(seconds -> Schedule.every(Duration.ofSeconds(seconds))));
    }
}
