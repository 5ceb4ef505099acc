package dev.nubo.autoscaler;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/** How the autoscaler writes numbers and durations for people: reasons and validation messages end up in {@code nubo describe}. */
final class Format {

    private Format() {
    }

    /** At most one decimal and no trailing ".0": 14.24 is "14.2", 48.0 is "48". */
    static String load(double value) {
        return plain(BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP));
    }

    /** "1 instance", "0 instances", "3 instances". */
    static String instances(int count) {
        return count + (count == 1 ? " instance" : " instances");
    }

    /** A load as {@link #load} writes it, with its noun: "1 request", but "0.3 requests" and "14.2 requests". */
    static String requests(double value) {
        String count = load(value);
        return count + (count.equals("1") ? " request" : " requests");
    }

    /** Exact, without ".0" when whole: a target of 10.0 is "10", 2.25 stays "2.25" rather than rounding. */
    static String target(double value) {
        return Double.isFinite(value) ? plain(BigDecimal.valueOf(value)) : String.valueOf(value);
    }

    /** "30s", "1m30s", "2h", "1s500ms": the units a descriptor uses, not ISO-8601's PT1M30S. */
    static String duration(Duration d) {
        if (d.isNegative()) {
            return "-" + duration(d.negated());
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder text = new StringBuilder();
        append(text, d.toHours(), "h");
        append(text, d.toMinutesPart(), "m");
        append(text, d.toSecondsPart(), "s");
        append(text, d.toMillisPart(), "ms");
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount > 0) {
            text.append(amount).append(unit);
        }
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
