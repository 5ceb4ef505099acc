package dev.nubo.metrics;

import dev.nubo.store.UsageLog.Usage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Metering: turns what is seen at each sample (the instances alive, each revision's running totals at
 * the gateway) into usage per service, revision and hour, to be added to the store's rollups.
 * Time is a parameter: every figure comes from the {@code now} handed in, so tests step a clock.
 *
 * <ul>
 *   <li><b>GB-seconds</b>: an instance's memory times its lifetime, from its creation (the first time
 *       it is seen) or the previous sample to this one, split exactly at hour boundaries. An instance
 *       that ended between two samples is counted until the last sample that saw it.</li>
 *   <li><b>Active GB-seconds</b>: memory times the time spent answering requests, summed per request
 *       (as Lambda bills a duration), from the gateway's latency totals.</li>
 *   <li><b>CPU-seconds</b>: the growth of each instance process's user + system time.</li>
 *   <li><b>Invocations, bytes in and out</b>: the growth of the gateway's totals.</li>
 * </ul>
 * Growth measured between two samples goes to the hour of the later one. Not thread-safe: one
 * sampler calls it.
 */
public final class Metering {

    /** One live instance at a sample. {@code cpuMs}: its process's CPU time so far, when readable. */
    public record InstanceSample(String service, String revision, String instance, long memoryBytes, Instant createdAt, OptionalLong cpuMs) {}

    /** A revision's running totals at the gateway since the server started. */
    public record RevisionTraffic(String service, String revision, long requests, long busyNanos, long bytesIn, long bytesOut) {}

    private record Seen(Instant at, long cpuMs) {}

    private record Key(String service, String revision, Instant hour) {}

    private final Map<String, Seen> instances = new HashMap<>();
    private final Map<String, RevisionTraffic> traffic = new HashMap<>();
    private final Map<String, Long> memory = new HashMap<>();

    /** The usage since the previous sample, one row per service, revision and hour that had any. */
    public List<Usage> sample(Instant now, List<InstanceSample> alive, List<RevisionTraffic> totals) {
        Map<Key, long[]> rows = new LinkedHashMap<>();  // invocations, mibMs, activeMibMs, cpuMs, bytesIn, bytesOut
        Map<String, Seen> next = new HashMap<>();
        for (InstanceSample i : alive) {
            memory.put(i.revision(), i.memoryBytes());
            Seen before = instances.get(i.instance());
            Instant from = before != null ? before.at() : i.createdAt();
            long mib = i.memoryBytes() >> 20;
            for (Instant t = from; t.isBefore(now); ) {
                Instant hour = t.truncatedTo(ChronoUnit.HOURS);
                Instant end = min(hour.plus(Duration.ofHours(1)), now);
                add(rows, i.service(), i.revision(), hour)[1] += mib * Duration.between(t, end).toMillis();
                t = end;
            }
            long cpu = i.cpuMs().orElse(before == null ? 0 : before.cpuMs());
            long grew = cpu - (before == null ? 0 : before.cpuMs());
            if (grew > 0) {
                add(rows, i.service(), i.revision(), hourOf(now))[3] += grew;
            }
            next.put(i.instance(), new Seen(max(now, from), cpu));
        }
        instances.clear();
        instances.putAll(next);
        for (RevisionTraffic t : totals) {
            RevisionTraffic before = traffic.getOrDefault(t.revision(), new RevisionTraffic(t.service(), t.revision(), 0, 0, 0, 0));
            long requests = t.requests() - before.requests();
            if (requests != 0 || t.bytesIn() != before.bytesIn() || t.bytesOut() != before.bytesOut()) {
                long[] row = add(rows, t.service(), t.revision(), hourOf(now));
                row[0] += requests;
                row[2] += (memory.getOrDefault(t.revision(), 0L) >> 20) * ((t.busyNanos() - before.busyNanos()) / 1_000_000);
                row[4] += t.bytesIn() - before.bytesIn();
                row[5] += t.bytesOut() - before.bytesOut();
            }
            traffic.put(t.revision(), t);
        }
        List<Usage> out = new ArrayList<>();
        rows.forEach((k, v) -> out.add(new Usage(k.service(), k.revision(), k.hour(), v[0], v[1], v[2], v[3], v[4], v[5])));
        return out;
    }

    private static long[] add(Map<Key, long[]> rows, String service, String revision, Instant hour) {
        return rows.computeIfAbsent(new Key(service, revision, hour), k -> new long[6]);
    }

    private static Instant hourOf(Instant now) {
        return now.minusNanos(1).truncatedTo(ChronoUnit.HOURS);  // growth up to 13:00:00 belongs to 12:00
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
