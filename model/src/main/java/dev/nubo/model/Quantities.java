package dev.nubo.model;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human quantities of {@code nubo.yaml}: durations such as {@code 500ms}, {@code 30s},
 * {@code 2m}, {@code 1h}, and sizes such as {@code 256Mi}, {@code 1Gi}, {@code 10MB} or a plain byte
 * count. Binary suffixes (Ki, Mi, Gi) are powers of 1024, decimal ones (KB, MB, GB) powers of 1000.
 */
public final class Quantities {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|Ki|Mi|Gi|KB|MB|GB|K|M|G)");

    private Quantities() {}

    public static Optional<Duration> duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        });
    }

    public static Optional<Long> bytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "Ki", "K" -> 1L << 10;
            case "Mi", "M" -> 1L << 20;
            case "Gi", "G" -> 1L << 30;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            default -> 1L;
        };
        return Optional.of(Math.multiplyExact(n, unit));
    }

    /** {@code 268435456} as {@code 256Mi}; for messages and listings. */
    public static String formatBytes(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) return bytes / (1L << 30) + "Gi";
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) return bytes / (1L << 20) + "Mi";
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) return bytes / (1L << 10) + "Ki";
        return Long.toString(bytes);
    }

    /** {@code PT30S} as {@code 30s}; for messages and listings. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
