package dev.nubo.gateway;

import static dev.nubo.gateway.CircuitBreaker.PASSED;
import static dev.nubo.gateway.CircuitBreaker.PROBE;
import static dev.nubo.gateway.CircuitBreaker.REFUSED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.model.Resilience;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The breaker's rules, each with a clock the test moves by hand. */
class CircuitBreakerTest {

    private static final long S = 1_000_000_000L;
    private long now = 42 * S;

    private CircuitBreaker breaker(int failures, int percent, int minRequests) {
        return new CircuitBreaker("hello", new Resilience.Breaker(failures, percent, minRequests, Duration.ofSeconds(10),
                Duration.ofSeconds(30)), now);
    }

    @Test
    void opensAfterFailuresInARowAndAnswersAtOnceUntilTheCoolDownEnds() {
        CircuitBreaker b = breaker(3, 0, 0);
        b.record(503, b.admit(now), "hello-1", now);
        b.record(500, b.admit(now), "hello-1", now);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        b.record(502, b.admit(now), "hello-2", now);

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.reason()).isEqualTo("3 requests in a row failed, the last with 502 from hello-2");
        assertThat(b.admit(now + 29 * S)).isEqualTo(REFUSED);
        assertThat(b.retryAfter(now + 29 * S)).isEqualTo(1);
        assertThat(b.retryAfter(now)).isEqualTo(30);
        assertThat(b.figures(now).refusedTotal()).isEqualTo(1);
        assertThat(b.figures(now).opened()).isEqualTo(1);
    }

    @Test
    void aSuccessBreaksTheRunAndClientErrorsAreNoFailures() {
        CircuitBreaker b = breaker(2, 0, 0);
        b.record(503, b.admit(now), "", now);
        b.record(200, b.admit(now), "", now);
        b.record(503, b.admit(now), "", now);
        b.record(404, b.admit(now), "", now);
        b.record(499, b.admit(now), "", now);
        b.record(503, b.admit(now), "", now);

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void halfOpenLetsOneProbeThroughWhoseSuccessClosesIt() {
        CircuitBreaker b = breaker(1, 0, 0);
        b.record(504, b.admit(now), "", now);
        now += 30 * S;

        int probe = b.admit(now);
        assertThat(probe).isEqualTo(PROBE);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(b.admit(now)).isEqualTo(REFUSED);   // one probe at a time
        b.record(200, probe, "hello-1", now);

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(b.admit(now)).isEqualTo(PASSED);
    }

    @Test
    void aFailedProbeOpensItForAnotherCoolDown() {
        CircuitBreaker b = breaker(1, 0, 0);
        b.record(503, b.admit(now), "", now);
        now += 31 * S;
        b.record(503, b.admit(now), "hello-1", now);

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.reason()).isEqualTo("the probe failed with 503 from hello-1");
        assertThat(b.admit(now + 29 * S)).isEqualTo(REFUSED);
        assertThat(b.admit(now + 30 * S)).isEqualTo(PROBE);
    }

    @Test
    void aProbeWhoseCallerLeftDecidesNothingAndTheNextRequestProbes() {
        CircuitBreaker b = breaker(1, 0, 0);
        b.record(503, b.admit(now), "", now);
        now += 30 * S;
        b.record(499, b.admit(now), "", now);

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(b.admit(now)).isEqualTo(PROBE);
    }

    @Test
    void requestsAdmittedBeforeItOpenedDoNotCloseIt() {
        CircuitBreaker b = breaker(1, 0, 0);
        int early = b.admit(now);
        b.record(503, b.admit(now), "", now);
        b.record(200, early, "", now);

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void opensOnAnErrorRateOnlyOnceTheWindowHoldsEnoughRequests() {
        CircuitBreaker b = breaker(0, 50, 10);
        for (int i = 0; i < 4; i++) {
            b.record(200, b.admit(now), "", now);
            b.record(503, b.admit(now), "", now);
        }
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);   // 4 of 8: too few to judge
        b.record(200, b.admit(now), "", now);
        b.record(503, b.admit(now), "", now);

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.reason()).isEqualTo("5 of 10 requests within 10s failed, the last with 503");
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        CircuitBreaker b = breaker(0, 50, 4);
        b.record(503, b.admit(now), "", now);
        b.record(503, b.admit(now), "", now);
        now += 11 * S;
        b.record(200, b.admit(now), "", now);
        b.record(200, b.admit(now), "", now);
        b.record(200, b.admit(now), "", now);
        b.record(503, b.admit(now), "", now);

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);   // 1 of 4 in the window
    }
}
