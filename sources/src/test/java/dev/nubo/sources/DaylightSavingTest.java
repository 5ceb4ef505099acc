package dev.nubo.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.cronutils.model.time.ExecutionTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Europe/Paris around its 2025 changes: on Sunday 30 March, 02:00 CET becomes 03:00 CEST (02:00-02:59
 * do not exist); on Sunday 26 October, 03:00 CEST becomes 02:00 CET (02:00-02:59 happen twice).
 */
class DaylightSavingTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("MM-dd HH:mm xxx");

    private static final Instant BEFORE_SPRING = Instant.parse("2025-03-29T12:00:00Z");
    private static final Instant SPRING_NOON = Instant.parse("2025-03-30T10:00:00Z");
    private static final Instant AFTER_SPRING = Instant.parse("2025-03-31T12:00:00Z");
    private static final Instant BEFORE_FALL = Instant.parse("2025-10-25T12:00:00Z");
    private static final Instant FALL_NOON = Instant.parse("2025-10-26T11:00:00Z");
    private static final Instant AFTER_FALL = Instant.parse("2025-10-27T12:00:00Z");

    /** Every fire time in [from, to), walking forward, in Paris local time with its offset. */
    private static List<String> forward(String expression, Instant from, Instant to) {
        CronSchedule schedule = CronSchedule.parse(expression, "Europe/Paris");
        List<String> times = new ArrayList<>();
        for (Instant t = schedule.nextAfter(from.minusSeconds(1)).orElseThrow(); t.isBefore(to); t = schedule.nextAfter(t).orElseThrow()) {
            times.add(LOCAL.format(t.atZone(PARIS)));
        }
        return times;
    }

    /** The same walk backwards with lastAtOrBefore; must agree with nextAfter. */
    private static List<String> backward(String expression, Instant from, Instant to) {
        CronSchedule schedule = CronSchedule.parse(expression, "Europe/Paris");
        List<String> times = new ArrayList<>();
        for (Instant t = schedule.lastAtOrBefore(to.minusSeconds(1)).orElseThrow(); !t.isBefore(from);
                t = schedule.lastAtOrBefore(t.minusSeconds(1)).orElseThrow()) {
            times.addFirst(LOCAL.format(t.atZone(PARIS)));
        }
        return times;
    }

    private static List<String> both(String expression, Instant from, Instant to) {
        List<String> forward = forward(expression, from, to);
        assertThat(backward(expression, from, to)).as("lastAtOrBefore agrees with nextAfter").isEqualTo(forward);
        return forward;
    }

    @Test
    void aDailyTimeInTheSpringGapFiresOnceAnHourLaterThatDay() {
        assertThat(both("30 2 * * *", BEFORE_SPRING, AFTER_SPRING)).containsExactly("03-30 03:30 +02:00", "03-31 02:30 +02:00");
        assertThat(both("0 2 * * *", BEFORE_SPRING, AFTER_SPRING)).containsExactly("03-30 03:00 +02:00", "03-31 02:00 +02:00");
    }

    @Test
    void aSpringGapTimeThatLandsOnAnotherFireTimeFiresOnce() {
        assertThat(both("30 1,2,3 * * *", BEFORE_SPRING, SPRING_NOON))
                .containsExactly("03-30 01:30 +01:00", "03-30 03:30 +02:00");
    }

    @Test
    void shiftedGapTimesInterleaveWithRealTimesInOrder() {
        // Lord Howe Island moves its clocks 30 minutes: 02:00 +10:30 becomes 02:30 +11:00 on 5 October 2025.
        // 02:10 does not exist and is shifted to 02:40, after the real 02:35.
        CronSchedule schedule = CronSchedule.parse("10,35 2 * * *", "Australia/Lord_Howe");
        Instant change = Instant.parse("2025-10-04T15:30:00Z");
        assertThat(schedule.nextAfter(change.minusSeconds(1))).contains(Instant.parse("2025-10-04T15:35:00Z"));
        assertThat(schedule.nextAfter(Instant.parse("2025-10-04T15:35:00Z"))).contains(Instant.parse("2025-10-04T15:40:00Z"));
        assertThat(schedule.nextAfter(Instant.parse("2025-10-04T15:40:00Z"))).contains(Instant.parse("2025-10-05T15:10:00Z"));
        assertThat(schedule.lastAtOrBefore(Instant.parse("2025-10-04T15:39:59Z"))).contains(Instant.parse("2025-10-04T15:35:00Z"));
        assertThat(schedule.lastAtOrBefore(Instant.parse("2025-10-04T15:34:59Z"))).contains(Instant.parse("2025-10-03T16:05:00Z"));
    }

    @Test
    void anHourlyScheduleHasTwentyThreeRunsOnTheSpringDay() {
        List<String> day = both("0 * * * *", Instant.parse("2025-03-29T23:00:00Z"), Instant.parse("2025-03-30T22:00:00Z"));
        assertThat(day).hasSize(23).startsWith("03-30 00:00 +01:00", "03-30 01:00 +01:00", "03-30 03:00 +02:00", "03-30 04:00 +02:00");
    }

    @Test
    void aDailyTimeInTheRepeatedHourFiresOnceAtItsFirstOccurrence() {
        assertThat(both("30 2 * * *", BEFORE_FALL, AFTER_FALL)).containsExactly("10-26 02:30 +02:00", "10-27 02:30 +01:00");
        assertThat(both("30 1,2,3 * * *", BEFORE_FALL, FALL_NOON))
                .containsExactly("10-26 01:30 +02:00", "10-26 02:30 +02:00", "10-26 03:30 +01:00");
        assertThat(both("*/30 2 * * *", BEFORE_FALL, FALL_NOON))
                .containsExactly("10-26 02:00 +02:00", "10-26 02:30 +02:00");
    }

    @Test
    void aScheduleForEveryHourFiresInBothPassesOfTheRepeatedHour() {
        assertThat(both("*/30 * * * *", Instant.parse("2025-10-25T23:00:00Z"), Instant.parse("2025-10-26T02:00:00Z")))
                .containsExactly("10-26 01:00 +02:00", "10-26 01:30 +02:00", "10-26 02:00 +02:00", "10-26 02:30 +02:00",
                        "10-26 02:00 +01:00", "10-26 02:30 +01:00");
        List<String> day = both("@hourly", Instant.parse("2025-10-25T22:00:00Z"), Instant.parse("2025-10-26T23:00:00Z"));
        assertThat(day).hasSize(25).contains("10-26 02:00 +02:00", "10-26 02:00 +01:00");
        assertThat(both("15 0-23 * * *", Instant.parse("2025-10-26T00:00:00Z"), Instant.parse("2025-10-26T02:00:00Z")))
                .containsExactly("10-26 02:15 +02:00", "10-26 02:15 +01:00");
    }

    @Test
    void everySecondRunsThroughBothChangesWithoutGapsOrRepeats() {
        CronSchedule schedule = CronSchedule.parse("* * * * * *", "Europe/Paris");
        for (Instant change : new Instant[] {Instant.parse("2025-03-30T01:00:00Z"), Instant.parse("2025-10-26T01:00:00Z")}) {
            for (Instant t = change.minusSeconds(5); t.isBefore(change.plusSeconds(5)); t = t.plusSeconds(1)) {
                assertThat(schedule.nextAfter(t)).contains(t.plusSeconds(1));
                assertThat(schedule.lastAtOrBefore(t)).contains(t);
            }
        }
        assertThat(schedule.nextAfter(Instant.parse("2025-03-30T00:59:59.500Z"))).contains(Instant.parse("2025-03-30T01:00:00Z"));
        assertThat(schedule.lastAtOrBefore(Instant.parse("2025-03-30T01:00:00.999Z"))).contains(Instant.parse("2025-03-30T01:00:00Z"));
    }

    @Test
    void atAFireTimeNextIsStrictlyAfterAndLastIsThatTime() {
        CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Paris");
        Instant shifted = Instant.parse("2025-03-30T01:30:00Z");
        assertThat(schedule.lastAtOrBefore(shifted)).contains(shifted);
        assertThat(schedule.lastAtOrBefore(shifted.minusSeconds(1))).contains(Instant.parse("2025-03-29T01:30:00Z"));
        assertThat(schedule.nextAfter(shifted)).contains(Instant.parse("2025-03-31T00:30:00Z"));
    }

    @Test
    void aZoneWithoutChangesIsPlainLocalTime() {
        assertThat(CronSchedule.parse("0 9 * * *", "Asia/Tokyo").nextAfter(Instant.parse("2025-06-01T00:00:00Z")))
                .contains(Instant.parse("2025-06-01T00:00:00Z").plusSeconds(3600 * 24));
        assertThat(CronSchedule.parse("0 9 * * *", "Asia/Tokyo").nextAfter(Instant.parse("2025-05-31T23:59:59Z")))
                .contains(Instant.parse("2025-06-01T00:00:00Z"));
    }

    @Test
    void aRareScheduleIsFoundAcrossManyTransitions() {
        CronSchedule leapDay = CronSchedule.parse("0 12 29 2 *", "Europe/Paris");
        assertThat(leapDay.nextAfter(Instant.parse("2025-01-01T00:00:00Z"))).contains(Instant.parse("2028-02-29T11:00:00Z"));
        assertThat(leapDay.lastAtOrBefore(Instant.parse("2028-01-01T00:00:00Z"))).contains(Instant.parse("2024-02-29T11:00:00Z"));
    }

    /**
     * The rules read literally, minute by minute: an instant fires if its local time matches (except in
     * a repeated stretch, unless the hour field is every hour), or if it is within a gap's length after
     * clocks went forward and its local time one gap earlier matches.
     */
    private static boolean firesByTheRules(ExecutionTime local, boolean everyHour, ZoneRules rules, Instant s) {
        ZoneOffsetTransition began = rules.previousTransition(s.plusSeconds(1));
        boolean repeated = began != null && began.isOverlap() && s.isBefore(began.getInstant().plus(began.getDuration().abs()));
        if ((!repeated || everyHour) && matches(local, LocalDateTime.ofInstant(s, rules.getOffset(s)))) {
            return true;
        }
        return began != null && began.isGap() && s.isBefore(began.getInstant().plus(began.getDuration()))
                && matches(local, LocalDateTime.ofInstant(s, began.getOffsetBefore()));
    }

    private static boolean matches(ExecutionTime local, LocalDateTime time) {
        return local.nextExecution(time.minusSeconds(1).atZone(ZoneOffset.UTC)).map(z -> z.toLocalDateTime().equals(time)).orElse(false);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Europe/Paris        | 2025-03-30T01:00:00Z",
        "Europe/Paris        | 2025-10-26T01:00:00Z",
        "America/New_York    | 2025-03-09T07:00:00Z",
        "America/New_York    | 2025-11-02T06:00:00Z",
        "Australia/Lord_Howe | 2025-10-04T15:30:00Z",
        "Australia/Lord_Howe | 2025-04-05T15:00:00Z",
        "America/Sao_Paulo   | 2018-11-04T03:00:00Z",
        "Pacific/Apia        | 2011-12-30T10:00:00Z",
    })
    void walksForwardAndBackwardExactlyAsTheRulesRead(String zone, String change) {
        Instant from = Instant.parse(change).minusSeconds(26 * 3600);
        Instant to = Instant.parse(change).plusSeconds(26 * 3600);
        for (String expression : new String[] {"*/20 * * * *", "30 2 * * *", "0 0 * * *", "10,35 1-3 * * *", "45 * * * *"}) {
            CronSchedule schedule = CronSchedule.parse(expression, zone);
            ExecutionTime local = ExecutionTime.forCron(CronDialect.parse(expression));
            boolean everyHour = !expression.startsWith("30 2") && !expression.startsWith("0 0") && !expression.contains("1-3");
            List<Instant> expected = new ArrayList<>();
            for (Instant s = from; s.isBefore(to); s = s.plusSeconds(60)) {
                if (firesByTheRules(local, everyHour, ZoneId.of(zone).getRules(), s)) {
                    expected.add(s);
                }
            }
            List<Instant> forward = new ArrayList<>();
            for (Instant t = schedule.nextAfter(from.minusSeconds(1)).orElseThrow(); t.isBefore(to); t = schedule.nextAfter(t).orElseThrow()) {
                forward.add(t);
            }
            List<Instant> backward = new ArrayList<>();
            for (Instant t = schedule.lastAtOrBefore(to.minusSeconds(1)).orElseThrow(); !t.isBefore(from);
                    t = schedule.lastAtOrBefore(t.minusSeconds(1)).orElseThrow()) {
                backward.addFirst(t);
            }
            assertThat(forward).as(expression + " forward in " + zone).isEqualTo(expected);
            assertThat(backward).as(expression + " backward in " + zone).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @CsvSource({"Europe/Paris, 2025", "America/New_York, 2025", "Australia/Sydney, 2025", "Australia/Lord_Howe, 2025", "America/Sao_Paulo, 2018"})
    void aDailyScheduleFiresOnceOnEveryDayOfTheYear(String zone, int year) {
        for (String expression : new String[] {"30 2 * * *", "0 0 * * *", "59 23 * * *", "0 1 * * *"}) {
            CronSchedule schedule = CronSchedule.parse(expression, zone);
            LocalDate day = LocalDate.of(year, 1, 1);
            Instant t = day.atStartOfDay(ZoneId.of(zone)).toInstant().minusSeconds(1);
            for (; day.getYear() == year; day = day.plusDays(1)) {
                t = schedule.nextAfter(t).orElseThrow();
                assertThat(t.atZone(ZoneId.of(zone)).toLocalDate()).as(expression + " in " + zone).isEqualTo(day);
            }
        }
    }
}
