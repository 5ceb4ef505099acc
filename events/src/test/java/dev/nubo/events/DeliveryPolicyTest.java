package dev.nubo.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.UserError;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DeliveryPolicyTest {

    private final DeliveryPolicy policy = new DeliveryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5),
            new Destination.DeadLetters());

    @Test
    void backoffDoublesWithEqualJitterUpToTheCap() {
        SplittableRandom random = new SplittableRandom(7);
        long[] nominal = {200, 400, 800, 1600, 2000, 2000};
        for (int failed = 1; failed <= 6; failed++) {
            for (int sample = 0; sample < 200; sample++) {
                long ms = policy.delay(failed, Optional.empty(), random).toMillis();
                assertThat(ms).as("wait after %d failures", failed).isBetween(nominal[failed - 1] / 2, nominal[failed - 1]);
            }
        }
    }

    @Test
    void jitterSpreadsWaitsRatherThanRepeatingOne() {
        SplittableRandom random = new SplittableRandom(1);
        long distinct = java.util.stream.IntStream.range(0, 50).mapToLong(i -> policy.delay(3, Optional.empty(), random).toMillis())
                .distinct().count();
        assertThat(distinct).isGreaterThan(20);
    }

    @Test
    void retryAfterIsAFloorNotACeiling() {
        SplittableRandom random = new SplittableRandom(3);
        assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(7)), random)).isEqualTo(Duration.ofSeconds(7));
        assertThat(policy.delay(5, Optional.of(Duration.ofMillis(10)), random).toMillis()).isBetween(1000L, 2000L);
        assertThat(policy.delay(1, Optional.of(Duration.ofDays(3)), random)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void invalidPoliciesAreRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> new DeliveryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                new Destination.DeadLetters())).isInstanceOf(UserError.class).hasMessageContaining("attempts must be between 1 and 100");
        assertThatThrownBy(() -> new DeliveryPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(1),
                new Destination.DeadLetters())).hasMessageContaining("maxBackoff (1s) is shorter than backoff (10s)");
        assertThatThrownBy(() -> new DeliveryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                new Destination.Broker("default"))).hasMessageContaining("not a broker");
    }

    @Test
    void replyVerdictsAndRetryAfterParsing() {
        java.time.Instant now = java.time.Instant.parse("2026-11-21T10:00:00Z");
        assertThat(new Reply(204, java.util.List.of(), new byte[0], null).verdict()).isEqualTo(Reply.Verdict.DELIVERED);
        for (int retried : new int[] {0, 404, 408, 409, 429, 500, 502, 503, 504}) {
            assertThat(new Reply(retried, java.util.List.of(), new byte[0], "x").verdict()).as("%d", retried).isEqualTo(Reply.Verdict.RETRY);
        }
        for (int rejected : new int[] {400, 401, 403, 413, 422, 301}) {
            assertThat(new Reply(rejected, java.util.List.of(), new byte[0], null).verdict()).as("%d", rejected)
                    .isEqualTo(Reply.Verdict.REJECTED);
        }
        assertThat(new Reply(429, java.util.List.of(java.util.Map.entry("Retry-After", "12")), new byte[0], null).retryAfter(now))
                .contains(Duration.ofSeconds(12));
        assertThat(new Reply(503, java.util.List.of(java.util.Map.entry("retry-after", "Sat, 21 Nov 2026 10:01:00 GMT")), new byte[0], null)
                .retryAfter(now)).contains(Duration.ofMinutes(1));
        assertThat(new Reply(500, java.util.List.of(java.util.Map.entry("Retry-After", "12")), new byte[0], null).retryAfter(now)).isEmpty();
    }
}
