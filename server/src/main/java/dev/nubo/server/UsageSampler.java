package dev.nubo.server;

import dev.nubo.instances.Instance;
import dev.nubo.instances.InstanceState;
import dev.nubo.metrics.Metering;
import dev.nubo.metrics.Metrics;
import dev.nubo.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metering's sampler: every {@link #EVERY} (and before {@code GET /v1/usage} answers, and once more
 * at shutdown) it hands {@link Metering} the live instances and the gateway's totals and adds what
 * grew to the store's hourly rollups. Only this node's instances and gateway: on several nodes each
 * adds its own share to the same rows.
 */
final class UsageSampler implements AutoCloseable {

    static final Duration EVERY = Duration.ofSeconds(15);
    /** Linux's USER_HZ, which /proc reports CPU times in; 100 on every mainstream kernel. */
    private static final long TICKS_PER_SECOND = 100;
    /** The page size /proc/PID/statm counts in; 4 KiB on x86-64 and most arm64 kernels. */
    private static final long PAGE_BYTES = 4096;
    private static final Logger log = LoggerFactory.getLogger(UsageSampler.class);

    private final Metering metering = new Metering();
    private final Metrics metrics;
    private final ServiceRecords records;
    private final Reconciler reconciler;
    private final Store store;
    private final InstantSource clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("nubo-usage").daemon().factory());

    UsageSampler(Metrics metrics, ServiceRecords records, Reconciler reconciler, Store store, InstantSource clock) {
        this.metrics = metrics;
        this.records = records;
        this.reconciler = reconciler;
        this.store = store;
        this.clock = clock;
        timer.scheduleWithFixedDelay(this::sampleQuietly, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Adds the usage since the previous sample to the store. */
    synchronized void sample() {
        List<Metering.InstanceSample> alive = new ArrayList<>();
        for (var service : records.services()) {
            for (var revision : records.of(service.name()).revisions()) {
                for (Instance i : reconciler.instances(service.name(), revision.id())) {
                    if (i.state() != InstanceState.STOPPED && i.state() != InstanceState.FAILED) {
                        alive.add(new Metering.InstanceSample(service.name(), revision.id(), i.id(), i.spec().memoryBytes(),
                                i.createdAt(), i.pid().isPresent() ? cpuMs(i.pid().getAsLong()) : OptionalLong.empty()));
                    }
                }
            }
        }
        store.usage().add(metering.sample(clock.instant(), alive, metrics.traffic()));
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            log.warn("metering could not record usage; it tries again in {}", EVERY, e);
        }
    }

    /** User plus system CPU time of a process so far, from /proc (Linux); empty where unreadable. */
    static OptionalLong cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);  // utime, stime: fields 14 and 15 of stat
            return OptionalLong.of(ticks * 1000 / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Resident memory of a process now, from /proc (Linux); empty where unreadable. */
    static OptionalLong rssBytes(long pid) {
        try {
            String[] statm = Files.readString(Path.of("/proc", Long.toString(pid), "statm")).trim().split(" ");
            return OptionalLong.of(Long.parseLong(statm[1]) * PAGE_BYTES);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Records the last stretch before the instances stop. */
    @Override
    public void close() {
        timer.shutdownNow();
        sampleQuietly();
    }
}
