package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.Schedule;
import dev.baton.definition.Schedule.CatchUp;
import dev.baton.definition.Schedule.Overlap;
import dev.baton.engine.ScheduleTicks.SkipReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schedule rules as stories: a clock that moves, instances that end, an operator who pauses. */
class ScheduleStoryTest {
    private static final Schedule NIGHTLY = Schedule.cron("0 2 * * *", "Europe/Berlin");

    @Test
    void shouldStartTheNightlyReconciliationOncePerNightAtTwoBerlinTime() {
        given(NIGHTLY)
                .seenAt("2026-12-01T12:00:00Z")
                .when()
                .clockAt("2026-12-02T00:59:59Z")
                .then()
                .expectNoStarts()
                .when()
                .clockAt("2026-12-02T01:00:00.300Z")
                .clockAt("2026-12-02T01:00:01Z")
                .then()
                .expectStarts("reconciliation@2026-12-02T01:00:00Z")
                .expectNextTick("2026-12-03T01:00:00Z");
    }

    @Test
    void shouldNotCatchUpOnThePastWhenASchedulesIsFirstSeen() {
        given(NIGHTLY)
                .seenAt("2026-12-02T03:00:00Z")
                .when()
                .clockAt("2026-12-02T03:00:01Z")
                .then()
                .expectNoStarts();
    }

    @Test
    void shouldSkipATickWhileTheLastInstanceStillRuns() {
        given(Schedule.every(Duration.ofMinutes(15)))
                .seenAt("2026-12-02T10:00:00Z")
                .clockAt("2026-12-02T10:15:00Z")
                .when()
                .clockAt("2026-12-02T10:30:00Z")
                .then()
                .expectNoStarts()
                .expectSkipped(SkipReason.OVERLAP, 1)
                .when()
                .ended("reconciliation@2026-12-02T10:15:00Z")
                .clockAt("2026-12-02T10:45:00Z")
                .then()
                .expectStarts("reconciliation@2026-12-02T10:45:00Z");
    }

    @Test
    void shouldQueueOneTickAndStartItWhenTheRunningInstanceEnds() {
        given(Schedule.every(Duration.ofMinutes(15)).withOverlap(Overlap.QUEUE_ONE))
                .seenAt("2026-12-02T10:00:00Z")
                .clockAt("2026-12-02T10:15:00Z")
                .when()
                .clockAt("2026-12-02T10:30:00Z")
                .clockAt("2026-12-02T10:45:00Z")
                .then()
                .expectNoStarts()
                .expectSkipped(SkipReason.REPLACED, 1) // 10:30 waited, then 10:45 took its place
                .when()
                .ended("somebody-else")
                .then()
                .expectNoStarts()
                .when()
                .ended("reconciliation@2026-12-02T10:15:00Z")
                .then()
                .expectStarts("reconciliation@2026-12-02T10:45:00Z")
                .when()
                .ended("reconciliation@2026-12-02T10:15:00Z")
                .then()
                .expectNoStarts();
    }

    @Test
    void shouldStartEveryTickWhenOverlapIsAll() {
        given(Schedule.every(Duration.ofMinutes(15)).withOverlap(Overlap.ALL))
                .seenAt("2026-12-02T10:00:00Z")
                .when()
                .clockAt("2026-12-02T10:15:00Z")
                .clockAt("2026-12-02T10:30:00Z")
                .then()
                .expectStarts("reconciliation@2026-12-02T10:15:00Z", "reconciliation@2026-12-02T10:30:00Z");
    }

    @Test
    void shouldRunOnlyTheLatestMissedNightAfterDowntimeWithCatchUpLatest() {
        // down from 1 December at noon until 4 December at 09:00: three nights missed
        given(NIGHTLY)
                .seenAt("2026-12-01T12:00:00Z")
                .when()
                .clockAt("2026-12-04T09:00:00Z")
                .then()
                .expectStarts("reconciliation@2026-12-04T01:00:00Z")
                .expectSkipped(SkipReason.MISSED, 2);
    }

    @Test
    void shouldRunNoMissedNightWithCatchUpNone() {
        given(NIGHTLY.withCatchUp(CatchUp.NONE, 10))
                .seenAt("2026-12-01T12:00:00Z")
                .when()
                .clockAt("2026-12-04T09:00:00Z")
                .then()
                .expectNoStarts()
                .expectSkipped(SkipReason.MISSED, 3)
                .expectNextTick("2026-12-05T01:00:00Z");
    }

    @Test
    void shouldRunTheLatestMissedTicksUpToTheLimitWithCatchUpAll() {
        given(Schedule.every(Duration.ofHours(1)).withOverlap(Overlap.ALL).withCatchUp(CatchUp.ALL, 3))
                .seenAt("2026-12-02T00:00:00Z")
                .when()
                .clockAt("2026-12-02T10:00:30Z") // 10:00 is on time, 1:00 to 9:00 were missed
                .then()
                .expectStarts(
                        "reconciliation@2026-12-02T07:00:00Z",
                        "reconciliation@2026-12-02T08:00:00Z",
                        "reconciliation@2026-12-02T09:00:00Z",
                        "reconciliation@2026-12-02T10:00:00Z")
                .expectSkipped(SkipReason.MISSED, 6);
    }

