package dev.nubo.gateway;

import dev.nubo.model.Descriptor;

/**
 * A service's limits as the gateway enforces them now ({@link Gateway#limits}), with what they did:
 * requests in flight, and refusals in about the last minute and since the limits were set (a change of
 * limits starts the counts afresh).
 *
 * @param overRate requests answered 429 in about the last minute
 * @param overConcurrency requests answered 503 in about the last minute
 * @param paths the figures of each {@code limits.paths} entry, by its key ({@code /search}, {@code POST /orders})
 */
public record LimitFigures(Descriptor.Limits limits, int inFlight, long overRate, long overConcurrency,
                           long overRateTotal, long overConcurrencyTotal, java.util.Map<String, LimitFigures> paths) {

    public LimitFigures(Descriptor.Limits limits, int inFlight, long overRate, long overConcurrency, long overRateTotal,
                        long overConcurrencyTotal) {
        this(limits, inFlight, overRate, overConcurrency, overRateTotal, overConcurrencyTotal, java.util.Map.of());
    }
}
