package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.Quantities;
import dev.nubo.model.UserError;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How hard Nubo tries to deliver: up to {@code attempts} sends, each bounded by {@code timeout}, with
 * exponential backoff between them, and where an event goes when the last attempt fails.
 *
 * <p>The wait after the n-th failed attempt is {@code min(maxBackoff, backoff × 2^(n-1))}, "equal
 * jitter": a uniformly random point in its upper half, so that many events failing together do not
 * come back together, yet never sooner than half the nominal wait. A {@code Retry-After} on a 429 or
 * 503 is honoured: the wait is then at least what the service asked for (capped at an hour).
 *
 * @param deadLetter where the event goes after the last attempt: the dead-letter store, or a service
 *     (and if that fails too, the store)
 */
public record DeliveryPolicy(int attempts, Duration backoff, Duration maxBackoff, Duration timeout, Destination deadLetter) {

    public static final int MAX_ATTEMPTS = 100;
    private static final Duration RETRY_AFTER_CAP = Duration.ofHours(1);

    public DeliveryPolicy {
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw UserError.badRequest("delivery.invalid", "attempts must be between 1 and " + MAX_ATTEMPTS + ", not " + attempts,
                    "attempts counts every send, the first included: 1 means no retry");
        }
        positive(backoff, "backoff");
        positive(maxBackoff, "maxBackoff");
        positive(timeout, "timeout");
        if (maxBackoff.compareTo(backoff) < 0) {
            throw UserError.badRequest("delivery.invalid", "maxBackoff (" + Quantities.formatDuration(maxBackoff)
                    + ") is shorter than backoff (" + Quantities.formatDuration(backoff) + ")", "raise maxBackoff or lower backoff");
        }
        if (deadLetter instanceof Destination.Broker) {
            throw UserError.badRequest("delivery.invalid", "a dead-letter sink is a service or the dead-letter store, not a broker",
                    "use dead-letters or SERVICE[/path]");
        }
    }

    /** 5 attempts, 1 s doubling to 1 min, 30 s each, then the dead-letter store. */
    public static DeliveryPolicy defaults() {
        return new DeliveryPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(30), new Destination.DeadLetters());
    }

    /** Async invocations: 1 + {@code retries} attempts, 1 s doubling to 1 min, failures to the dead-letter store. */
    public static DeliveryPolicy invocations(int retries, Duration timeout) {
        return new DeliveryPolicy(1 + retries, Duration.ofSeconds(1), Duration.ofMinutes(1), timeout, new Destination.DeadLetters());
    }

    /**
     * The wait before the next attempt, after {@code failedAttempts} failures.
     *
     * @param retryAfter what the service asked for in {@code Retry-After}, if anything
     */
    public Duration delay(int failedAttempts, Optional<Duration> retryAfter, RandomGenerator random) {
        long nominal = backoff.toMillis();
        for (int i = 1; i < failedAttempts && nominal < maxBackoff.toMillis(); i++) {
            nominal *= 2;
        }
        nominal = Math.min(nominal, maxBackoff.toMillis());
        long half = nominal / 2;
        long jittered = half + (nominal - half == 0 ? 0 : random.nextLong(nominal - half + 1));
        long asked = retryAfter.map(d -> Math.min(d.toMillis(), RETRY_AFTER_CAP.toMillis())).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, asked));
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw UserError.badRequest("delivery.invalid", name + " must be a positive duration", "write e.g. 200ms, 5s or 1m");
        }
    }
}
