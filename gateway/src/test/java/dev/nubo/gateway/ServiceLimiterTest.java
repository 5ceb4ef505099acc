package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.model.Descriptor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The limits' decisions, each at a given time: no clock, no sleeps. */
class ServiceLimiterTest {

    private static final long T0 = 1_000_000_000_000L;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aBucketLetsABurstThroughThenOneRequestPerInterval() {
        TokenBucket bucket = new TokenBucket(10, 3, T0);  // a token every 100 ms, three in hand

        assertThat(bucket.take(T0)).isZero();
        assertThat(bucket.take(T0)).isZero();
        assertThat(bucket.take(T0)).isZero();
        assertThat(bucket.take(T0)).isEqualTo(100 * MS);       // the fourth waits for the next token
        assertThat(bucket.take(T0 + 99 * MS)).isEqualTo(MS);
        assertThat(bucket.take(T0 + 100 * MS)).isZero();
        assertThat(bucket.take(T0 + 100 * MS)).isEqualTo(100 * MS);
    }

    @Test
    void anIdleBucketRefillsOnlyUpToItsBurst() {
        TokenBucket bucket = new TokenBucket(10, 2, T0);
        long later = T0 + 60_000 * MS;                          // a minute of quiet banks two tokens, not 600

        assertThat(bucket.full(later)).isTrue();
        assertThat(bucket.take(later)).isZero();
        assertThat(bucket.take(later)).isZero();
        assertThat(bucket.take(later)).isPositive();
        assertThat(bucket.full(later)).isFalse();
    }

    @Test
    void refusesOverTheRateWith429AndRetryAfterRoundedUpToASecond() {
        ServiceLimiter limiter = new ServiceLimiter("orders", new Descriptor.Limits(0.5, 1, false, 0), T0);  // 30/m

        assertThat(limiter.admit("10.0.0.1", T0)).isEmpty();
        GatewayError refused = limiter.admit("10.0.0.2", T0 + 500 * MS).orElseThrow();

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("service.rate_limited");
        assertThat(refused.message()).isEqualTo("orders takes at most 30/m (burst 1); retry in 2s");
        assertThat(refused.retryAfterSeconds()).isEqualTo(2);   // 1.5 s to the next token
        assertThat(limiter.admit("10.0.0.2", T0 + 2000 * MS)).isEmpty();
        assertThat(limiter.figures(T0 + 2000 * MS).overRate()).isEqualTo(1);
    }

    @Test
    void givesEachCallerABucketOfItsOwnWithPerClient() {
        ServiceLimiter limiter = new ServiceLimiter("orders", new Descriptor.Limits(1, 1, true, 0), T0);

        assertThat(limiter.admit("10.0.0.1", T0)).isEmpty();
        assertThat(limiter.admit("10.0.0.2", T0)).isEmpty();
        assertThat(limiter.admit("10.0.0.1", T0).orElseThrow().message())
                .isEqualTo("orders takes at most 1/s (burst 1) from each caller; retry in 1s");
    }

    @Test
    void capsRequestsInFlightWith503UntilOneEnds() {
        ServiceLimiter limiter = new ServiceLimiter("orders", new Descriptor.Limits(0, 0, false, 2), T0);

        assertThat(limiter.admit("a", T0)).isEmpty();
        assertThat(limiter.admit("a", T0)).isEmpty();
        GatewayError refused = limiter.admit("a", T0).orElseThrow();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("service.concurrency_limited");
        assertThat(refused.message()).isEqualTo("orders already has 2 requests in flight, its limit");
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(limiter.figures(T0).inFlight()).isEqualTo(2);

        limiter.release();
        assertThat(limiter.admit("a", T0)).isEmpty();
    }

    @Test
    void aRequestRefusedByTheRateDoesNotHoldAConcurrencySlot() {
        ServiceLimiter limiter = new ServiceLimiter("orders", new Descriptor.Limits(1, 1, false, 5), T0);

        assertThat(limiter.admit("a", T0)).isEmpty();
        assertThat(limiter.admit("a", T0)).isPresent();
        assertThat(limiter.figures(T0).inFlight()).isEqualTo(1);
    }

    @Test
    void countsRefusalsOfAboutTheLastMinuteAndInAll() {
        MinuteCount count = new MinuteCount(T0);
        count.add(T0);
        count.add(T0 + 5_000 * MS);
        count.add(T0 + 35_000 * MS);

        assertThat(count.lastMinute(T0 + 40_000 * MS)).isEqualTo(3);
        assertThat(count.lastMinute(T0 + 61_000 * MS)).isEqualTo(1);    // the first ten-second slot has gone by
        count.add(T0 + 65_000 * MS);                                     // reuses and resets the first slot
        assertThat(count.lastMinute(T0 + 65_000 * MS)).isEqualTo(2);
        assertThat(count.lastMinute(T0 + 200_000 * MS)).isZero();
        assertThat(count.total()).isEqualTo(4);
    }
}
