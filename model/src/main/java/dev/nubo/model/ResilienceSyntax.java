package dev.nubo.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;

/**
 * How {@code resilience:} is written in nubo.yaml, every field optional:
 * <pre>{@code
 * resilience:
 *   circuitBreaker: {failures: 5, errorRate: 50%, minRequests: 10, window: 10s, openFor: 30s}
 *   fallback: {status: 200, body: '{"items": []}', contentType: application/json}   # or {service: NAME}
 *   outliers: {failures: 5, ejectFor: 30s}
 *   retries: {budget: 20%}
 * }</pre>
 * A breaker with neither rule opens after 5 failures in a row; a fallback needs a breaker.
 */
final class ResilienceSyntax {

    private static final List<String> FIELDS = List.of("circuitBreaker", "fallback", "outliers", "retries");
    private static final List<String> BREAKER = List.of("failures", "errorRate", "minRequests", "window", "openFor");
    private static final List<String> FALLBACK = List.of("status", "body", "contentType", "service");
    private static final List<String> OUTLIERS = List.of("failures", "ejectFor");
    private static final String EXAMPLE = "e.g. `resilience: {circuitBreaker: {failures: 5, openFor: 30s}}`";

    private ResilienceSyntax() {}

    static Resilience parse(JsonNode node, String service) {
        if (node == null || node.isNull()) {
            return Resilience.NONE;
        }
        mapping(node, "resilience", FIELDS, EXAMPLE);
        Resilience.Breaker breaker = breaker(node.get("circuitBreaker"));
        Resilience.Fallback fallback = fallback(node.get("fallback"), service);
        if (fallback.any() && !breaker.on()) {
            throw DescriptorParser.invalid("nubo.yaml: `resilience.fallback` needs `resilience.circuitBreaker`",
                    "the fallback answers while the breaker is open; add e.g. `circuitBreaker: {failures: 5}`");
        }
        return new Resilience(breaker, fallback, outliers(node.get("outliers")), retries(node.get("retries")));
    }

    private static Resilience.Retries retries(JsonNode node) {
        if (node == null || node.isNull()) {
            return Resilience.Retries.NONE;
        }
        mapping(node, "resilience.retries", List.of("budget"), "e.g. `retries: {budget: 20%}`");
        int budget = node.hasNonNull("budget") ? percent(node.get("budget"), "resilience.retries.budget",
                "e.g. `budget: 20%`: retries at most a fifth of the requests of the last 10s") : 20;
        return new Resilience.Retries(budget);
    }

    private static Resilience.Breaker breaker(JsonNode node) {
        if (node == null || node.isNull()) {
            return Resilience.Breaker.NONE;
        }
        mapping(node, "resilience.circuitBreaker", BREAKER, "e.g. `circuitBreaker: {failures: 5, window: 10s, openFor: 30s}`");
        int percent = percent(node.get("errorRate"), "resilience.circuitBreaker.errorRate",
                "e.g. `errorRate: 50%`: half the requests within the window failed");
        int failures = whole(node.get("failures"), "resilience.circuitBreaker.failures", percent > 0 ? 0 : 5, 1, 1000,
                "failed requests in a row that open the breaker");
        int minRequests = whole(node.get("minRequests"), "resilience.circuitBreaker.minRequests", 10, 1, 100_000,
                "the requests within the window before errorRate may open the breaker");
        Duration window = duration(node.get("window"), "resilience.circuitBreaker.window", Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofMinutes(10));
        Duration openFor = duration(node.get("openFor"), "resilience.circuitBreaker.openFor", Duration.ofSeconds(30),
                Duration.ofMillis(100), Duration.ofHours(1));
        return new Resilience.Breaker(failures, percent, minRequests, window, openFor);
    }

