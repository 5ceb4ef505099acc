package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.model.Resilience;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Outlier ejection of one instance, with a clock the test moves by hand. */
class EjectionTest {

    private static final long S = 1_000_000_000L;
    private static final Resilience.Outliers RULE = new Resilience.Outliers(2, Duration.ofSeconds(10));
    private final Ejection e = new Ejection();
    private long now = -5 * S;

    @Test
    void ejectsAfterFailuresInARowForTwiceAsLongEachTimeItFailsAgain() {
        assertThat(e.record(true, RULE, now, () -> true)).isFalse();
        assertThat(e.record(true, RULE, now, () -> true)).isTrue();
        assertThat(e.out(now + 9 * S)).isTrue();
        assertThat(e.out(now + 10 * S)).isFalse();

        now += 10 * S;
        e.record(true, RULE, now, () -> true);
        assertThat(e.record(true, RULE, now, () -> true)).isTrue();
        assertThat(e.times()).isEqualTo(2);
        assertThat(e.out(now + 19 * S)).isTrue();
        assertThat(e.out(now + 20 * S)).isFalse();
    }

    @Test
    void aSuccessAfterReturningEndsTheRun() {
        e.record(true, RULE, now, () -> true);
        e.record(true, RULE, now, () -> true);
        now += 10 * S;
        e.record(false, RULE, now, () -> true);
        assertThat(e.times()).isZero();
        assertThat(e.mayBeOut()).isFalse();

        e.record(true, RULE, now, () -> true);
        e.record(true, RULE, now, () -> true);
        assertThat(e.leftNanos(now)).isEqualTo(10 * S);
    }

    @Test
    void theLastInstanceServingIsNeverEjected() {
        e.record(true, RULE, now, () -> false);
        assertThat(e.record(true, RULE, now, () -> false)).isFalse();
        assertThat(e.out(now)).isFalse();
    }
}
