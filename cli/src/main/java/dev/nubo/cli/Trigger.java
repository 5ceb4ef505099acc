package dev.nubo.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A trigger as the API describes it ({@code GET /v1/triggers/{name}}): the events of {@code broker}
 * that pass every filter go to {@code to} (e.g. {@code service:orders/events}), delivered as
 * {@code delivery} says, with at most {@code maxPending} waiting at once. Absent values arrive as JSON
 * null and are made empty here; {@code maxPending} and {@code status} stay null for a server that
 * does not send them.
 */
record Trigger(String name, String broker, List<Filter> filters, String to, Delivery delivery, Integer maxPending,
        Instant createdAt, Stats stats, Status status) {

    Trigger {
        broker = orEmpty(broker);
        filters = filters == null ? List.of() : filters;
        to = orEmpty(to);
        delivery = delivery == null ? new Delivery(null, null, null, null, null) : delivery;
        stats = stats == null ? new Stats(0, 0, 0) : stats;
    }

    /** {@code type=order.created, source^=/shop}, as the server writes filters; empty for none. */
    String filterText() {
        return filters.stream().map(Filter::text).collect(Collectors.joining(", "));
    }

    /** {@code match} is exact, prefix or suffix. */
    record Filter(String attribute, String match, String value) {

        /** {@code type=order.created}, {@code source^=/shop}, {@code subject$=.png}. */
        String text() {
            String operator = switch (orEmpty(match).toLowerCase(Locale.ROOT)) {
                case "prefix" -> "^=";
                case "suffix" -> "$=";
                default -> "=";
            };
            return attribute + operator + orEmpty(value);
        }
    }

    /** Each value is null when the server did not say; durations are as written: 200ms, 1m. */
    record Delivery(Integer attempts, String backoff, String maxBackoff, String timeout, String deadLetter) {

        /** {@code 5 attempts of at most 30s, 200ms apart doubling up to 1m; then to dead-letters}. */
        String text() {
            List<String> parts = new ArrayList<>();
            if (attempts != null) {
                parts.add(Human.count(attempts, "attempt")
                        + (timeout == null ? "" : " of at most " + timeout));
            } else if (timeout != null) {
                parts.add("at most " + timeout + " per attempt");
            }
            if (backoff != null) {
                parts.add(backoff + " apart doubling" + (maxBackoff == null ? "" : " up to " + maxBackoff));
            }
            String then = deadLetter == null ? "" : "; then to " + deadLetter;
            return (parts.isEmpty() ? "the server's defaults" : String.join(", ", parts)) + then;
        }
    }

    /** Events matched so far: waiting to be delivered, delivered, and given up on. */
    record Stats(long pending, long delivered, long deadLettered) {}

    /** {@code ok}, or {@code backlog-full} with what that means for new events. */
    record Status(String state, String message) {

        boolean backlogFull() {
            return "backlog-full".equals(state);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
