package dev.nubo.gateway;

import java.time.Duration;
import java.util.List;

/**
 * How the gateway serves one revision: how long it may take to start answering, how large a request
 * body may be, how many requests one instance may have in flight, how many requests may wait for
 * room and for how long, and the instances that are ready now.
 *
 * <p>An empty {@code endpoints} list is normal: the revision is scaled to zero or still starting.
 * Requests then wait in the revision's queue (see {@link Gateway}) until an instance is ready, up to
 * {@code queueWait} (never beyond {@code timeout}); with {@code queueLength} 0 they get a 503 at once.
 *
 * <p>The {@code revision} id must be unique across all services: held requests and the load the
 * autoscaler reads ({@link Gateway#load}) are kept by it, across route tables.
 *
 * <p>A revision with a {@code site} has no instances: the gateway answers from the site's directory.
 *
 * @param limit the most requests one instance has in flight; 0 for no cap
 */
public record RevisionRoute(String revision, Duration timeout, long maxBodySize, int limit, int queueLength,
                            Duration queueWait, List<Endpoint> endpoints, java.util.Optional<Site> site) {

    public RevisionRoute(String revision, Duration timeout, long maxBodySize, int limit, int queueLength,
                         Duration queueWait, List<Endpoint> endpoints) {
        this(revision, timeout, maxBodySize, limit, queueLength, queueWait, endpoints, java.util.Optional.empty());
    }

    public RevisionRoute {
        if (revision == null || revision.isBlank()) {
            throw new IllegalArgumentException("a revision route needs the revision's id");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("revision " + revision + " has timeout " + timeout + "; pass a positive duration, e.g. 30s");
        }
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("revision " + revision + " has maxBodySize " + maxBodySize + "; pass a byte count of 0 or more");
        }
        if (limit < 0 || queueLength < 0) {
            throw new IllegalArgumentException("revision " + revision + " has limit " + limit + " and queueLength " + queueLength
                    + "; pass 0 or more (0 means no cap, respectively no queue)");
        }
        if (queueWait == null || queueWait.isNegative()) {
            throw new IllegalArgumentException("revision " + revision + " has queueWait " + queueWait + "; pass 0 or a positive duration");
        }
        if (queueWait.compareTo(timeout) > 0) {
            queueWait = timeout;  // a request never waits longer than it may take in all
        }
        endpoints = List.copyOf(endpoints);
    }

    /** A revision without a per-instance cap, whose requests wait up to its timeout when nothing is ready. */
    public static RevisionRoute of(String revision, Duration timeout, long maxBodySize, List<Endpoint> endpoints) {
        return new RevisionRoute(revision, timeout, maxBodySize, 0, 1000, timeout, endpoints);
    }

    /** The same revision with other ready instances; the usual change between two route tables. */
    public RevisionRoute withEndpoints(List<Endpoint> ready) {
        return new RevisionRoute(revision, timeout, maxBodySize, limit, queueLength, queueWait, ready, site);
    }

    /** The same revision served from {@code directory} by the gateway itself. */
    public RevisionRoute withSite(Site directory) {
        return new RevisionRoute(revision, timeout, maxBodySize, limit, queueLength, queueWait, List.of(), java.util.Optional.of(directory));
    }
}
