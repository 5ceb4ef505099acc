package dev.nubo.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the gateway serves one service: the path prefixes it claims besides its own host name, how
 * its traffic is shared among revisions, which tags name a revision, and each routed revision.
 *
 * <p>A request to {@code NAME.domain} (or a claimed path) goes to a revision chosen by {@code split};
 * with a {@code Nubo-Tag: TAG} header naming one of {@code tags}, to that tag's revision instead (gray
 * release). A request to {@code TAG-NAME.domain} always goes to the tag's revision. An empty split
 * means no revision takes traffic: requests get a 503.
 *
 * <p>A path prefix {@code /api} claims {@code /api} and {@code /api/...} but not {@code /apix};
 * {@code /} claims everything that no longer prefix claims.
 *
 * @param split shares of traffic in percent, adding up to 100 (or empty)
 * @param tags tag name to revision id
 * @param revisions every revision named by the split or a tag, by id
 * @param limits the service's rate and concurrency limits (nubo.yaml's {@code limits:}), see {@link ServiceLimiter}
 * @param resilience the service's circuit breaker, fallback and outlier ejection (nubo.yaml's {@code resilience:}), see {@link ServiceResilience}
 */
public record ServiceRoute(String service, List<String> paths, List<Share> split, Map<String, String> tags,
                           Map<String, RevisionRoute> revisions, dev.nubo.model.Descriptor.Limits limits,
                           dev.nubo.model.Resilience resilience) {

    /** A route with limits but no resilience rules. */
    public ServiceRoute(String service, List<String> paths, List<Share> split, Map<String, String> tags,
                        Map<String, RevisionRoute> revisions, dev.nubo.model.Descriptor.Limits limits) {
        this(service, paths, split, tags, revisions, limits, dev.nubo.model.Resilience.NONE);
    }

    /** A route without limits. */
    public ServiceRoute(String service, List<String> paths, List<Share> split, Map<String, String> tags,
                        Map<String, RevisionRoute> revisions) {
        this(service, paths, split, tags, revisions, dev.nubo.model.Descriptor.Limits.NONE);
    }

    /** A revision's share of the service's traffic, in percent. */
    public record Share(String revision, int percent) {
        public Share {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("share of " + revision + " is " + percent + "%; pass 0 to 100");
            }
        }
    }

    public ServiceRoute {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("a route needs a service name");
        }
        paths = List.copyOf(paths);
        for (String path : paths) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("route " + service + " claims path '" + path + "'; a path prefix starts with /, e.g. /api");
            }
        }
        split = List.copyOf(split);
        tags = Map.copyOf(tags);
        revisions = Map.copyOf(revisions);
        java.util.Objects.requireNonNull(limits, "limits; pass Descriptor.Limits.NONE for none");
        java.util.Objects.requireNonNull(resilience, "resilience; pass Resilience.NONE for none");
        int total = split.stream().mapToInt(Share::percent).sum();
        if (!split.isEmpty() && total != 100) {
            throw new IllegalArgumentException("route " + service + " splits " + total + "% of its traffic; shares must add up to 100");
        }
        for (String named : names(split, tags)) {
            if (!revisions.containsKey(named)) {
                throw new IllegalArgumentException("route " + service + " sends traffic to " + named
                        + " but has no revision route for it; add one to revisions");
            }
        }
        revisions.forEach((id, r) -> {
            if (!id.equals(r.revision())) {
                throw new IllegalArgumentException("route " + service + " keys revision " + r.revision() + " as '" + id + "'");
            }
        });
    }

    /** The same route with other revisions and tags, keeping its paths, split, limits and resilience. */
    public ServiceRoute with(Map<String, String> tags, Map<String, RevisionRoute> revisions) {
        return new ServiceRoute(service, paths, split, tags, revisions, limits, resilience);
    }

    /** The same route under {@code limits}. */
    public ServiceRoute withLimits(dev.nubo.model.Descriptor.Limits limits) {
        return new ServiceRoute(service, paths, split, tags, revisions, limits, resilience);
    }

    /** The same route under {@code resilience}. */
    public ServiceRoute withResilience(dev.nubo.model.Resilience resilience) {
        return new ServiceRoute(service, paths, split, tags, revisions, limits, resilience);
    }

    /** All traffic to one revision, without tags: the common case. */
    public static ServiceRoute single(String service, List<String> paths, RevisionRoute revision) {
        return new ServiceRoute(service, paths, List.of(new Share(revision.revision(), 100)), Map.of(),
                Map.of(revision.revision(), revision));
    }

    /** All traffic to one uncapped revision; handy in tests. */
    public static ServiceRoute single(String service, String revision, Duration timeout, long maxBodySize,
                                      List<String> paths, List<Endpoint> endpoints) {
        return single(service, paths, RevisionRoute.of(revision, timeout, maxBodySize, endpoints));
    }

    private static Set<String> names(List<Share> split, Map<String, String> tags) {
        Set<String> names = new java.util.HashSet<>(tags.values());
        split.forEach(s -> names.add(s.revision()));
        return names;
    }
}
