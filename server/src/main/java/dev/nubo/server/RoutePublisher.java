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
            gateway.routes(new RouteTable(routes));
        }
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
        routes.put(service, new ServiceRoute(service, route.paths(), route.split(), route.tags(), revisions));
        gateway.routes(new RouteTable(routes));
    }

    /** Forgets a deleted service, once it is off the gateway. */
    void forget(String service) {
        traffic.remove(service);
    }
}
