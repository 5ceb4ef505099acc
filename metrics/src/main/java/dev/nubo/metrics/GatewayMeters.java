package dev.nubo.metrics;

import dev.nubo.gateway.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The gateway's meters as Micrometer meters, one set per revision, resolved when the gateway first
 * routes the revision. The request path then records into meters it holds: a counter per status
 * class (made on the class's first answer, then kept), a latency histogram with a dozen fixed
 * buckets (few enough that a scrape of 1,000 services stays small), and byte counts.
 */
final class GatewayMeters implements Meters {

    /** Histogram buckets for request latencies and holds: from a fast answer to a slow JVM start. */
    static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Revision> revisions = new ConcurrentHashMap<>();

    GatewayMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public RevisionMeter revision(String service, String revision) {
        return revisions.computeIfAbsent(revision, r -> new Revision(registry, service, r));
    }

    /** The revision's meter, if the gateway ever routed it. */
    java.util.Optional<Revision> of(String revision) {
        return java.util.Optional.ofNullable(revisions.get(revision));
    }

    java.util.Collection<Revision> all() {
        return revisions.values();
    }

    /**
     * Drops the meters of revisions that no longer exist (their service was deleted), so series of
     * deleted services do not pile up in every scrape. A revision that comes back under the same id
     * (a service deployed again after a delete) gets new meters from its first route.
     */
    void retainOnly(java.util.Set<String> existing, long readSinceNanos) {
        // Only meters older than the read: a revision deployed (and routed) while `existing` was read is not in it, yet exists.
        java.util.Set<String> gone = new java.util.HashSet<>();
        revisions.values().removeIf(r -> {
            boolean drop = !existing.contains(r.revision) && r.created - readSinceNanos < 0;
            if (drop) {
                gone.add(r.revision);
            }
            return drop;
        });
        for (io.micrometer.core.instrument.Meter m : registry.getMeters()) {
            String revision = m.getId().getTag("revision");
            String name = m.getId().getName();
            boolean ours = name.startsWith("nubo.gateway.requests") || name.startsWith("nubo.gateway.request.")
                    || name.startsWith("nubo.gateway.response.") || name.equals("nubo.gateway.hold.duration")
                    || name.startsWith("nubo.cold.start") || name.equals("nubo.instance.start.duration");
            if (ours && gone.contains(revision)) {
                registry.remove(m);
            }
        }
    }

    static Timer timer(MeterRegistry registry, String name, String help, Tags tags) {
        return Timer.builder(name).description(help).tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** One revision's meters. Thread-safe: every event loop records here. */
    static final class Revision implements RevisionMeter {
        private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

        private final MeterRegistry registry;
        private final String service;
        private final String revision;
        private final Tags tags;
        private final AtomicReferenceArray<Counter> byClass = new AtomicReferenceArray<>(CLASSES.length);
        private final Timer latency;
        private final Timer hold;
        private final Timer coldHold;
        private final Timer coldFirstResponse;
        private final Timer coldTotal;
        private final Counter bytesIn;
        private final Counter bytesOut;
        private final long created = System.nanoTime();

        Revision(MeterRegistry registry, String service, String revision) {
            this.registry = registry;
            this.service = service;
            this.revision = revision;
            this.tags = Tags.of("service", service, "revision", revision);
            this.latency = timer(registry, "nubo.gateway.request.duration",
                    "From receipt to the end of the answer, per revision, at the gateway", tags);
            this.hold = timer(registry, "nubo.gateway.hold.duration",
                    "How long requests held for room (cold start, or every instance full) waited", tags);
            this.coldHold = timer(registry, "nubo.cold.start.phase.duration", "A cold start's phases, as its requests saw them",
                    tags.and("phase", "hold"));
            this.coldFirstResponse = timer(registry, "nubo.cold.start.phase.duration", "A cold start's phases, as its requests saw them",
                    tags.and("phase", "first_response"));
            this.coldTotal = timer(registry, "nubo.cold.start.duration",
                    "Requests that arrived while the revision had no ready instance: receipt to the answer's head", tags);
            this.bytesIn = Counter.builder("nubo.gateway.request.body").baseUnit("bytes").description("Request body bytes read from callers")
                    .tags(tags).register(registry);
            this.bytesOut = Counter.builder("nubo.gateway.response.body").baseUnit("bytes").description("Response body bytes relayed to callers")
                    .tags(tags).register(registry);
        }

        @Override
        public void answered(int status, long nanos, long bytesIn, long bytesOut) {
            int c = Math.min(Math.max(status / 100, 1), 5) - 1;
            Counter counter = byClass.get(c);
            if (counter == null) {
                counter = Counter.builder("nubo.gateway.requests").description("Requests answered, by status class (499: the caller left)")
                        .tags(tags.and("code", CLASSES[c])).register(registry);  // once per class: the registry returns the same counter
                byClass.set(c, counter);
            }
            counter.increment();
            latency.record(nanos, TimeUnit.NANOSECONDS);
            if (bytesIn > 0) {
                this.bytesIn.increment(bytesIn);
            }
            if (bytesOut > 0) {
                this.bytesOut.increment(bytesOut);
            }
        }

        @Override
        public void held(long nanos) {
            hold.record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void coldStart(long holdNanos, long firstResponseNanos) {
            coldHold.record(holdNanos, TimeUnit.NANOSECONDS);
            coldFirstResponse.record(firstResponseNanos, TimeUnit.NANOSECONDS);
            coldTotal.record(holdNanos + firstResponseNanos, TimeUnit.NANOSECONDS);
        }

        String service() {
            return service;
        }

        String revision() {
            return revision;
        }

        Metrics.RevisionTotals totals() {
            java.util.Map<String, Long> requests = new java.util.TreeMap<>();
            for (int c = 0; c < CLASSES.length; c++) {
                Counter counter = byClass.get(c);
                if (counter != null) {
                    requests.put(CLASSES[c], (long) counter.count());
                }
            }
            io.micrometer.core.instrument.distribution.HistogramSnapshot snapshot = latency.takeSnapshot();
            java.util.List<Metrics.Bucket> buckets = java.util.Arrays.stream(snapshot.histogramCounts())
                    .map(b -> new Metrics.Bucket(b.bucket(TimeUnit.SECONDS), (long) b.count())).toList();
            return new Metrics.RevisionTotals(requests, snapshot.count(), buckets, coldTotal.count());
        }

        /** Running totals since the server started, for metering. */
        long answeredCount() {
            return latency.count();
        }

        /** The time spent answering, summed over requests. */
        long busyNanos() {
            return (long) latency.totalTime(TimeUnit.NANOSECONDS);
        }

        /** Requests answered with a 5xx so far. */
        long errors() {
            Counter c = byClass.get(4);
            return c == null ? 0 : (long) c.count();
        }

        /** Requests that arrived while the revision had no ready instance, so far. */
        long coldStarts() {
            return coldTotal.count();
        }

        /** Requests at or under each of {@link #BUCKETS} so far, cumulative. */
        long[] latencyBuckets() {
            var counts = latency.takeSnapshot().histogramCounts();
            long[] out = new long[BUCKETS.length];
            for (int i = 0; i < counts.length && i < out.length; i++) {
                out[i] = (long) counts[i].count();
            }
            return out;
        }

        long bytesIn() {
            return (long) bytesIn.count();
        }

        long bytesOut() {
            return (long) bytesOut.count();
        }
    }
}
