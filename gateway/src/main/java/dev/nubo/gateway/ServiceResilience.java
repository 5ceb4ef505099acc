package dev.nubo.gateway;

import dev.nubo.model.Resilience;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One service's {@code resilience:} as the gateway applies it: its {@link CircuitBreaker}, what a
 * caller gets while it is open (a 503 naming the service and why, or the fallback), and the ejection
 * of instances that keep failing ({@link Ejection}, kept with each instance's slots). Like
 * {@link ServiceLimiter}, it lives across route tables and is replaced only when the rules change.
 *
 * <p>A request counts for the breaker once, however it ends: a 5xx from an instance, the gateway's
 * own 502 (the instance broke off), 503 (no instance took it in time) and 504 (no answer in time) are
 * failures. For ejection, each instance counts what happened to it: a connection it would not take
 * fails it even when another instance then served the request.
 */
final class ServiceResilience {

    /** The header a fallback answer carries, so that a caller (and a test) can tell it from the service's. */
    static final String FALLBACK_HEADER = "Nubo-Fallback";

    private static final java.util.function.BooleanSupplier NOT_ASKED = () -> true;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ServiceResilience.class);

    private final String service;
    private final Resilience rules;
    private final CircuitBreaker breaker;       // null: no breaker
    private final RetryBudget retries;          // null: no retries
    private final byte[] fallbackBody;
    private final AtomicLong ejections = new AtomicLong();
    private final java.util.function.LongSupplier clock;   // the breaker's; ejections go by System.nanoTime(), as picking does

    ServiceResilience(String service, Resilience rules, java.util.function.LongSupplier clock) {
        this.service = service;
        this.rules = rules;
        this.clock = clock;
        long now = clock.getAsLong();
        this.breaker = rules.breaker().on() ? new CircuitBreaker(service, rules.breaker(), now) : null;
        this.retries = rules.retries().on() ? new RetryBudget(rules.retries().budgetPercent(), now) : null;
        this.fallbackBody = rules.fallback().body().getBytes(StandardCharsets.UTF_8);
    }

    Resilience rules() {
        return rules;
    }

    /** {@link CircuitBreaker#PASSED}, {@link CircuitBreaker#PROBE} or {@link CircuitBreaker#REFUSED}. */
    int admit(long now) {
        int pass = breaker == null ? CircuitBreaker.PASSED : breaker.admit(now);
        if (retries != null && pass != CircuitBreaker.REFUSED) {
            retries.request(now);
        }
        return pass;
    }

    /**
     * Whether a request an instance answered {@code status} may go to another instance instead: only
     * 502 and 503, only when the rules allow retries, only for a request that is safe to send twice
     * and whose body (it has none) need not be read again, and only within the budget, which it spends.
     */
    boolean mayRetry(int status, HttpRequest request, boolean bodiless) {
        return retries != null && (status == 502 || status == 503) && bodiless && RetryBudget.idempotent(request)
                && retries.tryRetry(clock.getAsLong());
    }

    /** The service a refused request goes to instead; empty when it is answered here. */
    String fallbackService() {
        return rules.fallback().service();
    }

    /** Answers a request the open breaker refused: the fixed fallback, or a 503 with Retry-After. */
    void refuse(Exchange exchange, long now) {
        Resilience.Fallback f = rules.fallback();
        if (f.status() > 0) {
            FullHttpResponse response = new DefaultFullHttpResponse(exchange.request().protocolVersion(),
                    HttpResponseStatus.valueOf(f.status()), Unpooled.wrappedBuffer(fallbackBody));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, fallbackBody.length)
                    .set(FALLBACK_HEADER, "circuit-open");
            exchange.replyWhole(response, "fallback: circuit open");
            return;
        }
        exchange.reject(GatewayError.circuitOpen(service, breaker.state() == CircuitBreaker.State.HALF_OPEN, breaker.reason(),
                breaker.retryAfter(now)));
    }

    /** A request admitted with {@code pass} ended with {@code status} (from {@code instance}, if one answered). */
    void ended(int status, int pass, String instance) {
        if (breaker != null) {
            breaker.record(status, pass, instance, clock.getAsLong());
        }
    }

    /**
     * What happened to one instance of {@code target}: it answered {@code status} (the gateway's own
     * 502, 503 or 504 when it did not). Ejects it after too many failures while another instance serves.
     */
    void instanceEnded(Upstream upstream, Target target, int status, long now) {
        Resilience.Outliers rule = rules.outliers();
        if (!rule.on() || status == 499) {
            return;
        }
        boolean failed = status >= 500 && status != 501 && status != 505;
        java.util.function.BooleanSupplier othersServe = failed ? () -> target.othersServe(upstream, now) : NOT_ASKED;  // no lambda per success
        if (upstream.ejection().record(failed, rule, now, othersServe)) {
            ejections.incrementAndGet();
            log.warn("{}: instance {} ejected for {} after {} failed requests in a row (ejection {} in a row)", service, upstream.instanceId(),
                    dev.nubo.model.Quantities.formatDuration(java.time.Duration.ofNanos(upstream.ejection().leftNanos(now))), rule.failures(),
                    upstream.ejection().times());
        }
    }

    /** @param now for the ejections, {@link System#nanoTime()} */
    ResilienceFigures figures(Iterable<Target> targets, long now) {
        List<ResilienceFigures.Ejected> ejected = new ArrayList<>();
        for (Target t : targets) {
            for (Upstream u : t.upstreams()) {
                if (u.ejection().out(now)) {
                    ejected.add(new ResilienceFigures.Ejected(u.instanceId(), u.ejection().leftNanos(now) / 1_000_000, u.ejection().times()));
                }
            }
        }
        BreakerFigures b = breaker == null
                ? new BreakerFigures(Resilience.Breaker.NONE, "none", "", 0, 0, 0, 0, 0)
                : breaker.figures(clock.getAsLong());
        return new ResilienceFigures(rules, b, ejected, ejections.get(), retries == null ? 0 : retries.retriesTotal(),
                retries == null ? 0 : retries.refusedTotal());
    }
}