    @Test
    void shouldStartOnlyTheFirstCatchUpTickWhenOverlapIsSkip() {
        given(Schedule.every(Duration.ofHours(1)).withCatchUp(CatchUp.ALL, 3))
                .seenAt("2026-12-02T00:00:00Z")
                .when()
                .clockAt("2026-12-02T03:30:00Z")
                .then()
                .expectStarts("reconciliation@2026-12-02T01:00:00Z")
                .expectSkipped(SkipReason.OVERLAP, 2);
    }

    @Test
    void shouldCountMillionsOfMissedSecondsWithoutWalkingThem() {
        given(Schedule.every(Duration.ofSeconds(1)).withCatchUp(CatchUp.LATEST, 10))
                .seenAt("2026-01-01T00:00:00Z")
                .when()
                .clockAt("2026-12-01T00:00:00Z")
                .then()
                .expectStarts("reconciliation@2026-11-30T23:58:59Z") // the latest tick older than the grace minute
                .expectSkipped(SkipReason.OVERLAP, 61) // the grace minute's ticks are on time, but it still runs
                .expectSkipped(SkipReason.MISSED, 28_857_538)
                .expectNextTick("2026-12-01T00:00:01Z");
    }

    @Test
    void shouldStartNothingWhilePausedAndNotCatchUpOnResume() {
        given(Schedule.every(Duration.ofMinutes(15)).withOverlap(Overlap.ALL))
                .seenAt("2026-12-02T10:00:00Z")
                .when()
                .paused("2026-12-02T10:05:00Z")
                .clockAt("2026-12-02T10:15:00Z")
                .clockAt("2026-12-02T10:30:00Z")
                .then()
                .expectNoStarts()
                .expectSkipped(SkipReason.PAUSED, 2)
                .when()
                .resumed("2026-12-02T10:40:00Z")
                .clockAt("2026-12-02T10:40:01Z")
                .then()
                .expectNoStarts()
                .when()
                .clockAt("2026-12-02T10:45:00Z")
                .then()
                .expectStarts("reconciliation@2026-12-02T10:45:00Z");
    }

    @Test
    void shouldNotStartAQueuedTickOnceTheScheduleIsPaused() {
        given(Schedule.every(Duration.ofMinutes(15)).withOverlap(Overlap.QUEUE_ONE))
                .seenAt("2026-12-02T10:00:00Z")
                .clockAt("2026-12-02T10:15:00Z")
                .clockAt("2026-12-02T10:30:00Z")
                .when()
                .paused("2026-12-02T10:35:00Z")
                .ended("reconciliation@2026-12-02T10:15:00Z")
                .then()
                .expectNoStarts()
                .expectSkipped(SkipReason.PAUSED, 1);
    }

    @Test
    void shouldStartEachTickOnceHoweverOftenTheClockIsRead() {
        var story = given(Schedule.every(Duration.ofSeconds(1)).withOverlap(Overlap.ALL))
                .seenAt("2026-12-02T10:00:00Z")
                .when();
        Instant t = Instant.parse("2026-12-02T10:00:00Z");
        for (int i = 0; i < 100; i++) {
            t = t.plusMillis(37);
            story.clockAt(t.toString());
        }
        var expected = new ArrayList<String>();
        for (int s = 1; s <= 3; s++) {
            expected.add("reconciliation@2026-12-02T10:00:0" + s + "Z");
        }
        story.then().expectStarts(expected.toArray(String[]::new));
    }

    // --- the story harness ----------------------------------------------------------------------------------------

    private static Story given(Schedule schedule) {
        return new Story(schedule);
    }

    private static final class Story {
        private final Schedule schedule;
        private ScheduleState state;
        private final List<String> starts = new ArrayList<>();
        private final Map<SkipReason, Long> skipped = new LinkedHashMap<>();

        Story(Schedule schedule) {
            this.schedule = schedule;
        }

        Story seenAt(String at) {
            state = ScheduleState.firstSeen("reconciliation", Instant.parse(at));
            return this;
        }

        Story clockAt(String at) {
            return record(ScheduleTicks.advance(schedule, state, Instant.parse(at), ScheduleTicks.DEFAULT_GRACE));
        }

        Story ended(String instanceId) {
            return record(ScheduleTicks.ended(state, instanceId));
        }

        Story paused(String at) {
            return record(ScheduleTicks.pause(state, "ops", "month-end freeze", Instant.parse(at)));
        }

        Story resumed(String at) {
            return record(ScheduleTicks.resume(state, Instant.parse(at)));
        }

        private Story record(ScheduleTicks.Step step) {
            state = step.state();
            step.starts().forEach(s -> starts.add(s.instanceId()));
            step.skipped().forEach(s -> skipped.merge(s.reason(), s.count(), Long::sum));
            return this;
        }

        Story when() {
            starts.clear();
            skipped.clear();
            return this;
        }

        Story then() {
            return this;
        }

        Story expectStarts(String... ids) {
            assertThat(starts).containsExactly(ids);
            return this;
        }

        Story expectNoStarts() {
            assertThat(starts).isEmpty();
            return this;
        }

        Story expectSkipped(SkipReason reason, long count) {
            assertThat(skipped).containsEntry(reason, count);
            return this;
        }

        Story expectNextTick(String at) {
            assertThat(ScheduleTicks.nextTick(schedule, state)).isEqualTo(Instant.parse(at));
            return this;
        }
    }
}
