package dev.nubo.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nubo.autoscaler.ScaleDecision.Mode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AutoscalerTest {

    private static final Duration STABLE = Duration.ofSeconds(60);
    private static final Duration IDLE = Duration.ofSeconds(30);

    private Instant now = Instant.parse("2025-01-01T00:00:00Z");
    private Autoscaler autoscaler = new Autoscaler(ScalePolicy.of(0, 10, 10, STABLE, IDLE), now);

    private void policy(int min, int max, double target) {
        policy(ScalePolicy.of(min, max, target, STABLE, IDLE));
    }

    private void policy(ScalePolicy policy) {
        autoscaler = new Autoscaler(policy, now);
    }

    /** Samples every 100ms, as the gateway does, for the given seconds; the clock ends at the last sample. */
    private void load(double concurrency, double seconds) {
        for (long samples = Math.round(seconds * 10); samples > 0; samples--) {
            now = now.plusMillis(100);
            autoscaler.observe(now, concurrency, concurrency > 0 ? 1 : 0);
        }
    }

    private ScaleDecision decide(int instances) {
        return autoscaler.decide(now, instances, instances);
    }

    @Test
    void sizesOnTheStableWindowAverageUpAndDown() {
        load(40, 30);
        load(20, 30);
        ScaleDecision steady = decide(3);
        assertThat(steady.stableConcurrency()).isCloseTo(30, within(1e-9));
        assertThat(steady.reason()).isEqualTo("steady at 3 instances: 30 requests in flight on average, target 10 per instance");
        assertThat(steady.changes(3)).isFalse();

        load(20, 30);
        ScaleDecision down = decide(3);
        assertThat(down.mode()).isEqualTo(Mode.STABLE);
        assertThat(down.reason()).isEqualTo("3 → 2 instances: 20 requests in flight on average, target 10 per instance");

        load(45, 60);
        assertThat(decide(3).reason()).isEqualTo("3 → 5 instances: 45 requests in flight on average, target 10 per instance");

        load(14.2, 60);
        assertThat(decide(2).reason()).isEqualTo("steady at 2 instances: 14.2 requests in flight on average"
                + ", target 10 per instance");
    }

    @Test
    void panicsAtTwiceTheReadyCapacityAndScalesUpAtOnce() {
        load(20, 54);
        load(39, 6);
        ScaleDecision belowThreshold = decide(2);
        assertThat(belowThreshold.mode()).isEqualTo(Mode.STABLE);
        assertThat(belowThreshold.reason()).isEqualTo("2 → 3 instances: 21.9 requests in flight on average"
                + ", target 10 per instance");

        load(48, 6);
        ScaleDecision panic = decide(2);
        assertThat(panic.mode()).isEqualTo(Mode.PANIC);
        assertThat(panic.desired()).isEqualTo(5);
        assertThat(panic.stableConcurrency()).isCloseTo(24.7, within(1e-9));
        assertThat(panic.reason()).isEqualTo("2 → 5 instances: burst mode (no scale-down within 1m of a burst)"
                + ", 48 requests in flight on average, target 10 per instance");
    }

    @Test
    void neverScalesDownWhilePanickingThenScalesDownAStableWindowAfterThePanic() {
        load(20, 60);
        load(48, 6);
        assertThat(decide(2).desired()).isEqualTo(5);

        for (int second = 1; second < 60; second++) {
            load(5, 1);
            ScaleDecision panicking = decide(5);
            assertThat(panicking.mode()).as("%ds after the burst", second).isEqualTo(Mode.PANIC);
            assertThat(panicking.desired()).as("%ds after the burst", second).isEqualTo(5);
        }
        assertThat(decide(5).reason()).isEqualTo("steady at 5 instances: burst mode (no scale-down within 1m of a burst)"
                + ", 5 requests in flight on average, target 10 per instance");
        load(5, 1);
        ScaleDecision calm = decide(5);
        assertThat(calm.mode()).isEqualTo(Mode.STABLE);
        assertThat(calm.reason()).isEqualTo("5 → 3 instances: 5 requests in flight on average, target 10 per instance"
                + " (scaling down at most 2× at a time)");
    }

    @Test
    void panicIsExtendedWhileDemandKeepsOutrunningTheReadyInstances() {
        load(48, 6);
        assertThat(autoscaler.decide(now, 5, 2).mode()).isEqualTo(Mode.PANIC);

        load(48, 50);
        assertThat(autoscaler.decide(now, 5, 2).mode()).as("still short of ready instances").isEqualTo(Mode.PANIC);
        load(8, 59);
        assertThat(decide(5).mode()).as("59s after demand last outran them").isEqualTo(Mode.PANIC);
    }

    @Test
    void capsAtMaxAndSaysSo() {
        load(148, 6);
        ScaleDecision decision = decide(3);
        assertThat(decision.desired()).isEqualTo(10);
        assertThat(decision.reason()).isEqualTo("3 → 10 instances: burst mode (no scale-down within 1m of a burst)"
                + ", 148 requests in flight on average, target 10 per instance (capped at the maximum of 10)");
    }

    @Test
    void keepsMinWarmAndSaysSo() {
        policy(1, 10, 10);
        assertThat(decide(0).reason()).isEqualTo("0 → 1 instance: keeping the minimum of 1");

        policy(2, 10, 10);
        load(5, 60);
        assertThat(decide(1).reason()).isEqualTo("1 → 2 instances: 5 requests in flight on average, target 10 per instance"
                + " (keeping the minimum of 2)");
    }

    @Test
    void scalesToZeroAfterTheIdlePeriodWithMinZero() {
        load(5, 10);
        Instant lastRequest = now;
        load(0, 29.9);
        assertThat(decide(1).reason()).isEqualTo("steady at 1 instance: 1.3 requests in flight on average"
                + ", target 10 per instance");

        load(0, 0.1);
        ScaleDecision idle = decide(1);
        assertThat(autoscaler.lastActivity()).isEqualTo(lastRequest);
        assertThat(idle.mode()).isEqualTo(Mode.IDLE);
        assertThat(idle.desired()).isZero();
        assertThat(idle.reason()).isEqualTo("1 → 0 instances: idle for 30s");
        assertThat(decide(0).reason()).isEqualTo("steady at 0 instances: idle for 30s");
    }

    @Test
    void keepsOneWhenIdleWithMinOne() {
        policy(1, 10, 10);
        load(5, 10);
        load(0, 40);
        ScaleDecision idle = decide(1);
        assertThat(idle.mode()).isEqualTo(Mode.IDLE);
        assertThat(idle.reason()).isEqualTo("steady at 1 instance: keeping the minimum of 1");
    }

    @Test
    void aFreshRevisionKeepsItsFirstInstanceForOneIdlePeriod() {
        assertThat(decide(0).reason()).as("nothing to start without demand")
                .isEqualTo("steady at 0 instances: 0 requests in flight on average, target 10 per instance");

        now = now.plusSeconds(29);
        assertThat(decide(1).desired()).isEqualTo(1);
        now = now.plusSeconds(1);
        assertThat(decide(1).reason()).isEqualTo("1 → 0 instances: idle for 30s");
    }

    @Test
    void demandAtZeroStartsEnoughInstancesForTheHeldRequestsAtOnce() {
        policy(0, 50, 10);
        load(0, 60);
        autoscaler.observe(now = now.plusMillis(100), 200, 200);
        ScaleDecision coldStart = decide(0);
        assertThat(coldStart.mode()).isEqualTo(Mode.PANIC);
        assertThat(coldStart.panicConcurrency()).as("diluted by the silence before").isLessThan(10);
        assertThat(coldStart.desired()).isEqualTo(20);
        assertThat(coldStart.reason()).isEqualTo("0 → 20 instances: cold start, 200 requests waiting, target 10 per instance");
    }

    @Test
    void demandAtZeroWantsAtLeastOneInstance() {
        policy(0, 10, 100);
        autoscaler.observe(now = now.plusMillis(100), 200, 200);
        assertThat(decide(0).desired()).isEqualTo(2);

        policy(0, 10, 100);
        autoscaler.observe(now = now.plusMillis(100), 1, 1);
        assertThat(decide(0).reason()).isEqualTo("0 → 1 instance: cold start, 1 request waiting, target 100 per instance");
    }

    @Test
    void aBacklogThatPilesUpWhileTheFirstInstanceStartsStartsNoMore() {
        policy(0, 10, 100);
        autoscaler.observe(now = now.plusMillis(100), 1, 1);
        assertThat(autoscaler.decide(now, 0, 0).reason()).isEqualTo("0 → 1 instance: cold start, 1 request waiting, target 100 per instance");

        // 20 requests a second for the 15s a JVM takes to start on a busy machine: 300 held, no ready instance.
        for (int second = 1; second <= 15; second++) {
            for (int tick = 0; tick < 10; tick++) {
                autoscaler.observe(now = now.plusMillis(100), 1 + 20 * second - 18 + 2 * tick, 2);
            }
            ScaleDecision starting = autoscaler.decide(now, 1, 0);
            assertThat(starting.desired()).as("%ds into the start", second).isEqualTo(1);
        }
        assertThat(autoscaler.decide(now, 1, 0).reason()).isEqualTo("steady at 1 instance: cold start, 301 requests waiting for the 1 instance starting");
    }

    @Test
    void aColdStartIsSizedOnTheBurstOfItsFirstSecondAndThenHoldsEvenBeforeAllHaveStarted() {
        policy(0, 50, 10);
        autoscaler.observe(now = now.plusMillis(100), 1, 1);
        assertThat(autoscaler.decide(now, 0, 0).desired()).as("the request that woke it").isEqualTo(1);
        autoscaler.observe(now = now.plusMillis(100), 200, 199);
        assertThat(autoscaler.decide(now, 1, 0).reason()).isEqualTo("1 → 20 instances: cold start, 200 requests waiting, target 10 per instance");
        autoscaler.observe(now = now.plusMillis(800), 150, 0);
        assertThat(autoscaler.decide(now, 2, 0).desired()).as("the largest count of the first second").isEqualTo(20);

        autoscaler.observe(now = now.plusMillis(100), 400, 200);
        ScaleDecision later = autoscaler.decide(now, 2, 0);
        assertThat(later.desired()).as("two started so far; 400 held is their backlog, not more demand").isEqualTo(20);
        assertThat(later.reason()).isEqualTo("2 → 20 instances: cold start, 400 requests waiting for the 2 instances starting");
    }

    @Test
    void theColdStartEndsWithTheFirstReadyInstanceAndTheNextOneStartsAfresh() {
        policy(0, 50, 10);
        autoscaler.observe(now = now.plusMillis(100), 30, 30);
        assertThat(autoscaler.decide(now, 0, 0).desired()).isEqualTo(3);
        load(30, 2);
        assertThat(autoscaler.decide(now, 3, 0).desired()).isEqualTo(3);

        load(90, 1);
        ScaleDecision served = autoscaler.decide(now, 3, 1);
        assertThat(served.mode()).isEqualTo(Mode.PANIC);
        assertThat(served.desired()).as("measured again once an instance serves: 90 now").isEqualTo(9);

        load(0, 30);
        assertThat(autoscaler.decide(now, 9, 9).desired()).isZero();
        autoscaler.observe(now = now.plusMillis(100), 50, 50);
        assertThat(autoscaler.decide(now, 0, 0).reason()).isEqualTo("0 → 5 instances: cold start, 50 requests waiting, target 10 per instance");
    }

    @Test
    void scalesDownByHalfAtMostAndAtMostOncePerDelay() {
        policy(ScalePolicy.of(0, 10, 10, STABLE, Duration.ofMinutes(5)));
        load(10, 60);
        assertThat(decide(8).reason()).isEqualTo("8 → 4 instances: 10 requests in flight on average, target 10 per instance"
                + " (scaling down at most 2× at a time)");

        load(10, 1);
        assertThat(decide(4).reason()).as("1s after the last scale-down").isEqualTo(
                "steady at 4 instances: 10 requests in flight on average, target 10 per instance");
        load(10, 1);
        assertThat(decide(4).desired()).isEqualTo(2);
        load(10, 1);
        assertThat(decide(2).desired()).isEqualTo(2);
        load(10, 1);
        assertThat(decide(2).reason()).isEqualTo("2 → 1 instance: 10 requests in flight on average, target 10 per instance");
    }

    @Test
    void shortRequestsSeenOnlyAsArrivalsKeepOneInstance() {
        for (int second = 1; second <= 120; second++) {
            now = now.plusSeconds(1);
            autoscaler.observe(now, 0, second % 10 == 0 ? 1 : 0);
        }
        ScaleDecision busy = decide(1);
        assertThat(busy.stableConcurrency()).isZero();
        assertThat(busy.mode()).isEqualTo(Mode.STABLE);
        assertThat(busy.desired()).isEqualTo(1);

        load(0, 30);
        assertThat(decide(1).reason()).isEqualTo("1 → 0 instances: idle for 30s");
    }

    @Test
    void bringsBackAnInstanceLostWhileRequestsWereRecent() {
        autoscaler.observe(now = now.plusSeconds(1), 0, 1);
        load(0, 5);
        assertThat(decide(0).reason()).isEqualTo("0 → 1 instance: 0 requests in flight on average, target 10 per instance");
    }

    @Test
    void wantsExactlyConcurrencyOverTargetDespiteFloatError() {
        load(20, 60);
        assertThat(decide(2).desired()).isEqualTo(2);

        policy(0, 100, 0.1);
        load(1.1, 60);
        ScaleDecision decision = autoscaler.decide(now, 11, 11);
        assertThat(decision.reason()).isEqualTo("steady at 11 instances: 1.1 requests in flight on average"
                + ", target 0.1 per instance");
    }

    @Test
    void countsASampleFromAClockSteppingBackAtThePreviousSampleTime() {
        load(10, 60);
        autoscaler.observe(now.minusSeconds(3600), 30, 1);
        assertThat(decide(1).stableConcurrency()).isCloseTo(10.0333, within(1e-3));
        assertThat(autoscaler.lastActivity()).isEqualTo(now);
    }

    @Test
    void rejectsImpossibleSamplesAndCounts() {
        assertThatThrownBy(() -> autoscaler.observe(now, -1, 0)).hasMessageContaining("concurrency of 0 or more");
        assertThatThrownBy(() -> autoscaler.decide(now, -1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a decision needs a time and instance counts of 0 or more, got 2025-01-01T00:00:00Z, current -1 and ready 0");
    }
}
