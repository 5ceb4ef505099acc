package dev.nubo.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many deliveries each {@link Origin} has pending: counted from the moment a delivery is routed,
 * before it is even stored, until the dispatcher settles it (or its write fails). Counting that early
 * is what lets a trigger's {@code maxPending} hold exactly when many replies are routed at once while
 * earlier ones are still on their way to disk. Every change is one atomic {@code compute} per origin.
 */
final class Backlog {

    private final Map<String, Integer> pending = new ConcurrentHashMap<>();

    /** Counts one more for {@code origin} unless it already has {@code max}; returns whether it did. */
    boolean tryAdd(String origin, int max) {
        boolean[] added = {false};
        pending.compute(origin, (o, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            added[0] = true;
            return now + 1;
        });
        return added[0];
    }

    /** Counts one more for {@code origin}, whatever it has. */
    void add(String origin) {
        pending.merge(origin, 1, Integer::sum);
    }

    /** One of {@code origin}'s is settled, dropped, or was never stored. */
    void remove(String origin) {
        pending.computeIfPresent(origin, (o, n) -> n <= 1 ? null : n - 1);
    }

    int pending(String origin) {
        return pending.getOrDefault(origin, 0);
    }
}
