package dev.nubo.gateway;

import java.util.Map;

/**
 * Everything the gateway routes, by service name. Immutable: to change routing, build a new table
 * and hand it to {@link Gateway#routes(RouteTable)}, which swaps it in atomically.
 */
public record RouteTable(Map<String, ServiceRoute> services) {

    public RouteTable {
        services = Map.copyOf(services);
        services.forEach((name, route) -> {
            if (!name.equals(route.service())) {
                throw new IllegalArgumentException("route table key '" + name + "' holds the route of service '"
                        + route.service() + "'; key each route by its own service name");
            }
        });
        // Held requests and load are kept per revision id, so an id names one revision of one service.
        java.util.Map<String, String> owner = new java.util.HashMap<>();
        services.values().forEach(route -> route.revisions().keySet().forEach(id -> {
            String other = owner.putIfAbsent(id, route.service());
            if (other != null) {
                throw new IllegalArgumentException("revision id '" + id + "' is routed by both " + other + " and "
                        + route.service() + "; revision ids must be unique across services");
            }
        }));
    }

    /** No services: every request gets a 404. */
    public static RouteTable empty() {
        return new RouteTable(Map.of());
    }
}
