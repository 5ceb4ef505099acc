package dev.nubo.server;

import dev.nubo.model.Quantities;
import dev.nubo.model.UserError;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which log lines {@code nubo logs} wants: written since a time, matching a regular expression, or
 * naming a request id. Lines are {@code TIME INSTANCE STREAM TEXT} as {@link LogHub} renders them.
 * A request id is found in the text because Nubo's runtimes write it into every line a function logs
 * during an invocation (the Java host {@code [ID] }, Node's console and Python's logging Lambda's
 * {@code TIME<tab>ID<tab>LEVEL<tab>}), and the gateway passes the caller's {@code X-Request-Id} to
 * them; an app's lines carry it when the app writes it, or when Nubo attributed the line to the one
 * request the instance was serving ({@code Instances#attributeLines}).
 */
record LogFilter(Optional<Instant> since, Optional<Pattern> grep, Optional<String> request) {

    static final LogFilter ALL = new LogFilter(Optional.empty(), Optional.empty(), Optional.empty());

    /** From the query's {@code since}, {@code grep} and {@code request}; 400 for one it cannot read. */
    static LogFilter of(String since, String grep, String request, Instant now) {
        Optional<Pattern> pattern;
        try {
            pattern = grep == null || grep.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(grep));
        } catch (PatternSyntaxException e) {
            throw UserError.badRequest("logs.bad_grep", "grep=" + grep + " is not a regular expression: " + e.getDescription(),
                    "pass a Java regular expression, e.g. --grep 'ERROR|WARN'; quote it for the shell");
        }
        return new LogFilter(since == null || since.isEmpty() ? Optional.empty() : Optional.of(since(since, now)), pattern,
                request == null || request.isEmpty() ? Optional.empty() : Optional.of(request));
    }

    /** A duration before {@code now} ({@code 10m}, {@code 24h}, {@code 7d}) or an ISO-8601 time. */
    static Instant since(String text, Instant now) {
        String t = text.trim();
        Optional<Duration> ago = age(t);
        if (ago.isPresent()) {
            return now.minus(ago.get());
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw UserError.badRequest("since.bad", "since=" + text + " is neither a duration nor a time",
                    "pass a duration before now (30m, 24h, 7d) or an ISO-8601 time (2026-12-03T00:00:00Z)");
        }
    }

    /** A duration as {@link Quantities#duration} reads it, or whole days ({@code 7d}); empty for anything else. */
    static Optional<Duration> age(String text) {
        String t = text.trim();
        if (t.length() > 1 && t.endsWith("d") && t.substring(0, t.length() - 1).chars().allMatch(Character::isDigit)) {
            return Optional.of(Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1))));
        }
        return Quantities.duration(t);
    }

    boolean everything() {
        return since.isEmpty() && grep.isEmpty() && request.isEmpty();
    }

    boolean matches(String line) {
        if (since.isPresent()) {
            int space = line.indexOf(' ');
            try {
                if (space < 0 || Instant.parse(line.substring(0, space)).isBefore(since.get())) {
                    return false;
                }
            } catch (DateTimeParseException e) {
                return false;
            }
        }
        return request.map(line::contains).orElse(true) && grep.map(p -> p.matcher(line).find()).orElse(true);
    }

    /** A rendered line as JSON fields: {@code time}, {@code instance}, {@code stream}, {@code text}. */
    static Map<String, String> fields(String line) {
        String[] parts = line.split(" ", 4);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("time", parts[0]);
        out.put("instance", parts.length > 1 ? parts[1] : "");
        out.put("stream", parts.length > 2 ? parts[2] : "");
        out.put("text", parts.length > 3 ? parts[3] : "");
        return out;
    }
}
