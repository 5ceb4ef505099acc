package dev.nubo.registry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long a Spring Cloud client may still call an instance after it left the registry, and the
 * environment that makes it so. A client holds what it fetched until its next fetch
 * ({@code eureka.client.registry-fetch-interval-seconds}, 30 s by default), and Spring Cloud
 * LoadBalancer holds what it read from that for its cache's time to live
 * ({@code spring.cloud.loadbalancer.cache.ttl}, 35 s by default): Nubo sets both in every instance's
 * environment, so that an instance it stops need only keep serving for {@link #bound()} after the
 * last fetch that could have listed it.
 *
 * <pre>{@code
 * ClientCaches caches = ClientCaches.DEFAULTS;    // fetch every 5 s, balancer cache 5 s
 * caches.environment();                          // EUREKA_CLIENT_REGISTRYFETCHINTERVALSECONDS=5, ...
 * caches.bound();                                // 15 s
 * }</pre>
 *
 * @param fetchInterval how often clients fetch the registry (whole seconds, as the client takes it)
 * @param balancerTtl   how long Spring Cloud LoadBalancer caches the instances it read
 */
public record ClientCaches(Duration fetchInterval, Duration balancerTtl) {

    public static final ClientCaches DEFAULTS = new ClientCaches(Duration.ofSeconds(5), Duration.ofSeconds(5));

    public ClientCaches {
        if (fetchInterval.toSeconds() < 1 || fetchInterval.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("the registry's fetch interval must be whole seconds, 1 s or more (got "
                    + fetchInterval.toMillis() + " ms): the Eureka client takes it in seconds");
        }
        if (balancerTtl.isNegative() || balancerTtl.isZero()) {
            throw new IllegalArgumentException("the load balancer's cache time to live must be positive (got " + balancerTtl.toMillis() + " ms)");
        }
    }

    /** Both, from one refresh period: clients fetch every {@code refresh} and cache for as long. */
    public static ClientCaches every(Duration refresh) {
        return new ClientCaches(refresh, refresh);
    }

    /**
     * How long after its last fetch a client may still pick an instance that fetch listed: until
     * its next fetch, then the balancer's cache filled just before it, and one more fetch interval
     * for a fetch that ran late (the client schedules the next one after the last has answered).
     */
    public Duration bound() {
        return fetchInterval.multipliedBy(2).plus(balancerTtl);
    }

    /**
     * The variables, as Spring's relaxed binding reads them into the two properties: an app's
     * {@code env:} in nubo.yaml, or its own command-line arguments, still win.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("EUREKA_CLIENT_REGISTRYFETCHINTERVALSECONDS", Long.toString(fetchInterval.toSeconds()));
        env.put("SPRING_CLOUD_LOADBALANCER_CACHE_TTL", balancerTtl.toMillis() + "ms");
        return env;
    }
}
