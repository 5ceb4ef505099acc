package dev.nubo.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@code limits:} is written in nubo.yaml: {@code limits: {rate: 100/s, burst: 200, perClient: true,
 * concurrency: 50}}, every field optional. A rate is a count per second ({@code /s}) or per minute
 * ({@code /m}); {@code burst} defaults to one second's worth of the rate (at least 1).
 */
final class LimitsSyntax {

    private static final List<String> FIELDS = List.of("rate", "burst", "perClient", "concurrency");
    private static final Pattern RATE = Pattern.compile("([0-9]{1,7}(?:\\.[0-9]{1,3})?)\\s*/\\s*(s|m)");
    private static final String RATE_FORM = "write a count per second or per minute, e.g. `rate: 100/s` or `rate: 30/m`";

    private LimitsSyntax() {}

    static Descriptor.Limits parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return Descriptor.Limits.NONE;
        }
        if (!node.isObject()) {
            throw DescriptorParser.invalid("nubo.yaml: `limits` must be a mapping, found " + DescriptorParser.describe(node),
                    "e.g. `limits: {rate: 100/s, burst: 200, concurrency: 50}`");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw DescriptorParser.invalid("nubo.yaml: unknown field `limits." + f + "`",
                        "limits takes rate, burst, perClient and concurrency; see docs/DESCRIPTOR.md");
            }
        }
        double rate = rate(node.get("rate"));
        int burst = whole(node.get("burst"), "limits.burst", rate == 0 ? 0 : (int) Math.max(1, Math.ceil(rate)), 1, 1_000_000,
                "the requests that may come at once after a quiet spell");
        if (node.hasNonNull("burst") && rate == 0) {
            throw DescriptorParser.invalid("nubo.yaml: `limits.burst` needs `limits.rate`", "add a rate, e.g. `rate: 100/s`");
        }
        JsonNode perClient = node.get("perClient");
        if (perClient != null && !perClient.isNull() && !perClient.isBoolean()) {
            throw DescriptorParser.invalid("nubo.yaml: `limits.perClient` must be true or false, found "
                    + DescriptorParser.describe(perClient), "`perClient: true` gives each caller address a bucket of its own");
        }
        boolean byClient = perClient != null && perClient.asBoolean();
        if (byClient && rate == 0) {
            throw DescriptorParser.invalid("nubo.yaml: `limits.perClient` needs `limits.rate`", "add a rate, e.g. `rate: 10/s`");
        }
        int concurrency = whole(node.get("concurrency"), "limits.concurrency", 0, 1, 100_000,
                "the most requests in flight to the service at once");
        return new Descriptor.Limits(rate, burst, byClient, concurrency);
    }

    private static double rate(JsonNode node) {
        if (node == null || node.isNull()) {
            return 0;
        }
        Matcher m = RATE.matcher(node.asText().trim());
        if (!node.isTextual() || !m.matches()) {
            throw DescriptorParser.invalid("nubo.yaml: `limits.rate` must be a count per time, found "
                    + DescriptorParser.describe(node), RATE_FORM);
        }
        double perSecond = Double.parseDouble(m.group(1)) / (m.group(2).equals("s") ? 1 : 60);
        if (perSecond <= 0) {
            throw DescriptorParser.invalid("nubo.yaml: `limits.rate` must be above 0 (got '" + node.asText() + "')",
                    RATE_FORM + "; leave rate out for no limit");
        }
        return perSecond;
    }

    private static int whole(JsonNode n, String path, int fallback, int min, int max, String meaning) {
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
            throw DescriptorParser.invalid("nubo.yaml: `" + path + "` must be a whole number from " + min + " to " + max
                    + ", found " + DescriptorParser.describe(n), "e.g. `" + path.substring(path.indexOf('.') + 1) + ": 50`; " + meaning);
        }
        return n.asInt();
    }
}
