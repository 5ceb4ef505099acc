package dev.nubo.gateway;

import dev.nubo.model.Descriptor;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One service's {@code limits:} as the gateway enforces them, before a request is held or forwarded:
 * a token bucket (one for the service, or one per caller address with {@code perClient}) whose
 * refusals answer 429, and a cap on the service's requests in flight whose refusals answer 503. Both
 * carry Retry-After. It lives across route tables (a table is republished whenever an instance comes
 * or goes) and is replaced only when the limits change.
 *
 * <p>A request over the concurrency cap is refused at once rather than held: the gateway already
 * holds requests per revision while instances start or are full (scale.queue), and a concurrency
 * limit is there to shed load the service said it cannot take, so waiting in a second queue would
 * only turn a quick 503 into a slow one.
 *
 * <pre>{@code
 * Optional<GatewayError> refused = limiter.admit(clientAddress, System.nanoTime());
 * // ...if admitted, limiter.release() once the exchange ends
 * }</pre>
 */
final class ServiceLimiter {

    /** Per-client buckets kept at most; beyond it, idle ones are dropped and new callers share one bucket. */
    static final int MAX_CLIENTS = 10_000;

    private final String service;
    private final Descriptor.Limits limits;
    private final TokenBucket shared;       // the service's bucket, or with perClient the one callers share past MAX_CLIENTS
    private final ConcurrentHashMap<String, TokenBucket> clients = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final MinuteCount overRate;
    private final MinuteCount overConcurrency;
    private final PathLimit[] paths;        // limits.paths, longest prefix first; empty for most services

    /** A {@code limits.paths} entry: requests whose method (if given) and path prefix match have these limits too. */
    private record PathLimit(String key, String method, String prefix, ServiceLimiter limiter) {
        boolean matches(String requestMethod, String path) {
            return (method.isEmpty() || method.equals(requestMethod))
                    && (prefix.equals("/") || path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/'));
        }
    }

    ServiceLimiter(String service, Descriptor.Limits limits, long now) {
        this.service = service;
        this.limits = limits;
        this.paths = limits.paths().entrySet().stream()
                .map(e -> {
                    int space = e.getKey().indexOf(' ');
                    return new PathLimit(e.getKey(), space < 0 ? "" : e.getKey().substring(0, space), e.getKey().substring(space + 1),
                            new ServiceLimiter(service + " on " + e.getKey(), e.getValue(), now));
                })
                .sorted(java.util.Comparator.comparingInt((PathLimit p) -> -p.prefix().length()).thenComparing(p -> p.method().isEmpty()))
                .toArray(PathLimit[]::new);
        this.shared = limits.rate() > 0 ? new TokenBucket(limits.rate(), limits.burst(), now) : null;
        this.overRate = new MinuteCount(now);
        this.overConcurrency = new MinuteCount(now);
    }

    Descriptor.Limits limits() {
        return limits;
    }

    /**
     * Admits a request from {@code client} (an address, for per-client buckets) or refuses it. An
     * admitted request counts toward the concurrency cap until {@link #release()}; a refused one does not.
     */
    Optional<GatewayError> admit(String client, long now) {
        int cap = limits.concurrency();
        if (cap > 0 && inFlight.incrementAndGet() > cap) {
            inFlight.decrementAndGet();
            overConcurrency.add(now);
            return Optional.of(GatewayError.overConcurrency(service, cap));
        }
        if (shared != null) {
            long wait = bucket(client, now).take(now);
            if (wait > 0) {
                if (cap > 0) {
                    inFlight.decrementAndGet();
                }
                overRate.add(now);
                return Optional.of(GatewayError.overRate(service, limits, seconds(wait)));
            }
        }
        return Optional.empty();
    }

    /** The limiter of the {@code limits.paths} entry that applies to a request, or null (as for most requests). */
    ServiceLimiter onPath(String method, String path) {
        for (PathLimit p : paths) {
            if (p.matches(method, path)) {
                return p.limiter();
            }
        }
        return null;
    }

    boolean hasPaths() {
        return paths.length > 0;
    }

    /** An admitted request ended. */
    void release() {
        if (limits.concurrency() > 0) {
            inFlight.decrementAndGet();
        }
    }

    LimitFigures figures(long now) {
        java.util.Map<String, LimitFigures> byPath = new java.util.LinkedHashMap<>();
        limits.paths().keySet().forEach(key -> {
            for (PathLimit p : paths) {
                if (p.key().equals(key)) {
                    byPath.put(key, p.limiter().figures(now));
                }
            }
        });
        return new LimitFigures(limits, inFlight.get(), overRate.lastMinute(now), overConcurrency.lastMinute(now),
                overRate.total(), overConcurrency.total(), byPath);
    }

    private TokenBucket bucket(String client, long now) {
        if (!limits.perClient()) {
            return shared;
        }
        TokenBucket own = clients.get(client);
        if (own != null) {
            return own;
        }
        if (clients.size() >= MAX_CLIENTS) {
            // A full bucket is the same as a new one, so dropping those forgets nothing a caller could notice.
            clients.values().removeIf(b -> b.full(now));
            if (clients.size() >= MAX_CLIENTS) {
                return shared;
            }
        }
        TokenBucket fresh = new TokenBucket(limits.rate(), limits.burst(), now);
        own = clients.putIfAbsent(client, fresh);
        return own == null ? fresh : own;
    }

    /** Whole seconds for Retry-After, rounded up: a caller that waits that long finds a token. */
    private static int seconds(long nanos) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1)));
    }
}
