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

    private static final List<String> FIELDS = List.of("rate", "burst", "perClient", "concurrency", "paths");
    private static final Pattern PATH_KEY = Pattern.compile("(?:(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) +)?(/[^\\s?#]*)");
    private static final Pattern RATE = Pattern.compile("([0-9]{1,7}(?:\\.[0-9]{1,3})?)\\s*/\\s*(s|m)");
    private static final String RATE_FORM = "write a count per second or per minute, e.g. `rate: 100/s` or `rate: 30/m`";

    private LimitsSyntax() {}

    static Descriptor.Limits parse(JsonNode node) {
        return parse(node, "limits", true);
    }

    /** @param at where the mapping sits, for messages: {@code limits}, or {@code limits.paths./search} */
    private static Descriptor.Limits parse(JsonNode node, String at, boolean top) {
        if (node == null || node.isNull()) {
            return Descriptor.Limits.NONE;
        }
        if (!node.isObject()) {
            throw DescriptorParser.invalid("nubo.yaml: `" + at + "` must be a mapping, found " + DescriptorParser.describe(node),
                    "e.g. `limits: {rate: 100/s, burst: 200, concurrency: 50}`");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f) || (!top && f.equals("paths"))) {
                throw DescriptorParser.invalid("nubo.yaml: unknown field `" + at + "." + f + "`",
                        at + " takes rate, burst, perClient, concurrency" + (top ? " and paths" : "") + "; see docs/DESCRIPTOR.md");
            }
        }
        double rate = rate(node.get("rate"), at);
        int burst = whole(node.get("burst"), at + ".burst", rate == 0 ? 0 : (int) Math.max(1, Math.ceil(rate)), 1, 1_000_000,
                "the requests that may come at once after a quiet spell");
        if (node.hasNonNull("burst") && rate == 0) {
            throw DescriptorParser.invalid("nubo.yaml: `" + at + ".burst` needs `" + at + ".rate`", "add a rate, e.g. `rate: 100/s`");
        }
        JsonNode perClient = node.get("perClient");
        if (perClient != null && !perClient.isNull() && !perClient.isBoolean()) {
            throw DescriptorParser.invalid("nubo.yaml: `" + at + ".perClient` must be true or false, found "
                    + DescriptorParser.describe(perClient), "`perClient: true` gives each caller address a bucket of its own");
        }
        boolean byClient = perClient != null && perClient.asBoolean();
        if (byClient && rate == 0) {
            throw DescriptorParser.invalid("nubo.yaml: `" + at + ".perClient` needs `" + at + ".rate`", "add a rate, e.g. `rate: 10/s`");
        }
        int concurrency = whole(node.get("concurrency"), at + ".concurrency", 0, 1, 100_000,
                "the most requests in flight to the service at once");
        return new Descriptor.Limits(rate, burst, byClient, concurrency, top ? paths(node.get("paths")) : java.util.Map.of());
    }

    /** {@code paths: {"/search": {rate: 10/s}, "POST /orders": {concurrency: 5}}}: limits of their own for some requests. */
    private static java.util.Map<String, Descriptor.Limits> paths(JsonNode node) {
        if (node == null || node.isNull()) {
            return java.util.Map.of();
        }
        if (!node.isObject()) {
            throw DescriptorParser.invalid("nubo.yaml: `limits.paths` must be a mapping, found " + DescriptorParser.describe(node),
                    "key each entry by a path prefix, optionally after a method: `paths: {\"/search\": {rate: 10/s}, \"POST /orders\": {concurrency: 5}}`");
        }
        java.util.Map<String, Descriptor.Limits> out = new java.util.LinkedHashMap<>();
        for (Iterator<java.util.Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, JsonNode> e = it.next();
            Matcher m = PATH_KEY.matcher(e.getKey().trim());
            if (!m.matches()) {
                throw DescriptorParser.invalid("nubo.yaml: `limits.paths` key '" + e.getKey() + "' must be a path prefix, optionally after a method",
                        "e.g. \"/search\" or \"POST /orders\" (GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS)");
            }
            String key = (m.group(1) == null ? "" : m.group(1) + " ") + m.group(2);
            Descriptor.Limits limits = parse(e.getValue(), "limits.paths." + key, false);
            if (!limits.any()) {
                throw DescriptorParser.invalid("nubo.yaml: `limits.paths." + key + "` sets no limit", "give it a rate or a concurrency, e.g. `{rate: 10/s}`");
            }
            out.put(key, limits);
        }
        return out;
    }

    private static double rate(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return 0;
        }
        Matcher m = RATE.matcher(node.asText().trim());
        if (!node.isTextual() || !m.matches()) {
            throw DescriptorParser.invalid("nubo.yaml: `" + at + ".rate` must be a count per time, found "
                    + DescriptorParser.describe(node), RATE_FORM);
        }
        double perSecond = Double.parseDouble(m.group(1)) / (m.group(2).equals("s") ? 1 : 60);
        if (perSecond <= 0) {
            throw DescriptorParser.invalid("nubo.yaml: `" + at + ".rate` must be above 0 (got '" + node.asText() + "')",
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
                    + ", found " + DescriptorParser.describe(n), "e.g. `" + path.substring(path.lastIndexOf('.') + 1) + ": 50`; " + meaning);
        }
        return n.asInt();
    }
}
