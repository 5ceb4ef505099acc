package dev.nubo.server;

import dev.nubo.gateway.Endpoint;
import dev.nubo.gateway.Gateway;
import dev.nubo.gateway.RevisionRoute;
import dev.nubo.gateway.RouteTable;
import dev.nubo.gateway.ServiceRoute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reconciler's actuator for routing: keeps every service's route and hands the gateway a new
 * {@link RouteTable} when one changes (not when a pass computes the same route again: a swap
 * re-indexes every service). Also remembers how each service's traffic is routed, for the API and
 * the next pass. Thread-safe; publishing is serialised.
 */
final class RoutePublisher {

    private final Gateway gateway;
    private final Map<String, ServiceRoute> routes = new HashMap<>();               // guarded by this
    private final Map<String, TrafficPlan> traffic = new ConcurrentHashMap<>();
    /** Per service, a route outside its traffic plan under a tag of its own: a debug session's instance. */
    private final Map<String, Map.Entry<String, RevisionRoute>> extra = new HashMap<>();  // guarded by this
    /** Routes that are not services' (workflows on the gateway, {@link WorkflowRoutes}): a service of the same name wins. */
    private Map<String, ServiceRoute> others = Map.of();                                  // guarded by this

    RoutePublisher(Gateway gateway) {
        this.gateway = gateway;
    }

    /** How the service's traffic is routed now; {@link TrafficPlan#none()} before anything is READY. */
    TrafficPlan traffic(String service) {
        return traffic.getOrDefault(service, TrafficPlan.none());
    }

    /** Routes the service by a plan: {@code route} empty takes it off the gateway. */
    synchronized void publish(String service, TrafficPlan plan, Optional<ServiceRoute> route) {
        traffic.put(service, plan);
        boolean changed = route.isPresent()
                ? !route.get().equals(routes.put(service, route.get()))
                : routes.remove(service) != null;
        if (changed) {
            gateway.routes(table());
        }
    }

    /**
     * Adds (or with empty arguments removes) a revision route that only {@code TAG-SERVICE} reaches,
     * beside whatever the service's plan routes; kept across the plan's publishes.
     */
    synchronized void extra(String service, Optional<String> tag, Optional<RevisionRoute> route) {
        if (tag.isPresent() && route.isPresent()) {
            extra.put(service, Map.entry(tag.get(), route.get()));
        } else {
            extra.remove(service);
        }
        gateway.routes(table());
    }

    /** Replaces the routes that are not services' (when they changed). */
    synchronized void others(Map<String, ServiceRoute> routes) {
        if (!routes.equals(others)) {
            others = Map.copyOf(routes);
            gateway.routes(table());
        }
    }

    /** Every service's route, with its extra route, if any, as a tag of its own; then the others'. */
    private RouteTable table() {
        Map<String, ServiceRoute> all = new HashMap<>(routes);
        extra.forEach((service, tagged) -> {
            ServiceRoute route = all.get(service);
            if (route != null) {
                Map<String, String> tags = new LinkedHashMap<>(route.tags());
                tags.put(tagged.getKey(), tagged.getValue().revision());
                Map<String, RevisionRoute> revisions = new LinkedHashMap<>(route.revisions());
                revisions.put(tagged.getValue().revision(), tagged.getValue());
                all.put(service, route.with(tags, revisions));
            }
        });
        others.forEach(all::putIfAbsent);
        return new RouteTable(all);
    }

    /**
     * Adds a newly ready instance to its revision's route at once, if that revision is routed,
     * ahead of the reconcile pass that follows (which reads the store): requests held during a cold
     * start go out a few milliseconds sooner. That pass may publish a route from a snapshot read a
     * moment before the instance was ready; the pass that its readiness queued corrects it.
     */
    synchronized void ready(String service, String revision, Endpoint endpoint) {
        ServiceRoute route = routes.get(service);
        RevisionRoute routed = route == null ? null : route.revisions().get(revision);
        if (routed == null || routed.endpoints().contains(endpoint)) {
            return;
        }
        List<Endpoint> endpoints = new ArrayList<>(routed.endpoints());
        endpoints.add(endpoint);
        Map<String, RevisionRoute> revisions = new LinkedHashMap<>(route.revisions());
        revisions.put(revision, routed.withEndpoints(endpoints));
        routes.put(service, route.with(route.tags(), revisions));
        gateway.routes(table());
    }

    /** Forgets a deleted service, once it is off the gateway. */
    void forget(String service) {
        traffic.remove(service);
    }
}
