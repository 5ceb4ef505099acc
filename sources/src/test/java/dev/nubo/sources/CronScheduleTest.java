package dev.nubo.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {

    private static final Instant NEW_YEAR = Instant.parse("2025-01-01T00:00:00Z"); // a Wednesday

    private static List<Instant> next(CronSchedule schedule, Instant from, int count) {
        List<Instant> times = new ArrayList<>();
        Instant t = from;
        for (int i = 0; i < count; i++) {
            t = schedule.nextAfter(t).orElseThrow();
            times.add(t);
        }
        return times;
    }

    private static List<String> nextUtc(String expression, int count) {
        return next(CronSchedule.parse(expression, null), NEW_YEAR, count).stream().map(Instant::toString).toList();
    }

    @Test
    void readsFiveUnixFieldsWithListsRangesStepsAndNames() {
        assertThat(nextUtc("*/20 * * * *", 3)).containsExactly("2025-01-01T00:20:00Z", "2025-01-01T00:40:00Z", "2025-01-01T01:00:00Z");
        assertThat(nextUtc("0 9 * * MON-FRI", 3)).containsExactly("2025-01-01T09:00:00Z", "2025-01-02T09:00:00Z", "2025-01-03T09:00:00Z");
        assertThat(nextUtc("15,45 8-10/2 * * *", 4))
                .containsExactly("2025-01-01T08:15:00Z", "2025-01-01T08:45:00Z", "2025-01-01T10:15:00Z", "2025-01-01T10:45:00Z");
        assertThat(nextUtc("0 0 1 jan,Jul *", 2)).containsExactly("2025-07-01T00:00:00Z", "2026-01-01T00:00:00Z");
        assertThat(nextUtc("0 0 * * sun", 1)).isEqualTo(nextUtc("0 0 * * 0", 1)).isEqualTo(nextUtc("0 0 * * 7", 1))
                .containsExactly("2025-01-05T00:00:00Z");
        assertThat(nextUtc("0\t12   * * *", 1)).containsExactly("2025-01-01T12:00:00Z");
    }

    @Test
    void readsSixFieldsWithALeadingSecondsField() {
        assertThat(nextUtc("*/20 * * * * *", 3)).containsExactly("2025-01-01T00:00:20Z", "2025-01-01T00:00:40Z", "2025-01-01T00:01:00Z");
        assertThat(nextUtc("30 0 9 * * MON-FRI", 1)).containsExactly("2025-01-01T09:00:30Z");
        assertThat(nextUtc("0 0 12 * * ?", 1)).containsExactly("2025-01-01T12:00:00Z");
        assertThat(nextUtc("0 0 0 25 12 ?", 1)).containsExactly("2025-12-25T00:00:00Z");
    }

    @ParameterizedTest
    @CsvSource({
        "@yearly, 2026-01-01T00:00:00Z",
        "@annually, 2026-01-01T00:00:00Z",
        "@monthly, 2025-02-01T00:00:00Z",
        "@weekly, 2025-01-05T00:00:00Z",
        "@daily, 2025-01-02T00:00:00Z",
        "@midnight, 2025-01-02T00:00:00Z",
        "@hourly, 2025-01-01T01:00:00Z",
        "@Daily, 2025-01-02T00:00:00Z",
    })
    void expandsTheMacros(String macro, String first) {
        assertThat(nextUtc(macro, 1)).containsExactly(first);
    }

    @Test
    void matchesEitherDayFieldWhenBothAreRestrictedAsUnixCronDoes() {
        // The 13th of each month, and every Friday: 2025-01-03 is a Friday.
        assertThat(nextUtc("0 0 13 * FRI", 4))
                .containsExactly("2025-01-03T00:00:00Z", "2025-01-10T00:00:00Z", "2025-01-13T00:00:00Z", "2025-01-17T00:00:00Z");
        assertThat(nextUtc("0 0 0 13 * FRI", 1)).containsExactly("2025-01-03T00:00:00Z");
    }

    @Test
    void defaultsToUtcAndKeepsTheExpressionAsWritten() {
        CronSchedule schedule = CronSchedule.parse("  0 9 * * *  ", " ");
        assertThat(schedule.expression()).isEqualTo("0 9 * * *");
        assertThat(schedule.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(schedule).isEqualTo(CronSchedule.parse("0 9 * * *", null)).hasToString("0 9 * * * (UTC)");
    }

    @Test
    void describesItselfInEnglishWithItsZone() {
        assertThat(CronSchedule.parse("0 9 * * MON-FRI", "Europe/Paris").describe())
                .isEqualTo("at 09:00 every day between Monday and Friday (Europe/Paris)");
        assertThat(CronSchedule.parse("*/10 * * * * *", null).describe()).isEqualTo("every 10 seconds (UTC)");
        assertThat(CronSchedule.parse("@daily", null).describe()).isEqualTo("at 00:00 (UTC)");
        assertThat(CronSchedule.parse("* * * * *", "Europe/Paris").words()).as("the API's description, shown beside its zone")
                .isEqualTo("every minute");
    }

    @Test
    void javadocExampleHolds() {
        CronSchedule weekdays = CronSchedule.parse("0 9 * * MON-FRI", "Europe/Paris");
        assertThat(weekdays.nextAfter(Instant.parse("2025-03-28T09:00:00Z"))).contains(Instant.parse("2025-03-31T07:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "60 * * * *          | the cron schedule '60 * * * *' is invalid: the minute field '60' is wrong: value 60 not in range [0, 59]",
        "0 24 * * *          | the cron schedule '0 24 * * *' is invalid: the hour field '24' is wrong: value 24 not in range [0, 23]",
        "0 0 * * 8           | the cron schedule '0 0 * * 8' is invalid: the day-of-week field '8' is wrong: value 8 not in range [0, 7]",
        "0 0 0 * 13 *        | the cron schedule '0 0 0 * 13 *' is invalid: the month field '13' is wrong: value 13 not in range [1, 12]",
        "61 0 0 * * *        | the cron schedule '61 0 0 * * *' is invalid: the second field '61' is wrong: value 61 not in range [0, 59]",
        "0 9-5 * * *         | the cron schedule '0 9-5 * * *' is invalid: the hour field '9-5' is wrong: invalid range! [9,5]",
        "0 0 L * *           | the cron schedule '0 0 L * *' is invalid: the day-of-month field 'L' is wrong: 'L' is not allowed",
        "0 0 * * MON#2       | the cron schedule '0 0 * * MON#2' is invalid: the day-of-week field 'MON#2' is wrong: it is not a valid number, name, range, step or list",
        "60 60 * * *         | the cron schedule '60 60 * * *' is invalid: the minute field '60' is wrong: value 60 not in range [0, 59]",
        "a b c d e           | the cron schedule 'a b c d e' is invalid: the minute field 'a' is wrong: 'A' is not allowed",
        "0 0 ? ? *           | the cron schedule '0 0 ? ? *' is invalid: the month field '?' is wrong: it is not a valid number, name, range, step or list",
        "* * *               | the cron schedule '* * *' is invalid: it has 3 fields, not 5 or 6",
        "0 0 1 1 * 2030      | the cron schedule '0 0 1 1 * 2030' is invalid: the day-of-week field '2030' is wrong: value 2030 not in range [0, 7]",
        "0 0 0 0 0 0 0       | the cron schedule '0 0 0 0 0 0 0' is invalid: it has 7 fields, not 5 or 6",
        "0 0 31 2 *          | the cron schedule '0 0 31 2 *' is invalid: it never fires (no date matches it, such as 31 February)",
        "@reboot             | the cron schedule '@reboot' is invalid: @reboot is not supported: a schedule fires at times of day, not when the server starts",
        "@fortnightly        | the cron schedule '@fortnightly' is invalid: @fortnightly is not a macro; the macros are @yearly (or @annually), @monthly, @weekly, @daily (or @midnight) and @hourly",
    })
    void rejectsAnInvalidExpressionNamingTheFieldAndWhatIsWrong(String expression, String message) {
        assertThatThrownBy(() -> CronSchedule.parse(expression, null))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("cron.invalid");
                    assertThat(e.hint()).contains("'0 9 * * MON-FRI'", "@daily", "L, W and # are not supported");
                })
                .hasMessage(message);
    }

    @Test
    void rejectsNonsenseOfEveryShapeAsAUserError() {
        for (String nonsense : new String[] {"", "   ", "*/ * * * *", "- * * * *", ", * * * *", "1/2/3 * * * *",
                "*/0 * * * *", "1,,2 * * * *", "MON-FRI * * * *", "0 0 1W * *", "99999999999999 * * * *", "\u00e9 * * * *"}) {
            assertThatThrownBy(() -> CronSchedule.parse(nonsense, null)).as(nonsense)
                    .isInstanceOf(UserError.class)
                    .hasMessageStartingWith("the cron schedule '" + nonsense + "' is invalid: ");
        }
        assertThatThrownBy(() -> CronSchedule.parse(null, null)).isInstanceOf(UserError.class)
                .hasMessage("the cron schedule 'null' is invalid: it is empty");
    }

    @Test
    void rejectsAnUnknownTimeZoneHintingAtIanaIds() {
        for (String zone : new String[] {"Europe/Pariss", "Mars/Olympus", "CEST", "GMT+25"}) {
            assertThatThrownBy(() -> CronSchedule.parse("0 9 * * *", zone)).as(zone)
                    .isInstanceOfSatisfying(UserError.class, e -> {
                        assertThat(e.code()).isEqualTo("cron.invalid");
                        assertThat(e.hint()).contains("Europe/Paris");
                    })
                    .hasMessage("the time zone '" + zone + "' of the cron schedule '0 9 * * *' is not a known time zone");
        }
    }
}
