package dev.nubo.gateway;

import java.time.Duration;
import java.util.List;

/**
 * How the gateway serves one service: which revision answers, how long it may take to start
 * answering, how large a request body may be, which path prefixes it claims besides its own host
 * name, and the instances that are ready now. An empty {@code endpoints} list is normal (scaled to
 * zero, or still starting): requests get a 503 with {@code Retry-After}.
 *
 * <p>A path prefix {@code /api} claims {@code /api} and {@code /api/...} but not {@code /apix};
 * {@code /} claims everything that no longer prefix claims.
 */
public record ServiceRoute(String service, String revision, Duration timeout, long maxBodySize,
                           List<String> paths, List<Endpoint> endpoints) {

    public ServiceRoute {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("a route needs a service name");
        }
        if (revision == null) {
            throw new IllegalArgumentException("route " + service + " has no revision; pass the revision its endpoints run");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("route " + service + " has timeout " + timeout + "; pass a positive duration, e.g. 30s");
        }
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("route " + service + " has maxBodySize " + maxBodySize + "; pass a byte count of 0 or more");
        }
        paths = List.copyOf(paths);
        for (String path : paths) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("route " + service + " claims path '" + path + "'; a path prefix starts with /, e.g. /api");
            }
        }
        endpoints = List.copyOf(endpoints);
    }

    /** The same route with other ready instances; the usual change between two route tables. */
    public ServiceRoute withEndpoints(List<Endpoint> ready) {
        return new ServiceRoute(service, revision, timeout, maxBodySize, paths, ready);
    }
}
