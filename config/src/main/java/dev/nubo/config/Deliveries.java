package dev.nubo.config;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each instance last received: the version it fetched over the Spring protocol, and how the last
 * push to it went. Node-local and in memory: an instance reaches the configuration through the node
 * that runs it, and a restarted server's instances fetch again as they start.
 */
final class Deliveries {

    private final Map<String, ConfigCenter.Fetched> fetches = new ConcurrentHashMap<>();
    private final Map<String, ConfigCenter.Pushed> pushes = new ConcurrentHashMap<>();

    void fetched(String instance, String app, int version, Instant at) {
        fetches.put(instance, new ConfigCenter.Fetched(app, version, at));
    }

    void pushed(String instance, int version, Instant at, String outcome) {
        pushes.put(instance, new ConfigCenter.Pushed(version, at, outcome));
    }

    /** The applications that instances fetched. */
    java.util.Set<String> fetchedApps() {
        return fetches.values().stream().map(ConfigCenter.Fetched::app).collect(java.util.stream.Collectors.toSet());
    }

    Optional<ConfigCenter.Fetched> fetch(String instance) {
        return Optional.ofNullable(fetches.get(instance));
    }

    Optional<ConfigCenter.Pushed> push(String instance) {
        return Optional.ofNullable(pushes.get(instance));
    }

    /**
     * Forgets {@code service}'s instances that no longer run, so the maps stay the size of the fleet.
     * An instance's id is its revision's ({@code SERVICE-0000N}) and a suffix.
     */
    void retain(String service, java.util.Set<String> running) {
        java.util.function.Predicate<String> gone = id -> id.startsWith(service + "-")
                && id.substring(service.length() + 1).matches("\\d{5}-[^-]+") && !running.contains(id);
        fetches.keySet().removeIf(gone);
        pushes.keySet().removeIf(gone);
    }
}
