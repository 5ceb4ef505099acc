package dev.nubo.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service route ready for the hot path: its revisions resolved to {@link Target}s, its split laid
 * out as a fixed cycle of 100 slots, and its tags.
 *
 * <p>The split is deterministic rather than random: slot {@code i} of the cycle is filled by smooth
 * weighted round-robin (nginx's algorithm), so a 90/10 split sends exactly 10 of every 100
 * requests to the second revision, spread out rather than in a run of ten. Over 2,000 requests
 * each revision's share is within one request per cycle of its target.
 */
final class Route {

    static final int CYCLE = 100;

    private final ServiceRoute service;
    private final Target[] cycle;            // empty when no revision takes traffic
    private final Map<String, Target> tags;
    private final AtomicInteger next;        // the service's, shared across tables: see Routes.index

    Route(ServiceRoute service, Map<String, Target> targets, AtomicInteger next) {
        this.service = service;
        this.next = next;
        this.cycle = cycle(service.split(), targets);
        this.tags = service.tags().entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> targets.get(e.getValue())));
    }

    ServiceRoute service() {
        return service;
    }

    String name() {
        return service.service();
    }

    boolean tagged() {
        return !tags.isEmpty();
    }

    /** The revision for the next request by the split; null when no revision takes traffic. */
    Target split() {
        return cycle.length == 0 ? null : cycle[Math.floorMod(next.getAndIncrement(), CYCLE)];
    }

    /** The tag's revision, or null when the service has no such tag. */
    Target tag(String name) {
        return tags.get(name);
    }

    private static Target[] cycle(List<ServiceRoute.Share> split, Map<String, Target> targets) {
        if (split.isEmpty()) {
            return new Target[0];
        }
        Target[] slots = new Target[CYCLE];
        int[] current = new int[split.size()];
        for (int slot = 0; slot < CYCLE; slot++) {
            int best = -1;
            for (int i = 0; i < split.size(); i++) {
                current[i] += split.get(i).percent();
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= CYCLE;
            slots[slot] = targets.get(split.get(best).revision());
        }
        return slots;
    }
}
