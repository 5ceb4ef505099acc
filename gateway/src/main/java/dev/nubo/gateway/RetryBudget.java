package dev.nubo.gateway;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.TimeUnit;

/**
 * How many retries a service may have ({@code resilience.retries}): at most {@code percent} of its
 * requests over the last 10 s, and at least {@link #FLOOR} in that time so that a quiet service can
 * retry too. A retry spends from the budget as it is made; a request counts when admitted. This is
 * what keeps retries from multiplying the load on a service that is failing as a whole: its budget
 * runs out within a few requests, and the callers get the instances' 502/503 instead.
 */
final class RetryBudget {

    static final int FLOOR = 3;
    private static final long WINDOW = TimeUnit.SECONDS.toNanos(10);

    private final int percent;
    private final FailureWindow window;   // a request is counted as a success, a retry as a failure
    private final MinuteCount made;
    private final MinuteCount refused;

    RetryBudget(int percent, long now) {
        this.percent = percent;
        this.window = new FailureWindow(WINDOW, now);
        this.made = new MinuteCount(now);
        this.refused = new MinuteCount(now);
    }

    void request(long now) {
        window.add(false, now);
    }

    /** True, spending from the budget, when one more retry fits; else counted as refused. */
    boolean tryRetry(long now) {
        long retries = window.failures(now);
        long requests = window.total(now) - retries;
        if (retries + 1 > Math.max(FLOOR, requests * percent / 100)) {
            refused.add(now);
            return false;
        }
        window.add(true, now);
        made.add(now);
        return true;
    }

    long retriesTotal() {
        return made.total();
    }

    long refusedTotal() {
        return refused.total();
    }

    /**
     * Whether sending {@code request} twice does what sending it once does: GET, HEAD, PUT, DELETE and
     * OPTIONS by their definition (RFC 9110), any other when the caller sent an {@code Idempotency-Key}.
     */
    static boolean idempotent(HttpRequest request) {
        HttpMethod m = request.method();
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE)
                || m.equals(HttpMethod.OPTIONS) || request.headers().contains("Idempotency-Key");
    }
}
