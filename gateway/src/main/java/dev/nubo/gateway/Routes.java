package dev.nubo.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link RouteTable} indexed for lookups: a host map ({@code name.domain} to route) and the path
 * prefixes of all services, longest first. Immutable; {@link Gateway} swaps whole snapshots so a
 * request sees one consistent table from routing to the end of its exchange.
 */
final class Routes {

    private record Prefix(String prefix, Route route) {
        /** {@code /api} matches {@code /api} and {@code /api/x}, not {@code /apix}; the empty prefix (from {@code /}) matches all. */
        boolean matches(String path) {
            return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
        }
    }

    private final Map<String, Route> byHost;
    private final Prefix[] prefixes;
    private final Set<String> instanceIds;

    private Routes(Map<String, Route> byHost, Prefix[] prefixes, Set<String> instanceIds) {
        this.byHost = byHost;
        this.prefixes = prefixes;
        this.instanceIds = instanceIds;
    }

    static Routes index(RouteTable table, String domain, InFlight inFlight) {
        Map<String, Route> byHost = new HashMap<>();
        List<Prefix> prefixes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        // Sorted by name so that two services claiming the same prefix resolve the same way every time.
        table.services().values().stream().sorted(Comparator.comparing(ServiceRoute::service)).forEach(service -> {
            Upstream[] upstreams = service.endpoints().stream()
                    .map(e -> new Upstream(e, inFlight.counter(e.instanceId())))
                    .toArray(Upstream[]::new);
            service.endpoints().forEach(e -> ids.add(e.instanceId()));
            Route route = new Route(service, upstreams);
            byHost.put(service.service().toLowerCase(Locale.ROOT) + "." + domain, route);
            for (String path : service.paths()) {
                prefixes.add(new Prefix(path.endsWith("/") ? path.substring(0, path.length() - 1) : path, route));
            }
        });
        prefixes.sort(Comparator.comparingInt((Prefix p) -> p.prefix().length()).reversed());
        return new Routes(Map.copyOf(byHost), prefixes.toArray(Prefix[]::new), Set.copyOf(ids));
    }

    /** The service for a request: by host name first, then by the longest path prefix. */
    Optional<Route> find(String hostHeader, String path) {
        if (hostHeader != null) {
            Route byName = byHost.get(hostName(hostHeader));
            if (byName != null) {
                return Optional.of(byName);
            }
        }
        for (Prefix prefix : prefixes) {
            if (prefix.matches(path)) {
                return Optional.of(prefix.route());
            }
        }
        return Optional.empty();
    }

    Set<String> instanceIds() {
        return instanceIds;
    }

    /** {@code Hello.Localhost:8080} as {@code hello.localhost}; IPv6 literals keep their brackets. */
    static String hostName(String hostHeader) {
        int end = hostHeader.length();
        int colon = hostHeader.lastIndexOf(':');
        if (colon >= 0 && hostHeader.indexOf(']') < colon) {
            end = colon;
        }
        if (end > 0 && hostHeader.charAt(end - 1) == '.') {
            end--;  // the fully qualified form, hello.localhost.
        }
        String host = end == hostHeader.length() ? hostHeader : hostHeader.substring(0, end);
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return host.toLowerCase(Locale.ROOT);
            }
        }
        return host;
    }
}
