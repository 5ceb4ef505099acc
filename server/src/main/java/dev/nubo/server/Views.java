package dev.nubo.server;

import dev.nubo.instances.Instance;
import dev.nubo.model.Descriptor;
import dev.nubo.model.Quantities;
import dev.nubo.model.RevisionState;
import dev.nubo.store.EventRecord;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The control API's JSON shapes (docs/API.md), read from the store and the live instances. */
final class Views {

    record ServiceSummary(String name, String url, String runtime, String servingRevision, String latestRevision,
            String state, Counts instances, Instant createdAt) {}

    record ServiceDetail(String name, String url, String runtime, String servingRevision, String latestRevision,
            String pinnedRevision, String state, Counts instances, Instant createdAt, List<String> paths,
            List<RevisionView> revisions, List<EventView> events) {}

    record Counts(int ready, int desired) {}

    record RevisionView(String id, int number, RevisionState state, boolean serving, String reason, List<String> logTail,
            String digest, Instant createdAt, Instant readyAt, ConfigView config, List<InstanceView> instances) {}

    record ConfigView(String runtime, String handler, String code, List<String> command, Map<String, String> env,
            String timeout, String memory, String maxBodySize, String readiness, String startTimeout,
            Map<String, Integer> scale, String drainTimeout, List<String> paths) {}

    record InstanceView(String id, String state, Long pid, int port, int restarts, Instant createdAt, Instant readyAt,
            String failure) {}

    record EventView(Instant time, String revision, String message) {}

    private final Store store;
    private final Reconciler reconciler;
    private final Urls urls;

    Views(Store store, Reconciler reconciler, Urls urls) {
        this.store = store;
        this.reconciler = reconciler;
        this.urls = urls;
    }

    List<ServiceSummary> services() {
        return store.services().stream().map(s -> {
            ServiceDetail d = detail(s, 0);
            return new ServiceSummary(d.name(), d.url(), d.runtime(), d.servingRevision(), d.latestRevision(), d.state(),
                    d.instances(), d.createdAt());
        }).toList();
    }

    ServiceDetail service(String name) {
        return detail(existing(name), 20);
    }

    RevisionView revision(String service, String id) {
        existing(service);
        RevisionRecord r = store.revision(id).filter(x -> x.service().equals(service)).orElseThrow(() -> NotFound.revision(service, id));
        return revision(r, reconciler.routed(service));
    }

    ServiceRecord existing(String name) {
        return store.service(name).orElseThrow(() -> NotFound.service(name));
    }

    private ServiceDetail detail(ServiceRecord s, int events) {
        List<RevisionRecord> revisions = store.revisions(s.name());
        Optional<String> routed = reconciler.routed(s.name());
        List<RevisionView> views = revisions.stream().map(r -> revision(r, routed)).toList();
        RevisionRecord latest = revisions.getFirst();
        Descriptor shown = routed.flatMap(id -> revisions.stream().filter(r -> r.id().equals(id)).findFirst())
                .map(reconciler::descriptor).orElseGet(() -> reconciler.descriptor(latest));
        int ready = routed.map(id -> (int) reconciler.instances(s.name(), id).stream()
                .filter(i -> i.state() == dev.nubo.instances.InstanceState.READY).count()).orElse(0);
        String state = routed.isPresent() && ready > 0 ? "ready"
                : revisions.stream().anyMatch(r -> r.state() != RevisionState.FAILED) ? "deploying" : "failed";
        List<EventView> eventViews = events == 0 ? List.of() : store.events(s.name(), events).stream().map(Views::event).toList();
        return new ServiceDetail(s.name(), urls.service(s.name()), shown.runtime().kind(), routed.orElse(null), latest.id(),
                s.pinnedRevision().orElse(null), state, new Counts(ready, shown.scale().min()), s.createdAt(), shown.paths(),
                views, eventViews);
    }

    private RevisionView revision(RevisionRecord r, Optional<String> routed) {
        List<InstanceView> instances = reconciler.instances(r.service(), r.id()).stream().map(Views::instance).toList();
        return new RevisionView(r.id(), r.number(), r.state(), routed.equals(Optional.of(r.id())), r.reason().orElse(null),
                r.logTail(), r.digest(), r.createdAt(), r.readyAt().orElse(null), config(reconciler.descriptor(r)), instances);
    }

    private static ConfigView config(Descriptor d) {
        String handler = d.runtime() instanceof Descriptor.JavaFunction f ? f.handler() : null;
        String code = d.runtime() instanceof Descriptor.JavaFunction f ? f.code() : null;
        List<String> command = d.runtime() instanceof Descriptor.Process p ? p.command() : List.of();
        return new ConfigView(d.runtime().kind(), handler, code, command, d.env(), Quantities.formatDuration(d.timeout()),
                Quantities.formatBytes(d.memory()), Quantities.formatBytes(d.maxBodySize()),
                d.readiness().httpPath().map(p -> "http " + p).orElse("tcp"),
                Quantities.formatDuration(d.readiness().startTimeout()),
                Map.of("min", d.scale().min(), "max", d.scale().max()), Quantities.formatDuration(d.drainTimeout()), d.paths());
    }

    private static InstanceView instance(Instance i) {
        return new InstanceView(i.id(), i.state().name(), i.pid().isPresent() ? i.pid().getAsLong() : null, i.port(),
                i.restarts(), i.createdAt(), i.readyAt().orElse(null), i.failure().orElse(null));
    }

    private static EventView event(EventRecord e) {
        return new EventView(e.time(), e.revision().orElse(null), e.message());
    }
}
