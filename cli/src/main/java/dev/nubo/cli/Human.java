package dev.nubo.cli;

import dev.nubo.model.Quantities;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/** How the CLI writes sizes, ages and durations for people to read; JSON output keeps the API's values. */
final class Human {

    private Human() {}

    /** {@code 18432} as {@code 18.0 KiB}: one decimal, so a growing upload visibly moves. */
    static String bytes(long bytes) {
        return Quantities.describeBytes(bytes);
    }

    /** The age column of a listing, as kubectl writes it: 45s, 12m, 5h, 3d. */
    static String age(Optional<Instant> since, Instant now) {
        if (since.isEmpty()) {
            return "-";
        }
        long s = Math.max(0, Duration.between(since.get(), now).toSeconds());
        if (s < 120) return s + "s";
        if (s < 120 * 60) return s / 60 + "m";
        if (s < 48 * 3600) return s / 3600 + "h";
        return s / 86400 + "d";
    }

    /** {@code 5m ago}, or {@code in 14h} for a time still to come, such as a schedule's next run. */
    static String relative(Instant t, Instant now) {
        return t.isAfter(now) ? "in " + age(Optional.of(now), t) : age(Optional.of(t), now) + " ago";
    }

    /** {@code 2026-11-21T12:00:01Z (5m ago)}: exact for correlating with logs, relative for people; {@code -} for none. */
    static String when(Instant t, Instant now) {
        if (t == null) {
            return "-";
        }
        return t.truncatedTo(ChronoUnit.SECONDS) + " (" + relative(t, now) + ")";
    }

    /** {@code 12ms}, {@code 1.5 s}: how long a call or a start took; milliseconds below a second, where pooled starts are. */
    static String millis(long ms) {
        return ms < 1000 ? ms + "ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** {@code 1 request}, {@code 0 requests}, {@code 4 requests}: a count with its noun, singular only for one. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** {@code sha256:9f2c1a…}: enough of a digest to compare by eye. */
    static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return digest.length() > colon + 7 ? digest.substring(0, colon + 7) + "…" : digest;
    }
}
