package dev.baton.definition;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A five-field cron expression, {@code minute hour day-of-month month day-of-week}, as in crontab(5): each field is
 * {@code *}, a value, a range {@code a-b}, a step {@code * /n} or {@code a-b/n}, or a comma-separated list of those;
 * months and week days may be written as names ({@code JAN}, {@code MON}); day of week 0 and 7 are both Sunday. The
 * macros {@code @yearly}, {@code @monthly}, {@code @weekly}, {@code @daily} and {@code @hourly} stand for their usual
 * expressions.
 *
 * <p>As in crontab, when both day of month and day of week are restricted (neither starts with {@code *}) a day
 * matches if either does. Times are wall-clock times in a time zone, and daylight saving time is handled the way cron does it:
 * a time that a spring-forward change skips fires once, at the same distance after the change ({@code 0 2 * * *} in
 * Europe/Berlin fires at 03:00 that day); a time that a fall-back change repeats fires once, at its first occurrence,
 * unless the hour field is {@code *}, in which case the repeated hour's times fire again (an every-15-minutes
 * expression keeps firing every 15 minutes of real time).
 */
public final class CronExpression {
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** A valid expression matches at least once in any 8 years (29 February comes round, at worst on a weekday). */
    private static final int MAX_DAYS_SEARCHED = 366 * 9;

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    /** 0 = Sunday ... 6 = Saturday. */
    private final BitSet daysOfWeek;

