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

    /** The duration, or empty when the text is none or too large for a {@link Duration}. */
    public static Optional<Duration> duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            long n = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /** The size in bytes, or empty when the text is none or more than {@link Long#MAX_VALUE} bytes. */
    public static Optional<Long> bytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Math.multiplyExact(Long.parseLong(m.group(1)), unit(m.group(2))));
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /**
     * Whether the text has the shape of a duration or a size ({@code 99999999999Gi}) even if it is
     * too large to be one: then a caller says "out of range" rather than "not a quantity".
     */
    static boolean looksLikeDuration(String text) {
        return DURATION.matcher(text.trim()).matches();
    }

    static boolean looksLikeSize(String text) {
        return SIZE.matcher(text.trim()).matches();
    }

    private static long unit(String suffix) {
        return switch (suffix) {
            case "Ki", "K" -> 1L << 10;
            case "Mi", "M" -> 1L << 20;
            case "Gi", "G" -> 1L << 30;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            default -> 1L;
        };
    }

    /** {@code 268435456} as {@code 256Mi}; for messages and listings. */
    public static String formatBytes(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) return bytes / (1L << 30) + "Gi";
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) return bytes / (1L << 20) + "Mi";
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) return bytes / (1L << 10) + "Ki";
        return Long.toString(bytes);
    }

    /** A measured size for people: {@code 512 B}, {@code 3.9 GiB}; for messages and progress. */
    public static String describeBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
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
