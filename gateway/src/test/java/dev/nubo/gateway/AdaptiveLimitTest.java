package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The learned per-instance limit, rule by rule, on a manual clock (milliseconds in the tables). */
class AdaptiveLimitTest {

    private static final long MS = 1_000_000;

    /** One thing that happens to the instance, and the limit and pause expected after it. */
    private record Step(String event, long atMs, int inFlightOrStartedMs, int limit, boolean paused) {

        static Step answer(int inFlight, int limit) {
            return new Step("answer", 0, inFlight, limit, false);
        }

        static Step failure(long atMs, int attemptStartedMs, int limit) {
            return new Step("failure", atMs, attemptStartedMs, limit, true);
        }
    }

    private static void play(AdaptiveLimit limit, List<Step> steps) {
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s.event().equals("answer")) {
                limit.answered(s.inFlightOrStartedMs());
                assertThat(limit.pausing()).as("step %d, %s: an answer ends any pause", i, s).isFalse();
            } else {
                limit.failed(s.atMs() * MS, s.inFlightOrStartedMs() * MS);
                assertThat(limit.pausedAt(s.atMs() * MS)).as("step %d, %s", i, s).isTrue();
            }
            assertThat(limit.limit()).as("step %d, %s", i, s).isEqualTo(s.limit());
        }
    }

    @Test
    void startsAtFourAndDoublesEveryRoundOfAnswersWhileDemandPressesOnIt() {
        AdaptiveLimit limit = new AdaptiveLimit(256, 0);
        assertThat(limit.limit()).isEqualTo(AdaptiveLimit.INITIAL).isEqualTo(4);
        play(limit, List.of(
                Step.answer(4, 5), Step.answer(5, 6), Step.answer(6, 7), Step.answer(7, 8),
                Step.answer(4, 9),     // half of 8 in use is pressure enough
                Step.answer(4, 9),     // 4 of 9 is not
                Step.answer(1, 9)));
    }

    @Test
    void neverGrowsPastItsMaximum() {
        AdaptiveLimit limit = new AdaptiveLimit(6, 0);
        play(limit, List.of(Step.answer(4, 5), Step.answer(5, 6), Step.answer(6, 6), Step.answer(6, 6)));
        assertThat(new AdaptiveLimit(2, 0).limit()).as("a maximum under the initial limit").isEqualTo(2);
    }

    @Test
    void stopsGrowingWhileAQuarterOfTheLimitWaitsForConnectionsTheInstanceHasNotAccepted() {
        AdaptiveLimit limit = new AdaptiveLimit(256, 0);
        play(limit, List.of(Step.answer(4, 5), Step.answer(5, 6), Step.answer(6, 7), Step.answer(7, 8)));
        limit.connecting();  // a full backlog: this one is not accepted, and nothing says so for a second
        play(limit, List.of(Step.answer(8, 9)));
        limit.connecting();
        play(limit, List.of(Step.answer(9, 10)));
        limit.connecting();
        play(limit, List.of(Step.answer(10, 10), Step.answer(10, 10)));  // 3 of 10 waiting
        limit.connected();
        play(limit, List.of(Step.answer(10, 11)));
    }

    @Test
    void halvesOnAFailedConnectionOncePerRoundThenDoublesAgainUnderPressure() {
        AdaptiveLimit limit = new AdaptiveLimit(256, 0);
        play(limit, List.of(
                Step.answer(4, 5), Step.answer(5, 6), Step.answer(6, 7), Step.answer(7, 8),
                Step.answer(8, 9), Step.answer(9, 10), Step.answer(10, 11), Step.answer(11, 12),
                Step.failure(1_000, 10, 6),    // a full backlog: not accepted within the connect timeout
                Step.failure(1_001, 20, 6),    // started under the old limit of 12: no second cut
                Step.failure(1_300, 1_000, 3), // started under the new one, at the moment of the cut
                Step.answer(3, 4), Step.answer(4, 5), Step.answer(5, 6),
                Step.answer(2, 6)));           // no pressure
    }

    @Test
    void neverCutsBelowOne() {
        AdaptiveLimit limit = new AdaptiveLimit(256, 0);
        play(limit, List.of(Step.failure(10, 1, 2), Step.failure(20, 10, 1), Step.failure(30, 20, 1),
                Step.answer(1, 2), Step.answer(1, 3), Step.answer(1, 3)));
    }

    @Test
    void pausesAfterEachFailedRoundForTwiceAsLongAsAfterTheLastUntilTheNextAnswer() {
        AdaptiveLimit limit = new AdaptiveLimit(256, 0);
        long[] expectedPausesMs = {25, 50, 100, 200, 400, 800, 1000, 1000};
        long now = 0;
        for (long pauseMs : expectedPausesMs) {
            now += 2_000;
            assertThat(limit.failed(now * MS, now * MS)).as("after a failure at %dms", now).isEqualTo(pauseMs * MS);
            assertThat(limit.pausedAt((now + pauseMs) * MS - 1)).isTrue();
            assertThat(limit.pausedAt((now + pauseMs) * MS)).isFalse();
        }

        limit.answered(1);

        assertThat(limit.pausing()).isFalse();
        assertThat(limit.pausedAt(now * MS)).isFalse();
        assertThat(limit.failed((now + 1) * MS, (now + 1) * MS)).as("the run starts over").isEqualTo(25 * MS);
    }

    @Test
    void aBurstOfConnectionsThatTimeOutTogetherPausesOnceAndCutsOnce() {
        AdaptiveLimit limit = new AdaptiveLimit(256, 0);
        assertThat(limit.failed(1_000 * MS, 0)).isEqualTo(25 * MS);
        for (int i = 1; i <= 8; i++) {
            assertThat(limit.failed((1_000 + i) * MS, i * MS)).as("failure %d of the same round: what is left of the pause", i)
                    .isEqualTo((25 - i) * MS);
        }
        assertThat(limit.limit()).isEqualTo(2);
        assertThat(limit.pausedAt(1_025 * MS)).isFalse();
        assertThat(limit.failed(1_030 * MS, 500 * MS)).as("past the pause, from the same round").isZero();
        assertThat(limit.failed(1_031 * MS, 1_030 * MS)).as("the next round: twice as long").isEqualTo(50 * MS);
    }

    @Test
    void aNewInstanceIsNotPausing() {
        AdaptiveLimit limit = new AdaptiveLimit(256, 123 * MS);
        assertThat(limit.pausing()).isFalse();
        assertThat(limit.pausedAt(123 * MS)).isFalse();
        assertThat(limit).hasToString("limit 4");
        limit.failed(124 * MS, 124 * MS);
        assertThat(limit).hasToString("limit 2, paused after 1 failed round(s) in a row");
    }
}
