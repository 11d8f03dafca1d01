package dev.baton.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronExpressionTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void shouldFireTheNightlyBatchAtTwoInTheMorningBerlinTime() {
        var nightly = CronExpression.parse("0 2 * * *");
        // 2026-12-03 is winter time: 02:00 CET is 01:00 UTC
        assertThat(nightly.next(Instant.parse("2026-12-03T00:30:00Z"), BERLIN))
                .isEqualTo(Instant.parse("2026-12-03T01:00:00Z"));
        assertThat(nightly.next(Instant.parse("2026-12-03T01:00:00Z"), BERLIN))
                .isEqualTo(Instant.parse("2026-12-04T01:00:00Z"));
        // summer time: 02:00 CEST is 00:00 UTC
        assertThat(nightly.next(Instant.parse("2026-07-01T12:00:00Z"), BERLIN))
                .isEqualTo(Instant.parse("2026-07-02T00:00:00Z"));
    }

    @Test
    void shouldFireOnceAtThreeWhenSpringForwardSkipsTwoOClock() {
        // 2026-03-29: at 02:00 CET the clocks jump to 03:00 CEST
        var nightly = CronExpression.parse("0 2 * * *");
        Instant onTheDay = nightly.next(Instant.parse("2026-03-28T12:00:00Z"), BERLIN);
        assertThat(onTheDay).isEqualTo(Instant.parse("2026-03-29T01:00:00Z")); // 03:00 CEST
        assertThat(nightly.next(onTheDay, BERLIN)).isEqualTo(Instant.parse("2026-03-30T00:00:00Z"));
    }

    @Test
    void shouldFireAFixedTimeOnceWhenFallBackRepeatsIt() {
        // 2026-10-25: at 03:00 CEST the clocks go back to 02:00 CET, so 02:30 happens twice
        var cron = CronExpression.parse("30 2 * * *");
        Instant first = cron.next(Instant.parse("2026-10-24T12:00:00Z"), BERLIN);
        assertThat(first).isEqualTo(Instant.parse("2026-10-25T00:30:00Z")); // 02:30 CEST
        assertThat(cron.next(first, BERLIN)).isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void shouldKeepFiringEveryQuarterHourThroughBothDaylightSavingChanges() {
        var quarterly = CronExpression.parse("*/15 * * * *");
        assertThat(ticks(quarterly, "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", BERLIN))
                .containsExactly(
                        "2026-10-25T00:15:00Z",
                        "2026-10-25T00:30:00Z",
                        "2026-10-25T00:45:00Z",
                        "2026-10-25T01:00:00Z", // 02:00 CET, the repeated hour
                        "2026-10-25T01:15:00Z",
                        "2026-10-25T01:30:00Z",
                        "2026-10-25T01:45:00Z",
                        "2026-10-25T02:00:00Z");
        assertThat(ticks(quarterly, "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", BERLIN))
                .containsExactly(
                        "2026-03-29T00:45:00Z",
                        "2026-03-29T01:00:00Z", // 03:00 CEST follows 01:45 CET
                        "2026-03-29T01:15:00Z",
                        "2026-03-29T01:30:00Z");
    }

    @Test
    void shouldReadListsRangesStepsAndNames() {
        var cron = CronExpression.parse("0,30 9-17/4 * JAN-MAR mon-fri");
        assertThat(ticks(cron, "2026-01-02T00:00:00Z", "2026-01-06T00:00:00Z", ZoneOffset.UTC))
                .containsExactly(
                        "2026-01-02T09:00:00Z",
                        "2026-01-02T09:30:00Z",
                        "2026-01-02T13:00:00Z",
                        "2026-01-02T13:30:00Z",
                        "2026-01-02T17:00:00Z",
                        "2026-01-02T17:30:00Z",
                        "2026-01-05T09:00:00Z", // Saturday and Sunday left out
                        "2026-01-05T09:30:00Z",
                        "2026-01-05T13:00:00Z",
                        "2026-01-05T13:30:00Z",
                        "2026-01-05T17:00:00Z",
                        "2026-01-05T17:30:00Z");
        assertThat(CronExpression.parse("0 0 * * 7").next(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
                .as("7 is Sunday too")
                .isEqualTo(Instant.parse("2026-01-04T00:00:00Z"));
    }

    @Test
    void shouldMatchEitherDayWhenBothDayFieldsAreRestricted() {
        // the 13th, or any Friday (crontab's rule)
        var cron = CronExpression.parse("0 0 13 * 5");
        assertThat(ticks(cron, "2026-02-01T00:00:00Z", "2026-02-28T00:00:00Z", ZoneOffset.UTC))
                .containsExactly(
                        "2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z", "2026-02-27T00:00:00Z");
    }

    @Test
    void shouldFindTheTwentyNinthOfFebruaryInALeapYear() {
        assertThat(CronExpression.parse("0 12 29 2 *").next(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC))
                .isEqualTo(Instant.parse("2028-02-29T12:00:00Z"));
    }

    @Test
    void shouldExpandMacros() {
        assertThat(CronExpression.parse("@daily").next(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC))
                .isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
        assertThat(CronExpression.parse("@hourly").next(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC))
                .isEqualTo(Instant.parse("2026-01-01T11:00:00Z"));
    }

    @Test
    void shouldNameTheFieldThatIsWrong() {
        assertThatThrownBy(() -> CronExpression.parse("0 25 * * *")).hasMessage("hour: value 25 is out of range 0-23");
        assertThatThrownBy(() -> CronExpression.parse("0 2 * *"))
                .hasMessageContaining("expected 5 fields (minute hour day-of-month month day-of-week), found 4");
        assertThatThrownBy(() -> CronExpression.parse("0 2 * FOO *"))
                .hasMessage("month: 'FOO' is not a number or a name such as JAN-DEC");
        assertThatThrownBy(() -> CronExpression.parse("*/0 * * * *")).hasMessage("minute: step 0 is out of range 1-60");
        assertThatThrownBy(() -> CronExpression.parse("0 5-2 * * *"))
                .hasMessageContaining("hour: range '5-2' ends before it starts");
        assertThatThrownBy(() -> CronExpression.parse("0 0 30 2 *")).hasMessageContaining("never occurs");
        assertThatThrownBy(() -> CronExpression.parse("@often")).hasMessageContaining("unknown macro '@often'");
        assertThatThrownBy(() -> CronExpression.parse(" ")).hasMessage("the expression is empty");
        assertThatThrownBy(() -> CronExpression.parse("1,,2 * * * *")).hasMessageContaining("minute: empty list");
    }

    private static List<String> ticks(CronExpression cron, String from, String to, ZoneId zone) {
        var out = new ArrayList<String>();
        Instant end = Instant.parse(to);
        for (Instant t = cron.next(Instant.parse(from), zone); !t.isAfter(end); t = cron.next(t, zone)) {
            out.add(t.toString());
        }
        return out;
    }
}
