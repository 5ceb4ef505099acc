package dev.nubo.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.sources.MissedRuns.FireOnce;
import dev.nubo.sources.MissedRuns.NothingDue;
import dev.nubo.sources.MissedRuns.StartFresh;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MissedRunsTest {

    private static final CronSchedule EVERY_MINUTE = CronSchedule.parse("* * * * *", null);
    private static final Instant LAST = Instant.parse("2025-05-01T10:00:00Z");

    private static MissedRuns.Decision at(CronSchedule schedule, Optional<Instant> last, String now) {
        return MissedRuns.decide(schedule, last, Instant.parse(now));
    }

    @Test
    void aSourceThatNeverFiredTakesNowAsItsBaselineAndFiresNothingForThePast() {
        assertThat(at(EVERY_MINUTE, Optional.empty(), "2025-05-01T10:30:15Z"))
                .isEqualTo(new StartFresh(Instant.parse("2025-05-01T10:30:15Z")));
    }

    @Test
    void nothingIsDueBeforeTheNextScheduledTime() {
        assertThat(at(EVERY_MINUTE, Optional.of(LAST), "2025-05-01T10:00:00Z")).isEqualTo(new NothingDue());
        assertThat(at(EVERY_MINUTE, Optional.of(LAST), "2025-05-01T10:00:59.999Z")).isEqualTo(new NothingDue());
    }

    @Test
    void aTimeReachedIsDueWithNothingMissed() {
        assertThat(at(EVERY_MINUTE, Optional.of(LAST), "2025-05-01T10:01:00Z"))
                .isEqualTo(new FireOnce(Instant.parse("2025-05-01T10:01:00Z"), 0));
        assertThat(at(EVERY_MINUTE, Optional.of(LAST), "2025-05-01T10:01:59Z"))
                .isEqualTo(new FireOnce(Instant.parse("2025-05-01T10:01:00Z"), 0));
    }

    @Test
    void manyMissedTimesFireOnceForTheLatestCountingTheSkippedOnes() {
        assertThat(at(EVERY_MINUTE, Optional.of(LAST), "2025-05-01T10:10:30Z"))
                .isEqualTo(new FireOnce(Instant.parse("2025-05-01T10:10:00Z"), 9));
        CronSchedule nightly = CronSchedule.parse("0 2 * * *", "Europe/Paris");
        assertThat(at(nightly, Optional.of(Instant.parse("2025-05-01T00:00:00Z")), "2025-05-08T09:00:00Z"))
                .isEqualTo(new FireOnce(Instant.parse("2025-05-08T00:00:00Z"), 6));
    }

    @Test
    void aClockThatWentBackFiresNothingTwice() {
        assertThat(at(EVERY_MINUTE, Optional.of(LAST), "2025-05-01T09:30:00Z")).isEqualTo(new NothingDue());
    }

    @Test
    void countingTheMissedStopsAtTheLimit() {
        CronSchedule everySecond = CronSchedule.parse("* * * * * *", null);
        assertThat(at(everySecond, Optional.of(LAST), "2025-06-01T00:00:00Z"))
                .isEqualTo(new FireOnce(Instant.parse("2025-06-01T00:00:00Z"), MissedRuns.MISSED_LIMIT));
    }

    @Test
    void aScheduleWithNoTimeInThePastIsNeverDue() {
        CronSchedule leapDay = CronSchedule.parse("0 0 29 2 *", null);
        assertThat(at(leapDay, Optional.of(Instant.parse("2024-03-01T00:00:00Z")), "2025-05-01T00:00:00Z")).isEqualTo(new NothingDue());
    }
}
