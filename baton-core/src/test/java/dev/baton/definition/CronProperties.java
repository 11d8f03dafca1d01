package dev.baton.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The cron parser against a brute force: for random expressions, zones and times, the next tick is after the given
 * time, is a time the expression names, and no minute between the two is one it names.
 */
class CronProperties {
    private static final long BRUTE_FORCE_LIMIT_MINUTES = 120_000; // about 83 days

    @Property(tries = 300)
    void nextTickIsAfterTheTimeAndMatchesAndSkipsNothing(
            @ForAll("expressions") String text, @ForAll("zones") ZoneId zone, @ForAll("instants") Instant after) {
        CronExpression cron = CronExpression.parse(text);
        Instant next = cron.next(after, zone);
        assertThat(next).isAfter(after);
        assertThat(named(cron, next, zone))
                .as("%s in %s names %s", text, zone, next)
                .isTrue();
        Instant from = after.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        long minutes = Duration.between(from, next).toMinutes();
        if (minutes <= BRUTE_FORCE_LIMIT_MINUTES) {
            for (Instant m = from; m.isBefore(next); m = m.plus(Duration.ofMinutes(1))) {
                if (m.isAfter(after) && firesAt(cron, text, m, zone)) {
                    throw new AssertionError(text + " in " + zone + ": next after " + after + " is " + next + " but "
                            + m + " (" + LocalDateTime.ofInstant(m, zone) + ") is a tick too");
                }
            }
        }
    }

    @Property(tries = 200)
    void ticksAreStrictlyIncreasing(
            @ForAll("expressions") String text, @ForAll("zones") ZoneId zone, @ForAll("instants") Instant after) {
        CronExpression cron = CronExpression.parse(text);
        Instant t = after;
        for (int i = 0; i < 20; i++) {
            Instant next = cron.next(t, zone);
            assertThat(next).isAfter(t);
            t = next;
        }
    }

    /** A tick names its instant's wall-clock time, or is where a skipped (spring-forward) named time lands. */
    private static boolean named(CronExpression cron, Instant tick, ZoneId zone) {
        if (cron.matches(LocalDateTime.ofInstant(tick, zone))) {
            return true;
        }
        var transition = zone.getRules().previousTransition(tick.plusSeconds(1));
        if (transition == null || !transition.isGap()) {
            return false;
        }
        Duration gap = transition.getDuration();
        LocalDateTime skipped = LocalDateTime.ofInstant(tick, zone).minus(gap);
        return tick.minus(gap).isBefore(transition.getInstant()) || cron.matches(skipped);
    }

    /**
     * Whether a plain (non-shifted) instant is a tick by the documented rules: its wall-clock time matches, and if
     * that time is the second occurrence of a repeated hour, the hour field is '*'.
     */
    private static boolean firesAt(CronExpression cron, String text, Instant m, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(m, zone);
        if (!cron.matches(local)) {
            return false;
        }
        var offsets = zone.getRules().getValidOffsets(local);
        boolean secondOccurrence =
                offsets.size() == 2 && !local.toInstant(offsets.get(0)).equals(m);
        return !secondOccurrence || text.split("\\s+")[1].equals("*");
    }

    @Provide
    Arbitrary<String> expressions() {
        Arbitrary<String> minute = Arbitraries.of("*", "0", "*/5", "*/15", "0,30", "10-20/5", "59", "7");
        Arbitrary<String> hour = Arbitraries.of("*", "2", "0", "*/6", "9-17", "1,2,3", "23");
        Arbitrary<String> dom = Arbitraries.of("*", "*", "*", "1", "15", "1-7", "31", "*/10");
        Arbitrary<String> month = Arbitraries.of("*", "*", "*", "1-6", "JAN,JUL", "*/3", "mar-oct");
        Arbitrary<String> dow = Arbitraries.of("*", "*", "*", "1-5", "0", "SAT,SUN", "5");
        return Combinators.combine(minute, hour, dom, month, dow)
                .as((a, b, c, d, e) -> a + " " + b + " " + c + " " + d + " " + e);
    }

    @Provide
    Arbitrary<ZoneId> zones() {
        return Arbitraries.of("UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata")
                .map(ZoneId::of);
    }

    @Provide
    Arbitrary<Instant> instants() {
        // around the 2026 daylight saving changes, and anywhere in 2026-2028
        Arbitrary<Instant> anywhere = Arbitraries.longs()
                .between(
                        Instant.parse("2026-01-01T00:00:00Z").getEpochSecond(),
                        Instant.parse("2028-12-31T00:00:00Z").getEpochSecond())
                .map(Instant::ofEpochSecond);
        Arbitrary<Instant> nearChanges = Arbitraries.of(
                        "2026-03-29T00:00:00Z",
                        "2026-10-25T00:00:00Z",
                        "2026-03-08T06:00:00Z",
                        "2026-11-01T05:00:00Z",
                        "2026-04-04T14:00:00Z",
                        "2026-10-03T15:00:00Z")
                .flatMap(base -> Arbitraries.integers()
                        .between(-180, 180)
                        .map(minutes -> Instant.parse(base).plus(Duration.ofMinutes(minutes))));
        return Arbitraries.oneOf(anywhere, nearChanges);
    }
}
