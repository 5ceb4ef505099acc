package dev.nubo.metrics;

import dev.nubo.model.Quantities;
import dev.nubo.model.UserError;
import dev.nubo.store.AlertRules;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An alert rule, parsed and checked: a figure of one service compared with a threshold, which must
 * hold for {@code hold} before the rule fires, and who hears of it. Parsed from the stored text
 * ({@link #parse}), so a bad rule is refused with a 400 that names the field and shows the syntax.
 *
 * <pre>{@code
 * AlertRule r = AlertRule.parse(new AlertRules.Rule("shop-errors", "shop", "error_rate > 5%", Duration.ofMinutes(1),
 *         "https://hooks.example/nubo", now));
 * }</pre>
 */
public record AlertRule(String name, String service, Figure figure, double threshold, Duration hold, Target target) {

    /** What a rule can watch; each is computed over the stretch since the previous evaluation. */
    public enum Figure {
        /** The share of the service's requests answered with a 5xx, in percent. */
        ERROR_RATE("error_rate", "%"),
        /** The 99th percentile of the service's request latency, in milliseconds (a histogram bucket's upper bound). */
        P99("p99", "ms"),
        /** The share of requests that arrived while the service had no ready instance, in percent. */
        COLD_STARTS("cold_starts", "%"),
        /** Dead letters added by the triggers that deliver to the service. */
        DEAD_LETTERS("dead_letters", ""),
        /** The service's instances that restarted after a crash, or wait in backoff to restart. */
        CRASHING("crashing", "");

        final String word;
        final String unit;

        Figure(String word, String unit) {
            this.word = word;
            this.unit = unit;
        }

        /** {@code 12.5%}, {@code 480ms}, {@code 3}. */
        String format(double value) {
            if (Double.isInfinite(value)) {
                return "over 30s";
            }
            String number = value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
            return number + unit;
        }
    }

    /** Who hears of a rule firing and resolving. */
    public sealed interface Target {
        /** An HTTP(S) URL that gets the notification POSTed as JSON. */
        record Webhook(URI url) implements Target {}

        /** A Nubo service, called through the gateway with the notification as a JSON POST. */
        record Service(String name) implements Target {}

        /** A broker that gets the notification as a CloudEvent ({@code dev.nubo.alert.firing} / {@code .resolved}). */
        record Broker(String name) implements Target {}
    }

    static final String SYNTAX = "write it as FIGURE > THRESHOLD: error_rate > 5%, p99 > 500ms, cold_starts > 10%,"
            + " dead_letters > 0 or crashing > 0";
    private static final Pattern CONDITION = Pattern.compile("\\s*([a-z0-9_]+)\\s*>\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(%|ms|s)?\\s*");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** The rule as stored, checked: a {@link UserError} (400) naming the field when it is not a rule. */
    public static AlertRule parse(AlertRules.Rule stored) {
        requireName("name", stored.name());
        requireName("service", stored.service());
        if (stored.hold().isNegative()) {
            throw UserError.badRequest("alert.bad_for", "for: " + stored.hold() + " is negative", "pass a duration such as 1m, 30s or 0s");
        }
        Matcher m = CONDITION.matcher(stored.condition());
        if (!m.matches()) {
            throw UserError.badRequest("alert.bad_when", "when: '" + stored.condition() + "' is not a condition", SYNTAX);
        }
        Figure figure = figure(m.group(1));
        double threshold = Double.parseDouble(m.group(2));
        String unit = m.group(3) == null ? "" : m.group(3);
        String expected = figure == Figure.P99 ? "ms or s" : figure.unit.isEmpty() ? "no unit" : "%";
        boolean fits = figure == Figure.P99 ? unit.equals("ms") || unit.equals("s") : unit.equals(figure.unit);
        if (!fits) {
            throw UserError.badRequest("alert.bad_when", "when: " + figure.word + " takes " + expected + ", not '" + unit + "'", SYNTAX);
        }
        return new AlertRule(stored.name(), stored.service(), figure, unit.equals("s") ? threshold * 1000 : threshold, stored.hold(),
                target(stored.target()));
    }

    /** {@code error_rate > 5%}: the condition as a person writes it. */
    public String condition() {
        return figure.word + " > " + figure.format(threshold);
    }

    private static Figure figure(String word) {
        for (Figure f : Figure.values()) {
            if (f.word.equals(word)) {
                return f;
            }
        }
        throw UserError.badRequest("alert.bad_when", "when: '" + word + "' is not a figure alerts watch", SYNTAX);
    }

    private static Target target(String text) {
        String hint = "pass an http(s) URL, service:NAME or broker:NAME";
        if (text.startsWith("service:") || text.startsWith("broker:")) {
            String name = text.substring(text.indexOf(':') + 1);
            if (!NAME.matcher(name).matches()) {
                throw UserError.badRequest("alert.bad_notify", "notify: '" + name + "' is not a name", hint);
            }
            return text.startsWith("service:") ? new Target.Service(name) : new Target.Broker(name);
        }
        try {
            URI url = URI.create(text);
            if ((!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) || url.getHost() == null) {
                throw UserError.badRequest("alert.bad_notify", "notify: '" + text + "' is not an http(s) URL, a service or a broker", hint);
            }
            return new Target.Webhook(url);
        } catch (IllegalArgumentException e) {
            throw UserError.badRequest("alert.bad_notify", "notify: '" + text + "' is not a URL", hint);
        }
    }

    private static void requireName(String field, String value) {
        if (!NAME.matcher(value).matches()) {
            throw UserError.badRequest("alert.bad_" + field, field + ": '" + value + "' is not a name",
                    "use lowercase letters, digits and dashes (at most 63)");
        }
    }

    /** {@code 1m} for listings. */
    static String format(Duration d) {
        return Quantities.formatDuration(d);
    }
}