    private static Resilience.Fallback fallback(JsonNode node, String self) {
        if (node == null || node.isNull()) {
            return Resilience.Fallback.NONE;
        }
        mapping(node, "resilience.fallback", FALLBACK, "e.g. `fallback: {status: 200, body: 'try later'}` or `fallback: {service: NAME}`");
        JsonNode service = node.get("service");
        if (service != null && !service.isNull()) {
            if (node.size() > 1) {
                throw DescriptorParser.invalid("nubo.yaml: `resilience.fallback.service` goes alone",
                        "either send callers to another service or answer with status/body/contentType, not both");
            }
            String name = service.asText();
            if (!service.isTextual() || !DescriptorParser.NAME.matcher(name).matches()) {
                throw DescriptorParser.invalid("nubo.yaml: `resilience.fallback.service` must name a service, found "
                        + DescriptorParser.describe(service), "write the other service's name, e.g. `service: orders-cache`");
            }
            if (name.equals(self)) {
                throw DescriptorParser.invalid("nubo.yaml: `resilience.fallback.service` names this service itself",
                        "name another service, or answer with `status` and `body`");
            }
            return new Resilience.Fallback(0, "", "", name);
        }
        int status = whole(node.get("status"), "resilience.fallback.status", 200, 200, 599, "the status callers get");
        String body = text(node.get("body"), "resilience.fallback.body", "");
        if (body.length() > 64 * 1024) {
            throw DescriptorParser.invalid("nubo.yaml: `resilience.fallback.body` is " + body.length()
                    + " characters, more than 65536", "keep the fallback short; a service can answer with more");
        }
        String type = text(node.get("contentType"), "resilience.fallback.contentType", "text/plain; charset=utf-8");
        return new Resilience.Fallback(status, body, type, "");
    }

    private static Resilience.Outliers outliers(JsonNode node) {
        if (node == null || node.isNull()) {
            return Resilience.Outliers.NONE;
        }
        mapping(node, "resilience.outliers", OUTLIERS, "e.g. `outliers: {failures: 5, ejectFor: 30s}`");
        int failures = whole(node.get("failures"), "resilience.outliers.failures", 5, 1, 1000,
                "failed requests in a row that take an instance out of picking");
        Duration ejectFor = duration(node.get("ejectFor"), "resilience.outliers.ejectFor", Duration.ofSeconds(30),
                Duration.ofMillis(100), Duration.ofHours(1));
        return new Resilience.Outliers(failures, ejectFor);
    }

    private static void mapping(JsonNode node, String path, List<String> fields, String example) {
        if (!node.isObject()) {
            throw DescriptorParser.invalid("nubo.yaml: `" + path + "` must be a mapping, found " + DescriptorParser.describe(node), example);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) {
                throw DescriptorParser.invalid("nubo.yaml: unknown field `" + path + "." + f + "`",
                        path + " takes " + String.join(", ", fields) + "; see docs/DESCRIPTOR.md");
            }
        }
    }

    /** {@code 50%}, or a number of percent. */
    private static int percent(JsonNode node, String path, String example) {
        if (node == null || node.isNull()) {
            return 0;
        }
        String t = node.asText().trim();
        String digits = t.endsWith("%") ? t.substring(0, t.length() - 1).trim() : t;
        if (!(node.isTextual() || node.isIntegralNumber()) || !digits.matches("[0-9]{1,3}")
                || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 100) {
            throw DescriptorParser.invalid("nubo.yaml: `" + path + "` must be a percentage from 1% to 100%, found "
                    + DescriptorParser.describe(node), example);
        }
        return Integer.parseInt(digits);
    }

    private static int whole(JsonNode n, String path, int fallback, int min, int max, String meaning) {
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
            throw DescriptorParser.invalid("nubo.yaml: `" + path + "` must be a whole number from " + min + " to " + max
                    + ", found " + DescriptorParser.describe(n), "e.g. `" + path.substring(path.lastIndexOf('.') + 1) + ": " + min + "`; " + meaning);
        }
        return n.asInt();
    }

    private static Duration duration(JsonNode n, String path, Duration fallback, Duration min, Duration max) {
        return n == null || n.isNull() ? fallback : DescriptorParser.duration(n, path, min, max);
    }

    private static String text(JsonNode n, String path, String fallback) {
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isValueNode() || n.isBinary()) {
            throw DescriptorParser.invalid("nubo.yaml: `" + path + "` must be text, found " + DescriptorParser.describe(n),
                    "quote it, e.g. `body: 'try again soon'`");
        }
        return n.asText();
    }
}
