package dev.nubo.model;

import java.time.Duration;

/**
 * How the gateway protects callers from a failing service and the service from its callers' retries
 * ({@code resilience:} in nubo.yaml): a circuit breaker that answers at once while the service keeps
 * failing, what to answer instead (a fallback), and the ejection of single instances that keep failing.
 *
 * @param breaker when to stop sending requests to the service, and for how long
 * @param fallback what callers get while the breaker is open; {@link Fallback#NONE}: a 503
 * @param outliers when to take one failing instance out of picking while the others serve
 */
public record Resilience(Breaker breaker, Fallback fallback, Outliers outliers, Retries retries) {

    public static final Resilience NONE = new Resilience(Breaker.NONE, Fallback.NONE, Outliers.NONE, Retries.NONE);

    /** Rules without retries. */
    public Resilience(Breaker breaker, Fallback fallback, Outliers outliers) {
        this(breaker, fallback, outliers, Retries.NONE);
    }

    public Resilience {
        java.util.Objects.requireNonNull(retries, "retries; pass Retries.NONE for none");
        java.util.Objects.requireNonNull(breaker, "breaker; pass Breaker.NONE for none");
        java.util.Objects.requireNonNull(fallback, "fallback; pass Fallback.NONE for none");
        java.util.Objects.requireNonNull(outliers, "outliers; pass Outliers.NONE for none");
    }

    public boolean any() {
        return breaker.on() || outliers.on() || retries.on();
    }

    /**
     * An idempotent request without a body (GET, HEAD, PUT, DELETE, OPTIONS, or any with an
     * {@code Idempotency-Key}) that an instance answers 502 or 503 is sent once more, to another
     * instance, while retries stay within {@code budgetPercent} of the requests of the last 10 s (at
     * least 3 in that time), so that retries cannot multiply the load on a failing service.
     */
    public record Retries(int budgetPercent) {
        public static final Retries NONE = new Retries(0);

        public boolean on() {
            return budgetPercent > 0;
        }
    }

    /**
     * Opens after {@code failures} failed requests in a row, or when {@code errorPercent} of at least
     * {@code minRequests} requests within {@code window} failed; stays open for {@code openFor}, then lets
     * one probe through (half-open): its success closes the breaker, its failure opens it again.
     *
     * @param failures failures in a row that open it; 0 for no such rule
     * @param errorPercent the share of failures within the window that opens it; 0 for no such rule
     */
    public record Breaker(int failures, int errorPercent, int minRequests, Duration window, Duration openFor) {
        public static final Breaker NONE = new Breaker(0, 0, 0, Duration.ZERO, Duration.ZERO);

        public boolean on() {
            return failures > 0 || errorPercent > 0;
        }

        /** As nubo.yaml would say it: {@code 5 failures in a row or 50% of 10+ in 10s, open 30s}. */
        public String text() {
            StringBuilder s = new StringBuilder();
            if (failures > 0) {
                s.append(failures).append(" failures in a row");
            }
            if (errorPercent > 0) {
                s.append(s.isEmpty() ? "" : " or ").append(errorPercent).append("% of ").append(minRequests).append("+ in ")
                        .append(Quantities.formatDuration(window));
            }
            return s.append(", open ").append(Quantities.formatDuration(openFor)).toString();
        }
    }

    /**
     * The answer while the breaker is open: a fixed response, or the same request sent to another
     * service ({@code service}, non-empty).
     */
    public record Fallback(int status, String body, String contentType, String service) {
        public static final Fallback NONE = new Fallback(0, "", "", "");

        public boolean any() {
            return status > 0 || !service.isEmpty();
        }
    }

    /**
     * An instance whose {@code failures} requests in a row failed is out of picking for {@code ejectFor},
     * twice as long each time it is ejected again soon after; the last instance serving is never ejected.
     */
    public record Outliers(int failures, Duration ejectFor) {
        public static final Outliers NONE = new Outliers(0, Duration.ZERO);

        public boolean on() {
            return failures > 0;
        }
    }
}
