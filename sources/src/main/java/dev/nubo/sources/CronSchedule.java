package dev.nubo.sources;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import dev.nubo.model.UserError;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;

/**
 * When a cron source fires: a cron expression read in the local time of a time zone. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * CronSchedule weekdays = CronSchedule.parse("0 9 * * MON-FRI", "Europe/Paris");
 * weekdays.nextAfter(Instant.parse("2025-03-28T09:00:00Z")); // 2025-03-31T07:00:00Z, Monday 09:00 CEST
 * weekdays.describe();                                        // "at 09:00 every day between Monday and Friday (Europe/Paris)"
 * }</pre>
 *
 * <h2>The dialect</h2>
 *
 * <ul>
 *   <li><b>5 fields</b>, Unix style: {@code minute hour day-of-month month day-of-week}.
 *   <li><b>6 fields</b>, Spring style: a {@code second} field, then the same 5.
 *   <li><b>A macro</b>: {@code @yearly} and {@code @annually} ({@code 0 0 1 1 *}), {@code @monthly}
 *       ({@code 0 0 1 * *}), {@code @weekly} ({@code 0 0 * * 0}, Sunday at midnight), {@code @daily} and
 *       {@code @midnight} ({@code 0 0 * * *}), {@code @hourly} ({@code 0 * * * *}). Case does not matter.
 *       {@code @reboot} is not supported.
 * </ul>
 *
 * <p>Fields are separated by spaces or tabs. Ranges: second 0-59, minute 0-59, hour 0-23,
 * day-of-month 1-31, month 1-12 or {@code JAN}-{@code DEC}, day-of-week 0-7 or {@code SUN}-{@code SAT}
 * (0 and 7 are both Sunday). Names are case-insensitive. Each field is {@code *} (any),
 * a value, a range {@code a-b}, a step {@code *}{@code /n} or {@code a-b/n}, or a comma-separated list
 * of these ({@code 1,15,30-40}). In day-of-month and day-of-week, {@code ?} is accepted as a synonym
 * for {@code *} (so Spring and Quartz expressions such as {@code 0 0 12 * * ?} work). Not supported:
 * {@code L}, {@code W}, {@code #}, a year field.
 *
 * <p><b>Day-of-month and day-of-week together</b> follow Unix cron: when both are restricted, a day
 * matches if <em>either</em> matches ({@code 0 0 13 * FRI} fires on every 13th and on every Friday).
 * A field written {@code *}, {@code ?} or {@code *}{@code /1} is unrestricted; anything else, even
 * {@code *}{@code /2} or {@code 1-31}, is restricted (Unix cron treats {@code *}{@code /2} as unrestricted).
 * Spring requires both to match; a 6-field expression here still uses the Unix rule.
 *
 * <p>An expression that can never fire ({@code 0 0 31 2 *}) is rejected.
 *
 * <h2>Time zones and daylight saving time</h2>
 *
 * <p>The expression is matched against the local wall-clock time of the zone, an IANA id such as
 * {@code Europe/Paris} (UTC when none is given). Where the zone changes its clocks:
 *
 * <ul>
 *   <li><b>A local time that does not exist</b> (clocks go forward: in Europe/Paris on the last Sunday
 *       of March, 02:00-02:59 are skipped) fires once, later by the length of the gap: a schedule for
 *       02:30 fires at 03:30 CEST (01:30Z) that day. If the schedule fires at that moment anyway
 *       ({@code 30 2,3 * * *}, or an hourly schedule), it fires once. So a daily 02:30 job runs every
 *       day, and an hourly one runs 23 times that day.
 *   <li><b>A local time that happens twice</b> (clocks go back: on the last Sunday of October,
 *       02:00-02:59 happen first in CEST, then again in CET) fires once, at its first occurrence:
 *       02:30 fires at 02:30 CEST (00:30Z), not again at 02:30 CET. The exception is an expression
 *       whose hour field covers every hour ({@code *}, {@code *}{@code /1}, {@code 0-23}): it fires in
 *       both passes, so it keeps its rhythm in real time ({@code *}{@code /15 * * * *} fires every 15
 *       minutes through the night, and {@code @hourly} 25 times that day).
 * </ul>
 *
 * <p>cron-utils, on which this is built, gets both cases wrong on its own (it skips the 02:30 run on
 * the spring-forward day, and fires some schedules twice in the repeated hour); this class applies
 * the rules above itself.
 */
public final class CronSchedule {

    private static final ZoneId UTC = ZoneId.of("UTC");

    private final String expression;
    private final ZoneId zone;
    private final Cron cron;
    private final WallClock wallClock;

    private CronSchedule(String expression, ZoneId zone, Cron cron) {
        this.expression = expression;
        this.zone = zone;
        this.cron = cron;
        this.wallClock = new WallClock(cron, zone);
    }

    /**
     * Parses {@code expression} in the dialect above, to be read in {@code timeZone}.
     *
     * @param timeZone an IANA zone id such as {@code Europe/Paris}; null or blank for UTC
     * @throws UserError 400 {@code cron.invalid} naming the expression and what is wrong with it, or the
     *     unknown time zone
     */
    public static CronSchedule parse(String expression, String timeZone) {
        Cron cron = CronDialect.parse(expression);
        return new CronSchedule(expression.strip(), zone(expression, timeZone), cron);
    }

    private static ZoneId zone(String expression, String timeZone) {
        if (timeZone == null || timeZone.isBlank()) {
            return UTC;
        }
        try {
            return ZoneId.of(timeZone.strip());
        } catch (DateTimeException e) {
            throw UserError.badRequest("cron.invalid",
                    "the time zone '" + timeZone + "' of the cron schedule '" + expression + "' is not a known time zone",
                    "use an IANA time zone id such as Europe/Paris, America/New_York or Asia/Tokyo, or UTC; leave it out for UTC");
        }
    }

    /** The first time this schedule fires strictly after {@code t}; empty if it never fires again. */
    public Optional<Instant> nextAfter(Instant t) {
        return wallClock.nextAfter(t);
    }

    /** The last time this schedule fired at or before {@code t}; empty if it never fired before. */
    public Optional<Instant> lastAtOrBefore(Instant t) {
        return wallClock.lastAtOrBefore(t);
    }

    /** In English, with the zone, e.g. {@code at 09:00 every day between Monday and Friday (Europe/Paris)}. */
    public String describe() {
        return words() + " (" + zone.getId() + ")";
    }

    /** In English, without the zone, for a reader who is shown it beside: {@code at 09:00 every day}. */
    public String words() {
        return CronDescriptor.instance(Locale.ENGLISH).describe(cron);
    }

    /** The expression as written, without surrounding blanks. */
    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule other && expression.equals(other.expression) && zone.equals(other.zone);
    }

    @Override
    public int hashCode() {
        return expression.hashCode() * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
        return expression + " (" + zone.getId() + ")";
    }
}
