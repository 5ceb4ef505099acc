package dev.nubo.gateway;

import dev.nubo.model.Resilience;

/**
 * A service's circuit breaker as {@code nubo describe} shows it ({@link Gateway#breaker}).
 *
 * @param state {@code closed}, {@code open} or {@code half-open}
 * @param reason why it opened last; empty if it never has
 * @param forMillis how long it has been in that state
 * @param retryAfter while open, the seconds until a probe may go through; else 0
 * @param opened how often it opened since the rule was set
 * @param refusedLastMinute requests answered at once (503 or the fallback) in about the last minute
 */
public record BreakerFigures(Resilience.Breaker rule, String state, String reason, long forMillis, int retryAfter,
                             long opened, long refusedLastMinute, long refusedTotal) {}
