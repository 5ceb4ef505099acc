package dev.nubo.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link RouteTable} indexed for lookups: a host map ({@code name.domain} and
 * {@code tag-name.domain} to a match) and the path prefixes of all services, longest first.
 * Immutable; {@link Gateway} swaps whole snapshots so a request sees one consistent table from
 * routing to the end of its exchange.
 */
final class Routes {

    /** Where a host or path leads: a service, and for a tag's host name that tag's revision. */
    record Match(Route route, Target pinned) {}

    private record Prefix(String prefix, Match match) {
        /** {@code /api} matches {@code /api} and {@code /api/x}, not {@code /apix}; the empty prefix (from {@code /}) matches all. */
        boolean matches(String path) {
            return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
        }
    }

    private final Map<String, Match> byHost;
    private final Map<String, Match> byService;
    private final Prefix[] prefixes;
    private final Map<String, Target> targets;
    private final Set<String> instanceIds;

    private Routes(Map<String, Match> byHost, Map<String, Match> byService, Prefix[] prefixes, Map<String, Target> targets,
                   Set<String> instanceIds) {
        this.byHost = byHost;
        this.byService = byService;
        this.prefixes = prefixes;
        this.targets = targets;
        this.instanceIds = instanceIds;
    }

    /**
     * @param slots the in-flight counter and learned limit of an instance id, shared across tables
     * @param demand the demand of a revision id, shared across tables
     * @param splitCursor the position of a service in its split cycle, shared across tables: a table
     *     is republished whenever an instance comes or goes, and restarting the cycle each time would
     *     favour the revisions early in it
     */
    static Routes index(RouteTable table, String domain, Function<String, InFlight.Slots> slots,
                        Function<String, Demand> demand, Function<String, java.util.concurrent.atomic.AtomicInteger> splitCursor) {
        Map<String, Match> byHost = new HashMap<>();
        Map<String, Match> byTagHost = new HashMap<>();
        Map<String, Match> byService = new HashMap<>();
        List<Prefix> prefixes = new ArrayList<>();
        Map<String, Target> targets = new HashMap<>();
        Set<String> ids = new HashSet<>();
        // Sorted by name so that two services claiming the same prefix resolve the same way every time.
        table.services().values().stream().sorted(Comparator.comparing(ServiceRoute::service)).forEach(service -> {
            Map<String, Target> own = new HashMap<>();
            service.revisions().forEach((id, revision) -> {
                Demand d = demand.apply(id);
                Upstream[] upstreams = revision.endpoints().stream()
                        .map(e -> new Upstream(e, slots.apply(e.instanceId()), d))
                        .toArray(Upstream[]::new);
                revision.endpoints().forEach(e -> ids.add(e.instanceId()));
                Target t = new Target(revision, upstreams, d);
                own.put(id, t);
                targets.put(id, t);
            });
            Route route = new Route(service, own, splitCursor.apply(service.service()));
            String name = service.service().toLowerCase(Locale.ROOT);
            Match match = new Match(route, null);
            byService.put(service.service(), match);
            byHost.put(name + "." + domain, match);
            service.tags().forEach((tag, revision) ->
                    byTagHost.put(tag.toLowerCase(Locale.ROOT) + "-" + name + "." + domain, new Match(route, own.get(revision))));
            for (String path : service.paths()) {
                prefixes.add(new Prefix(path.endsWith("/") ? path.substring(0, path.length() - 1) : path, match));
            }
        });
        // A service's own name wins over a tag host that happens to spell it (tag "a" of "b-c" vs service "a-b-c").
        byTagHost.forEach(byHost::putIfAbsent);
        prefixes.sort(Comparator.comparingInt((Prefix p) -> p.prefix().length()).reversed());
        return new Routes(Map.copyOf(byHost), Map.copyOf(byService), prefixes.toArray(Prefix[]::new), Map.copyOf(targets), Set.copyOf(ids));
    }

    /** The service for a request: by host name first, then by the longest path prefix; null when none. */
    Match find(String hostHeader, String path) {
        if (hostHeader != null) {
            Match byName = byHost.get(hostName(hostHeader));
            if (byName != null) {
                return byName;
            }
        }
        for (Prefix prefix : prefixes) {
            if (prefix.matches(path)) {
                return prefix.match();
            }
        }
        return null;
    }

    /** The service of that name (its main URL, not a tag), or null. */
    Match service(String name) {
        return byService.get(name);
    }

    /** The routed revision with this id, or null. */
    Target target(String revision) {
        return targets.get(revision);
    }

    Map<String, Target> targets() {
        return targets;
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
