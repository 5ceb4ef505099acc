package dev.nubo.gateway;

import dev.nubo.model.Resilience;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One service's circuit breaker ({@code resilience.circuitBreaker}): closed, it lets every request
 * through and counts failures (5xx answers, connections the instances would not take, timeouts); after
 * too many it opens, and for {@code openFor} the gateway answers at once instead of sending more
 * requests to a service that is down (503 with Retry-After, or the fallback). Then it is half-open:
 * one request at a time goes through as a probe; a success closes the breaker, a failure opens it again.
 *
 * <pre>{@code
 * int pass = breaker.admit(now);            // REFUSED, PASSED or PROBE
 * // ...when the exchange ends:
 * breaker.record(status, pass == PROBE, now);
 * }</pre>
 *
 * <p>Closed, admitting reads one volatile field and recording a success touches two counters: the cost
 * is the same whether the breaker ever opens. Transitions take the lock; they are rare.
 */
final class CircuitBreaker {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CircuitBreaker.class);

    static final int REFUSED = 0;
    static final int PASSED = 1;
    static final int PROBE = 2;

    enum State { CLOSED, OPEN, HALF_OPEN }

    private final String service;
    private final Resilience.Breaker rule;
    private final FailureWindow window;
    private final AtomicInteger inARow = new AtomicInteger();
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicLong opened = new AtomicLong();
    private final MinuteCount refused;
    private volatile State state = State.CLOSED;
    private volatile long openUntil;
    private volatile long since;
    private volatile String reason = "";

    CircuitBreaker(String service, Resilience.Breaker rule, long now) {
        this.service = service;
        this.rule = rule;
        this.window = new FailureWindow(rule.window().toNanos(), now);
        this.refused = new MinuteCount(now);
        this.since = now;
    }

    Resilience.Breaker rule() {
        return rule;
    }

    /** {@link #PASSED}, {@link #PROBE} (half-open: this request decides), or {@link #REFUSED} (counted). */
    int admit(long now) {
        State s = state;
        if (s == State.CLOSED) {
            return PASSED;
        }
        if (s == State.OPEN && now - openUntil >= 0) {
            halfOpen(now);
        }
        if (state == State.HALF_OPEN && probing.compareAndSet(false, true)) {
            return PROBE;
        }
        refused.add(now);
        return REFUSED;
    }

    /**
     * A request admitted with {@code pass} ended with {@code status}: 5xx is a failure (the gateway's
     * own 502, 503 and 504 included), 499 (the caller left) says nothing either way.
     */
    void record(int status, int pass, String instance, long now) {
        boolean failed = status >= 500 && status != 501 && status != 505;
        if (pass == PROBE) {
            if (status == 499) {
                probing.set(false);  // undecided: the next request probes
            } else if (failed) {
                open("the probe failed with " + status + from(instance), now);
            } else {
                close(now);
            }
            return;
        }
        if (state != State.CLOSED || status == 499) {
            return;  // admitted before it opened: the breaker has moved on
        }
        if (!failed) {
            if (inARow.get() != 0) {
                inARow.set(0);
            }
            if (rule.errorPercent() > 0) {
                window.add(false, now);
            }
            return;
        }
        int run = inARow.incrementAndGet();
        if (rule.failures() > 0 && run >= rule.failures()) {
            open(run + " requests in a row failed, the last with " + status + from(instance), now);
            return;
        }
        if (rule.errorPercent() > 0) {
            window.add(true, now);
            long total = window.total(now);
            long failures = window.failures(now);
            if (total >= rule.minRequests() && failures * 100 >= total * rule.errorPercent()) {
                open(failures + " of " + total + " requests within " + dev.nubo.model.Quantities.formatDuration(rule.window())
                        + " failed, the last with " + status + from(instance), now);
            }
        }
    }

    /** Seconds until a probe may go through: for Retry-After, at least 1. */
    int retryAfter(long now) {
        long left = openUntil - now;
        return (int) Math.max(1, (left + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    }

    State state() {
        return state;
    }

    /** Why it opened last; empty until it has. */
    String reason() {
        return reason;
    }

    BreakerFigures figures(long now) {
        return new BreakerFigures(rule, state.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), reason,
                (now - since) / 1_000_000, state == State.OPEN ? retryAfter(now) : 0, opened.get(),
                refused.lastMinute(now), refused.total());
    }

    private synchronized void open(String why, long now) {
        reason = why;
        openUntil = now + rule.openFor().toNanos();
        since = now;
        opened.incrementAndGet();
        state = State.OPEN;
        probing.set(false);
        log.warn("{}'s circuit breaker opened for {}: {}", service, dev.nubo.model.Quantities.formatDuration(rule.openFor()), why);
    }

    private synchronized void halfOpen(long now) {
        if (state == State.OPEN && now - openUntil >= 0) {
            since = now;
            state = State.HALF_OPEN;
        }
    }

    private synchronized void close(long now) {
        inARow.set(0);
        window.clear();
        since = now;
        state = State.CLOSED;
        probing.set(false);
        log.info("{}'s circuit breaker closed: a probe succeeded", service);
    }

    private static String from(String instance) {
        return instance == null || instance.isEmpty() ? "" : " from " + instance;
    }

    @Override
    public String toString() {
        return service + " breaker " + state;
    }
}
