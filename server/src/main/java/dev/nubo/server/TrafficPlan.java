package dev.nubo.server;

import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which revisions take a service's traffic right now: its stored {@link Traffic} (or a rollback's
 * pin, which means 100 % to one revision until the next deploy) resolved against the revisions'
 * states. {@code latest} becomes the newest READY revision. A share whose revision is not READY
 * (it failed, say, after a crash loop) goes to the newest READY revision instead, so a broken canary
 * costs its users an extra hop, not an error; tags to such revisions are dropped.
 *
 * @param shares revision id to percent, only revisions with a share above 0; empty when no revision is READY
 * @param tags tag name to revision id
 */
record TrafficPlan(Map<String, Integer> shares, Map<String, String> tags) {

    TrafficPlan {
        shares = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shares));
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    static TrafficPlan none() {
        return new TrafficPlan(Map.of(), Map.of());
    }

    /** @param revisions the service's revisions, newest first */
    static TrafficPlan resolve(ServiceRecord service, List<RevisionRecord> revisions) {
        Map<String, RevisionRecord> ready = revisions.stream().filter(r -> r.state() == RevisionState.READY)
                .collect(Collectors.toMap(RevisionRecord::id, r -> r, (a, b) -> a, LinkedHashMap::new));
        Optional<String> latest = ready.keySet().stream().findFirst();
        Traffic traffic = service.traffic();
        List<Traffic.Split> splits = service.pinnedRevision().filter(ready::containsKey)
                .map(pin -> List.of(new Traffic.Split(pin, 100)))
                .orElse(traffic.splits());

        Map<String, Integer> shares = new LinkedHashMap<>();
        int orphaned = 0;
        for (Traffic.Split split : splits) {
            Optional<String> id = split.revision().equals(Traffic.LATEST) ? latest : Optional.of(split.revision());
            if (id.isPresent() && ready.containsKey(id.get())) {
                shares.merge(id.get(), split.percent(), Integer::sum);
            } else {
                orphaned += split.percent();
            }
        }
        if (orphaned > 0 && latest.isPresent()) {
            shares.merge(latest.get(), orphaned, Integer::sum);
        }
        shares.values().removeIf(p -> p == 0);
        if (shares.values().stream().mapToInt(Integer::intValue).sum() != 100) {
            shares.clear();  // nothing READY to take the rest: no traffic at all rather than a partial split
        }

        Map<String, String> tags = new TreeMap<>();
        traffic.tags().forEach((tag, target) -> {
            Optional<String> id = target.equals(Traffic.LATEST) ? latest : Optional.of(target);
            id.filter(ready::containsKey).ifPresent(r -> tags.put(tag, r));
        });
        return new TrafficPlan(shares, tags);
    }

    /** Every revision that takes requests: by a share or by a tag. */
    Set<String> routed() {
        Set<String> all = new LinkedHashSet<>(shares.keySet());
        all.addAll(tags.values());
        return all;
    }

    /** The revision with the largest share (the first named among equals): what "serving" means in a summary. */
    Optional<String> primary() {
        return shares.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /** {@code hello-00002 90%, hello-00003 10%}, for events. */
    String describe() {
        if (shares.isEmpty()) {
            return "no revision";
        }
        return shares.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + "%").collect(Collectors.joining(", "));
    }
}