    private final boolean anyHour;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private CronExpression(String text, String[] fields) {
        this.text = text;
        this.minutes = field("minute", fields[0], 0, 59, List.of());
        this.hours = field("hour", fields[1], 0, 23, List.of());
        this.daysOfMonth = field("day of month", fields[2], 1, 31, List.of());
        this.months = field("month", fields[3], 1, 12, MONTHS);
        BitSet weekdays = field("day of week", fields[4], 0, 7, DAYS);
        if (weekdays.get(7)) {
            weekdays.set(0);
            weekdays.clear(7);
        }
        this.daysOfWeek = weekdays;
        this.anyHour = fields[1].equals("*");
        // why startsWith: crontab treats '*/2' as unrestricted too when it decides between "and" and "or".
        this.anyDayOfMonth = fields[2].startsWith("*");
        this.anyDayOfWeek = fields[4].startsWith("*");
        if (anyDayOfWeek && !anyDayOfMonth && !anyMonthHasSuchDay()) {
            throw new IllegalArgumentException("day of month '" + fields[2] + "' never occurs in month '" + fields[3]
                    + "': the expression would never fire");
        }
    }

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException naming the field that is wrong and why
     */
    public static CronExpression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the expression is empty");
        }
        String trimmed = text.strip();
        String expanded = MACROS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
        if (expanded.startsWith("@")) {
            throw new IllegalArgumentException("unknown macro '" + trimmed + "'; known: "
                    + String.join(", ", MACROS.keySet().stream().sorted().toList()));
        }
        String[] fields = expanded.split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("expected 5 fields (minute hour day-of-month month day-of-week), found "
                    + fields.length + " in '" + trimmed + "'");
        }
        return new CronExpression(trimmed, fields);
    }

    /** The expression as written. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronExpression c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** Whether a wall-clock time (to the minute; seconds must be zero) is one the expression names. */
    public boolean matches(LocalDateTime time) {
        return time.getSecond() == 0
                && time.getNano() == 0
                && minutes.get(time.getMinute())
                && hours.get(time.getHour())
                && months.get(time.getMonthValue())
                && dayMatches(time.toLocalDate());
    }

    /** The first tick strictly after {@code after}, in {@code zone}. */
    public Instant next(Instant after, ZoneId zone) {
        LocalDateTime start = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES);
        LocalDate day = start.toLocalDate();
        for (int searched = 0; searched < MAX_DAYS_SEARCHED; searched++, day = day.plusDays(1)) {
            if (!months.get(day.getMonthValue())) {
                day = day.withDayOfMonth(1).plusMonths(1).minusDays(1); // the loop steps onto the 1st of next month
                continue;
            }
            if (!dayMatches(day)) {
                continue;
            }
            boolean today = day.equals(start.toLocalDate());
            // why start one hour early on the first day: around a daylight saving change, instants after `after`
            // can have an earlier wall-clock time.
            int fromHour = today ? Math.max(0, start.getHour() - 1) : 0;
            // A shifted or repeated time can stand for an earlier instant than a plain time written after it, so
            // those are kept aside and compared with the first plain time found.
            Instant earliestOther = null;
            for (int h = hours.nextSetBit(fromHour); h >= 0; h = hours.nextSetBit(h + 1)) {
                for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
                    LocalDateTime local = LocalDateTime.of(day, LocalTime.of(h, m));
                    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
                    Instant other = null;
                    if (offsets.isEmpty()) { // skipped by a spring-forward change: fires shifted by the gap
                        other = ZonedDateTime.ofLocal(local, zone, null).toInstant();
                    } else {
                        Instant plain = local.toInstant(offsets.get(0));
                        if (plain.isAfter(after)) {
                            return earliestOther != null && earliestOther.isBefore(plain) ? earliestOther : plain;
                        }
                        if (offsets.size() == 2 && anyHour) { // repeated by a fall-back change
                            other = local.toInstant(offsets.get(1));
                        }
                    }
                    if (other != null
                            && other.isAfter(after)
                            && (earliestOther == null || other.isBefore(earliestOther))) {
                        earliestOther = other;
                    }
                }
            }
            if (earliestOther != null) {
                return earliestOther;
            }
        }
        throw new IllegalStateException("'" + text + "' has no tick after " + after);
    }

    private boolean dayMatches(LocalDate day) {
        boolean dom = daysOfMonth.get(day.getDayOfMonth());
        boolean dow = daysOfWeek.get(day.getDayOfWeek().getValue() % 7);
        if (anyDayOfMonth || anyDayOfWeek) {
            return dom && dow;
        }
        return dom || dow;
    }

    private boolean anyMonthHasSuchDay() {
        for (int m = months.nextSetBit(1); m >= 0; m = months.nextSetBit(m + 1)) {
            int longest = Month.of(m).maxLength();
            int firstDay = daysOfMonth.nextSetBit(1);
            if (firstDay >= 0 && firstDay <= longest) {
                return true;
            }
        }
        return false;
    }

    private static BitSet field(String name, String text, int min, int max, List<String> names) {
        var bits = new BitSet(max + 1);
        for (String part : text.split(",", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException(name + ": empty list element in '" + text + "'");
            }
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(name, part.substring(slash + 1), 1, max - min + 1, List.of(), "step");
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max == 7 ? 6 : max; // why: '*' in day of week must not name Sunday twice
            } else if (range.contains("-")) {
                String[] ends = range.split("-", -1);
                if (ends.length != 2) {
                    throw new IllegalArgumentException(name + ": '" + part + "' is not a range such as 1-5");
                }
                from = number(name, ends[0], min, max, names, "value");
                to = number(name, ends[1], min, max, names, "value");
                if (to < from) {
                    throw new IllegalArgumentException(
                            name + ": range '" + range + "' ends before it starts; write it as two ranges");
                }
            } else {
                from = number(name, range, min, max, names, "value");
                // why: crontab reads 'a/n' as 'a-max/n'
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String field, String text, int min, int max, List<String> names, String what) {
        int named = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (named >= 0) {
            return named + (names == MONTHS ? 1 : 0);
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            String hint =
                    names.isEmpty() ? "" : " or a name such as " + names.get(0) + "-" + names.get(names.size() - 1);
            throw new IllegalArgumentException(field + ": '" + text + "' is not a number" + hint);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    field + ": " + what + " " + value + " is out of range " + min + "-" + max);
        }
        return value;
    }
}
