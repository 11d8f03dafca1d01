package dev.baton.definition;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/**
 * When a workflow starts by itself: on the ticks of a cron expression ({@code cron}) or at a fixed interval
 * ({@code every}), in a time zone, with rules for a tick that comes while an earlier scheduled instance still runs
 * ({@link Overlap}) and for ticks missed while no orchestrator ran ({@link CatchUp}). Each tick starts one instance
 * with {@code input} as its request.
 *
 * <p>Interval ticks are counted from 1970-01-01T00:00Z ({@code every: PT15M} ticks at :00, :15, :30 and :45 UTC), so
 * every orchestrator process computes the same instants, whenever it started; the instance id is derived from them.
 *
 * @param cron the cron expression as written, or null for an interval schedule
 * @param every the interval, or null for a cron schedule; whole seconds, at least one
 * @param timeZone the zone cron times are read in, as written; null for UTC
 * @param overlap what a tick does while an instance of an earlier tick still runs; default {@link Overlap#SKIP}
 * @param catchUp what happens to ticks missed while no orchestrator ran; default {@link CatchUp#LATEST}
 * @param catchUpLimit at most this many missed ticks start with {@link CatchUp#ALL}; default 10
 * @param input the start request's input (any JSON value); an empty object when not given
 */
public record Schedule(
        String cron,
        Duration every,
        String timeZone,
        Overlap overlap,
        CatchUp catchUp,
        int catchUpLimit,
        Object input) {

    public static final int DEFAULT_CATCH_UP_LIMIT = 10;

    /** What a tick does while an instance started by an earlier tick of the same schedule still runs. */
    public enum Overlap {
        /** The tick starts nothing (counted as skipped). */
        SKIP("skip"),
        /** The tick waits; it starts when the running instances have ended. A later tick replaces a waiting one. */
        QUEUE_ONE("queueOne"),
        /** The tick starts another instance anyway. */
        ALL("all");

        private final String wireName;

        Overlap(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<Overlap> of(String text) {
            for (Overlap o : values()) {
                if (o.wireName.equalsIgnoreCase(text) || o.name().equalsIgnoreCase(text)) {
                    return Optional.of(o);
                }
            }
            return Optional.empty();
        }
    }

    /** What happens to ticks whose time passed while no orchestrator ran (seen later than the grace period). */
    public enum CatchUp {
        /** Missed ticks start nothing. */
        NONE("none"),
        /** The latest missed tick starts one instance; earlier missed ticks start nothing. */
        LATEST("latest"),
        /** Every missed tick starts an instance, at most {@code catchUpLimit} (the latest ones). */
        ALL("all");

        private final String wireName;

        CatchUp(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<CatchUp> of(String text) {
            for (CatchUp c : values()) {
                if (c.wireName.equalsIgnoreCase(text)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }

    public Schedule {
        overlap = overlap == null ? Overlap.SKIP : overlap;
        catchUp = catchUp == null ? CatchUp.LATEST : catchUp;
        input = input == null ? Map.of() : input;
    }

    /** A cron schedule with the defaults. */
    public static Schedule cron(String expression, String timeZone) {
        return new Schedule(expression, null, timeZone, null, null, DEFAULT_CATCH_UP_LIMIT, null);
    }

    /** An interval schedule with the defaults. */
    public static Schedule every(Duration interval) {
        return new Schedule(null, interval, null, null, null, DEFAULT_CATCH_UP_LIMIT, null);
    }

    public Schedule withOverlap(Overlap o) {
        return new Schedule(cron, every, timeZone, o, catchUp, catchUpLimit, input);
    }

    public Schedule withCatchUp(CatchUp c, int limit) {
        return new Schedule(cron, every, timeZone, overlap, c, limit, input);
    }

    public Schedule withInput(Object in) {
        return new Schedule(cron, every, timeZone, overlap, catchUp, catchUpLimit, in);
    }

    /** The zone ticks are computed in; UTC when none is named. Only valid on a validated schedule. */
    public ZoneId zone() {
        return timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
    }

    /** What the schedule is, in one line: the cron expression or {@code every PT15M}. */
    public String expression() {
        return cron != null ? cron : "every " + every;
    }

    /**
     * The first tick strictly after {@code after}. Only valid on a validated schedule.
     *
     * @throws IllegalStateException when the schedule is not valid
     */
    public Instant nextTick(Instant after) {
        if (cron != null) {
            return parsed(cron).next(after, zone());
        }
        if (every == null || every.getSeconds() < 1) {
            throw new IllegalStateException("a schedule needs 'cron' or an 'every' of at least one second");
        }
        long period = every.toMillis();
        long at = after.toEpochMilli();
        return Instant.ofEpochMilli(Math.floorDiv(at, period) * period + period);
    }

    // why: the runtime asks for the next tick of every schedule several times a second, and a catch-up after a long
    // downtime walks many ticks; expressions are few (one per deployed schedule), so parsing each once is enough.
    private static final Map<String, CronExpression> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

    private static CronExpression parsed(String cron) {
        CronExpression known = PARSED.get(cron);
        if (known != null) {
            return known;
        }
        CronExpression expression = CronExpression.parse(cron);
        if (PARSED.size() >= 1_000) { // definitions come from operators, but keep the cache bounded all the same
            PARSED.clear();
        }
        PARSED.put(cron, expression);
        return expression;
    }

    /** Why the schedule is not valid, field by field (names relative to {@code schedule}); empty when it is. */
    Map<String, String> problems() {
        var out = new java.util.LinkedHashMap<String, String>();
        if (cron == null && every == null) {
            out.put("", "needs 'cron' (such as \"0 2 * * *\") or 'every' (such as PT15M)");
        } else if (cron != null && every != null) {
            out.put("every", "give either 'cron' or 'every', not both");
        }
        if (cron != null) {
            try {
                CronExpression.parse(cron);
            } catch (IllegalArgumentException e) {
                out.put("cron", "bad cron expression '" + cron + "': " + e.getMessage());
            }
        }
        if (every != null) {
            if (every.isNegative() || every.getSeconds() < 1) {
                out.put("every", "must be at least one second (PT1S)");
            } else if (every.getNano() != 0) {
                out.put("every", "must be whole seconds");
            } else if (every.compareTo(Duration.ofDays(366)) > 0) {
                out.put("every", "must be at most a year (P366D); use 'cron' for rarer starts");
            }
        }
        if (timeZone != null) {
            try {
                ZoneId.of(timeZone);
            } catch (DateTimeException e) {
                out.put("timeZone", "'" + timeZone + "' is not a time zone such as Europe/Berlin or UTC");
            }
            if (every != null && cron == null) {
                out.put("timeZone", "applies to 'cron' only; 'every' counts from 1970-01-01T00:00Z");
            }
        }
        if (catchUpLimit < 1 || catchUpLimit > 1000) {
            out.put("catchUpLimit", "must be 1 to 1000");
        }
        return out;
    }
}
