package dev.nubo.cli;

import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A service as the API describes it (docs/API.md, {@code GET /v1/services/{name}}). The listing
 * sends the same shape without traffic, revisions, paths and events. Absent values arrive as JSON
 * null and are turned into empty strings and lists here, so that nothing downstream handles null.
 */
record Service(String name, String url, String runtime, String servingRevision, String latestRevision,
        String pinnedRevision, String state, Counts instances, Instant createdAt, List<String> paths,
        Routing traffic, List<Revision> revisions, List<Event> events, Limits limits, ResilienceState resilience) {

    Service {
        url = orEmpty(url);
        runtime = orEmpty(runtime);
        servingRevision = orEmpty(servingRevision);
        latestRevision = orEmpty(latestRevision);
        pinnedRevision = orEmpty(pinnedRevision);
        state = orEmpty(state);
        instances = instances == null ? new Counts(0, 0) : instances;
        paths = paths == null ? List.of() : paths;
        traffic = traffic == null ? Routing.NONE : traffic;
        revisions = revisions == null ? List.of() : revisions;
        events = events == null ? List.of() : events;
        limits = limits == null ? Limits.NONE : limits;
        resilience = resilience == null ? ResilienceState.NONE : resilience;
    }

    /** The limits the gateway enforces for the service (rate and burst, concurrency) and what they refused lately. */
    record Limits(String rate, Integer burst, boolean perClient, Integer concurrency, int inFlight,
                  long overRateLastMinute, long overConcurrencyLastMinute, long refusedTotal, java.util.Map<String, Limits> paths) {

        static final Limits NONE = new Limits(null, null, false, null, 0, 0, 0, 0, null);

        Limits {
            rate = rate == null ? "" : rate;
            burst = burst == null ? 0 : burst;
            concurrency = concurrency == null ? 0 : concurrency;
            paths = paths == null ? java.util.Map.of() : paths;
        }

        /**
         * {@code rate 100/s burst 200 per client — 37 refused in the last minute; concurrency 50 (3 in flight)
         * — none refused in the last minute}, or {@code none}.
         */
        String text() {
            List<String> parts = new java.util.ArrayList<>();
            if (!rate.isEmpty()) {
                parts.add("rate " + rate + " burst " + burst + (perClient ? " per client" : "") + " — " + refused(overRateLastMinute));
            }
            if (concurrency > 0) {
                parts.add("concurrency " + concurrency + " (" + inFlight + " in flight) — " + refused(overConcurrencyLastMinute));
            }
            paths.forEach((key, p) -> parts.add("on " + key + ": " + p.text()));
            return parts.isEmpty() ? "none" : String.join("; ", parts);
        }

        private static String refused(long n) {
            return (n == 0 ? "none" : Long.toString(n)) + " refused in the last minute";
        }
    }

    Optional<String> serving() {
        return Optional.of(servingRevision).filter(s -> !s.isEmpty());
    }

    Optional<String> pinned() {
        return Optional.of(pinnedRevision).filter(s -> !s.isEmpty());
    }

    record Counts(int ready, int desired) {}

    /**
     * The service's traffic: as configured ({@code latest} unresolved; what {@code nubo traffic}
     * edits) and as routed now. They differ while a rollback pins the service, and when a share's
     * revision cannot serve and the server sends it to the newest ready revision instead.
     */
    record Routing(Traffic configured, List<Route> routes) {

        /** What a listing implies: it sends no traffic. */
        static final Routing NONE = new Routing(Traffic.latest(), List.of());

        Routing {
            configured = configured == null ? Traffic.latest() : configured;
            routes = routes == null ? List.of() : routes;
        }
    }

    /** A revision that takes requests: {@code percent} of the service's URL, and its tags' URLs. */
    record Route(String revision, int percent, List<String> tags, List<String> urls) {

        Route {
            tags = tags == null ? List.of() : tags;
            urls = urls == null ? List.of() : urls;
        }
    }

    /**
     * {@code scaling} is sent only for revisions that take traffic; {@code percent} and {@code tags}
     * say how they do.
     */
    record Revision(String id, int number, RevisionState state, boolean serving, int percent, List<String> tags,
            String reason, List<String> logTail, String digest, Instant createdAt, Instant readyAt, Scaling scaling,
            List<Instance> instances, String startCache, String isolation) {

        Revision {
            tags = tags == null ? List.of() : tags;
            reason = orEmpty(reason);
            digest = orEmpty(digest);
            logTail = logTail == null ? List.of() : logTail;
            instances = instances == null ? List.of() : instances;
            startCache = orEmpty(startCache);
            isolation = orEmpty(isolation);
        }

        Optional<Scaling> routedScaling() {
            return Optional.ofNullable(scaling);
        }

        Optional<Instant> ready() {
            return Optional.ofNullable(readyAt);
        }

        Optional<Instant> created() {
            return Optional.ofNullable(createdAt);
        }
    }

    /**
     * The autoscaler's last decision for a routed revision and the gateway's view of its load.
     * {@code desired} is null until the autoscaler has decided; {@code held} counts requests that
     * had to wait for an instance, and the hold times describe the last of those.
     */
    record Scaling(Integer desired, String mode, String reason, int inFlight, int waiting, long requests, long held,
            long holdP50Ms, long holdP99Ms, long holdMaxMs) {

        Scaling {
            mode = orEmpty(mode);
            reason = orEmpty(reason);
        }

        Optional<Integer> decided() {
            return Optional.ofNullable(desired);
        }
    }

    /**
     * {@code pid} and {@code port} are 0 before the process has them; {@code startMs}, launch to
     * ready, is null until the instance is ready; {@code pooled}: its process came from a pool of
     * prewarmed ones (false from a server that does not say); {@code callersUntil}: while it drains,
     * until when it serves callers that found it in the registry (null otherwise).
     */
    record Instance(String id, String state, long pid, int port, int restarts, Instant createdAt,
            Instant readyAt, Long startMs, boolean pooled, String failure, Instant callersUntil) {

        Instance {
            state = orEmpty(state);
            failure = orEmpty(failure);
        }

        Optional<Instant> ready() {
            return Optional.ofNullable(readyAt);
        }

        Optional<Instant> servingCallers() {
            return Optional.ofNullable(callersUntil);
        }

        /** The instance's cold start, once it is ready. */
        Optional<Duration> start() {
            return Optional.ofNullable(startMs).map(Duration::ofMillis);
        }
    }

    record Event(Instant time, String revision, String message) {

        Event {
            revision = orEmpty(revision);
            message = orEmpty(message);
        }
    }

    /** The answer to {@code POST /v1/deployments}. */
    record Deployment(String service, String revision, String digest, long size, String url, boolean created) {

        Deployment {
            digest = orEmpty(digest);
            url = orEmpty(url);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
