package dev.nubo.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A service's {@code resilience:} as {@code GET /v1/services/NAME} reports it: its circuit breaker's
 * state and why, and the instances the gateway ejected for failing. Absent (JSON null) when the
 * service sets no resilience rules; then {@code nubo describe} prints nothing about it.
 */
record ResilienceState(String circuitBreaker, String state, String reason, Integer retryAfter, long opened,
                       long refusedLastMinute, long refusedTotal, String fallback, String outliers,
                       List<Ejected> ejected, long ejectionsTotal, String retries, long retriesTotal, long retriesOverBudget) {

    static final ResilienceState NONE = new ResilienceState(null, null, null, null, 0, 0, 0, null, null, null, 0, null, 0, 0);

    record Ejected(String instance, long secondsLeft, int times) {}

    ResilienceState {
        circuitBreaker = circuitBreaker == null ? "" : circuitBreaker;
        state = state == null ? "" : state;
        reason = reason == null ? "" : reason;
        retryAfter = retryAfter == null ? 0 : retryAfter;
        fallback = fallback == null ? "" : fallback;
        outliers = outliers == null ? "" : outliers;
        ejected = ejected == null ? List.of() : ejected;
        retries = retries == null ? "" : retries;
    }

    /**
     * {@code Breaker:} and {@code Ejection:} lines for describe, e.g. {@code Breaker:   open for 27s more —
     * 5 requests in a row failed, the last with 503 (5 failures in a row, open 30s; fallback 200
     * text/plain); 12 answered in its place in the last minute}; none when nothing is set.
     */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        if (!circuitBreaker.isEmpty()) {
            String now = state.equals("open") ? "open for " + retryAfter + "s more" : state;
            out.add("Breaker:   " + now + (reason.isEmpty() ? "" : " — " + (state.equals("closed") ? "last opened: " : "") + reason)
                    + " (" + circuitBreaker + (fallback.isEmpty() ? "" : "; fallback " + fallback) + "); "
                    + (refusedLastMinute == 0 ? "none" : Long.toString(refusedLastMinute)) + " answered in its place in the last minute");
        }
        if (!outliers.isEmpty()) {
            List<String> out2 = ejected.stream().map(e -> e.instance() + " (" + e.secondsLeft() + "s left, ejection " + e.times() + " in a row)").toList();
            out.add("Ejection:  " + (out2.isEmpty() ? "no instance ejected" : "ejected " + String.join(", ", out2))
                    + " (" + outliers + "); " + ejectionsTotal + " ejection(s) in all");
        }
        if (!retries.isEmpty()) {
            out.add("Retries:   " + retriesTotal + " sent to another instance, " + retriesOverBudget + " over the budget (" + retries + ")");
        }
        return out;
    }
}
