package dev.nubo.server;

import dev.nubo.gateway.ResilienceFigures;
import dev.nubo.model.Quantities;
import dev.nubo.model.Resilience;
import java.time.Duration;
import java.util.List;

/**
 * A service's {@code resilience:} in {@code GET /v1/services/NAME}: the rules, the breaker's state and
 * why it opened, and the instances ejected now; null fields are rules not set.
 *
 * @param circuitBreaker the breaker's rule, e.g. {@code 5 failures in a row, open 30s}
 * @param state {@code closed}, {@code open} or {@code half-open}
 * @param reason why the breaker opened last
 * @param retryAfter while open, the seconds until a probe may go through
 * @param refusedLastMinute requests answered in the service's place in about the last minute
 * @param fallback what callers get while it is open: {@code 200 application/json} or {@code service NAME}
 * @param outliers the ejection rule, e.g. {@code 5 failures in a row, eject 30s}
 * @param retries the retry rule, e.g. {@code budget 20%}
 */
record ResilienceView(String circuitBreaker, String state, String reason, Integer retryAfter, long opened,
                      long refusedLastMinute, long refusedTotal, String fallback, String outliers,
                      List<Ejected> ejected, long ejectionsTotal, String retries, long retriesTotal, long retriesOverBudget) {

    /** @param secondsLeft until the instance is back in picking; {@code times}: its ejections in a row */
    record Ejected(String instance, long secondsLeft, int times) {}

    static ResilienceView of(ResilienceFigures f) {
        Resilience r = f.rules();
        boolean breaker = r.breaker().on();
        Resilience.Fallback fb = r.fallback();
        String fallback = !fb.any() ? null : fb.service().isEmpty() ? fb.status() + " " + fb.contentType() : "service " + fb.service();
        String outliers = r.outliers().on()
                ? r.outliers().failures() + " failures in a row, eject " + Quantities.formatDuration(r.outliers().ejectFor()) : null;
        return new ResilienceView(breaker ? r.breaker().text() : null, breaker ? f.breaker().state() : null,
                f.breaker().reason().isEmpty() ? null : f.breaker().reason(),
                f.breaker().retryAfter() > 0 ? f.breaker().retryAfter() : null, f.breaker().opened(),
                f.breaker().refusedLastMinute(), f.breaker().refusedTotal(), fallback, outliers,
                f.ejected().stream().map(e -> new Ejected(e.instance(), Duration.ofMillis(e.leftMillis()).toSeconds(), e.times())).toList(),
                f.ejectionsTotal(), r.retries().on() ? "budget " + r.retries().budgetPercent() + "%" : null, f.retries(),
                f.retriesOverBudget());
    }
}
