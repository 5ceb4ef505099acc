package dev.nubo.gateway;

import dev.nubo.model.Resilience;
import java.util.List;

/**
 * A service's {@code resilience:} as the gateway applies it now ({@link Gateway#resilience}): the
 * breaker's state, and the instances out of picking.
 *
 * @param breaker the breaker's state; {@code none} when the rules set no breaker
 * @param ejected the instances ejected now
 * @param ejectionsTotal how often an instance was ejected since the rules were set
 * @param retries requests sent to another instance after a 502 or 503, since the rules were set
 * @param retriesOverBudget retries the budget refused (the caller got the 502 or 503)
 */
public record ResilienceFigures(Resilience rules, BreakerFigures breaker, List<Ejected> ejected, long ejectionsTotal,
                                long retries, long retriesOverBudget) {

    public ResilienceFigures {
        ejected = List.copyOf(ejected);
    }

    /** @param times its ejections in a row: each lasts twice as long as the one before */
    public record Ejected(String instance, long leftMillis, int times) {}
}
