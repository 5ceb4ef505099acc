package dev.nubo.sources;

import java.time.Instant;
import java.util.Optional;

/**
 * The missed-run policy: what a cron source does at {@code now}, given the scheduled time it last
 * fired for. A pure function of its arguments, asked at start and at every timer wake-up, so a
 * source that was down, a host that slept and a timer that woke late or early all take the same path.
 *
 * <ul>
 *   <li>Never fired (no {@code last}): fire nothing, and take {@code now} as the baseline, so a new
 *       schedule does not fire for times before it existed.
 *   <li>No scheduled time in {@code (last, now]}: nothing is due (the timer woke early, or the clock
 *       went back); wait.
 *   <li>One or more: fire once, for the latest of them, reporting how many earlier ones are skipped
 *       ({@code missed}, 0 for a firing on time). Missed times are never replayed one by one.
 * </ul>
 *
 * <p>Counting stops at {@value #MISSED_LIMIT}: an every-second schedule down for a month reports that
 * many rather than spending minutes counting.
 */
final class MissedRuns {

    static final int MISSED_LIMIT = 10_000;

    sealed interface Decision {}

    /** The source has never fired: remember {@code baseline} (now) as if it had fired then. */
    record StartFresh(Instant baseline) implements Decision {}

    /** Nothing scheduled since the last firing. */
    record NothingDue() implements Decision {}

    /** Fire once for {@code scheduled}; {@code missed} earlier scheduled times are skipped. */
    record FireOnce(Instant scheduled, int missed) implements Decision {}

    private MissedRuns() {}

    static Decision decide(CronSchedule schedule, Optional<Instant> last, Instant now) {
        if (last.isEmpty()) {
            return new StartFresh(now);
        }
        Optional<Instant> latest = schedule.lastAtOrBefore(now);
        if (latest.isEmpty() || !latest.get().isAfter(last.get())) {
            return new NothingDue();
        }
        return new FireOnce(latest.get(), skippedBetween(schedule, last.get(), latest.get()));
    }

    /** Scheduled times strictly between {@code last} and {@code latest}, up to {@link #MISSED_LIMIT}. */
    private static int skippedBetween(CronSchedule schedule, Instant last, Instant latest) {
        int skipped = 0;
        Instant t = last;
        while (skipped < MISSED_LIMIT) {
            Optional<Instant> next = schedule.nextAfter(t);
            if (next.isEmpty() || !next.get().isBefore(latest)) {
                return skipped;
            }
            skipped++;
            t = next.get();
        }
        return skipped;
    }
}
