package dev.nubo.instances;

import dev.nubo.model.Quantities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle runtime processes started ahead of time, per {@link WarmStart#key()}, so that a cold start
 * hands a function to a process that is already up instead of starting one. A taken process is
 * replaced in the background; one that dies while idle is logged and replaced, unless processes of
 * its kind keep dying, which stops the refills of that kind until one is taken again.
 *
 * <p>Kinds are remembered from {@link #prewarm} and from every launch that names one; at most
 * {@link #MAX_KINDS} are kept filled, the least recently used kind giving way to a new one.
 */
final class WarmPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

    static final int MAX_KINDS = 8;
    /** A refill waits a little, so it does not take CPU from the cold start that emptied the pool. */
    private static final Duration REFILL_DELAY = Duration.ofMillis(300);
    /** Pooled processes of one kind that die in a row before anyone takes one: then stop refilling it. */
    private static final int FAILURES_TO_GIVE_UP = 3;

    private final InstantSource clock;
    private final Map<String, String> baseEnv;
    private final Host.Confiner confiner;
    private final Optional<Sandboxing> sandboxing;
    private final Watchdog watchdog;
    private final ScheduledExecutorService timer;
    private final AtomicLong ids = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Kind> kinds = new LinkedHashMap<>(16, 0.75f, true); // guarded by lock; LRU order
    private boolean closed; // guarded by lock

    /** Guarded by the pool's lock. */
    private static final class Kind {
        WarmStart start;
        final Deque<PooledProcess> idle = new ArrayDeque<>();
        int starting;
        int failuresInARow;
        boolean refillScheduled;

        Kind(WarmStart start) {
            this.start = start;
        }
    }

    WarmPool(InstantSource clock, Map<String, String> baseEnv, Host.Confiner confiner, Optional<Sandboxing> sandboxing,
            Watchdog watchdog, ScheduledExecutorService timer) {
        this.clock = clock;
        this.baseEnv = baseEnv;
        this.confiner = confiner;
        this.sandboxing = sandboxing;
        this.watchdog = watchdog;
        this.timer = timer;
    }

    /** Starts filling the pool of this kind now. */
    void prewarm(WarmStart start) {
        List<PooledProcess> evicted;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            evicted = remember(start);
            fillLater(kinds.get(start.key()), Duration.ZERO);
        } finally {
            lock.unlock();
        }
        evicted.forEach(this::discard);
    }

    /** An idle process of this kind, oldest (so most likely warmed up) first; empty when there is none. */
    Optional<PooledProcess> take(WarmStart start) {
        List<PooledProcess> evicted;
        PooledProcess taken = null;
        lock.lock();
        try {
            if (closed) {
                return Optional.empty();
            }
            evicted = remember(start);
            Kind kind = kinds.get(start.key());
            kind.failuresInARow = 0;
            while (taken == null && !kind.idle.isEmpty()) {
                PooledProcess candidate = kind.idle.pollFirst();
                if (candidate.process().isAlive()) {
                    taken = candidate;
                }
            }
            fillLater(kind, REFILL_DELAY);
        } finally {
            lock.unlock();
        }
        evicted.forEach(this::discard);
        return Optional.ofNullable(taken);
    }

    List<Instances.PoolStatus> status() {
        lock.lock();
        try {
            return kinds.values().stream()
                    .map(k -> new Instances.PoolStatus(k.start.key(), k.idle.size(), k.start.poolSize(), k.failuresInARow >= FAILURES_TO_GIVE_UP))
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    /** Kills every idle process. Taken ones belong to their instances. */
    @Override
    public void close() {
        List<PooledProcess> idle = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            kinds.values().forEach(k -> idle.addAll(k.idle));
            kinds.clear();
        } finally {
            lock.unlock();
        }
        idle.forEach(this::discard);
    }

    // ---- under lock ----

    /** Records the kind (a newer spec for a key replaces the older); returns the idle processes of an evicted kind. */
    private List<PooledProcess> remember(WarmStart start) {
        Kind kind = kinds.get(start.key());
        if (kind != null) {
            kind.start = start;
            return List.of();
        }
        kinds.put(start.key(), new Kind(start));
        List<PooledProcess> evicted = new ArrayList<>();
        Iterator<Kind> oldest = kinds.values().iterator();
        while (kinds.size() > MAX_KINDS) {
            Kind gone = oldest.next();
            evicted.addAll(gone.idle);
            oldest.remove();
            LOG.info("runtime pool: no longer keeping {} warm (more than {} kinds in use)", gone.start.key(), MAX_KINDS);
        }
        return evicted;
    }

    private void fillLater(Kind kind, Duration delay) {
        if (kind.refillScheduled || kind.failuresInARow >= FAILURES_TO_GIVE_UP
                || kind.idle.size() + kind.starting >= kind.start.poolSize()) {
            return;
        }
        kind.refillScheduled = true;
        String key = kind.start.key();
        try {
            timer.schedule(() -> fill(key), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shutDown) {
            kind.refillScheduled = false;
        }
    }

    // ---- on the timer ----

    private void fill(String key) {
        while (true) {
            WarmStart start;
            lock.lock();
            try {
                Kind kind = kinds.get(key);
                if (kind == null || closed) {
                    return;
                }
                kind.refillScheduled = false;
                if (kind.failuresInARow >= FAILURES_TO_GIVE_UP || kind.idle.size() + kind.starting >= kind.start.poolSize()) {
                    return;
                }
                kind.starting++;
                start = kind.start;
            } finally {
                lock.unlock();
            }
            PooledProcess started = null;
            try {
                started = spawn(start);
            } catch (IOException | RuntimeException e) {
                LOG.warn("runtime pool: cannot start a {} process: {}", key, e.getMessage());
            }
            boolean keep = false;
            lock.lock();
            try {
                Kind kind = kinds.get(key);
                if (kind != null) {
                    kind.starting--;
                    if (started == null) {
                        kind.failuresInARow++;
                    } else if (!closed) {
                        kind.idle.addLast(started);
                        keep = true;
                    }
                }
            } finally {
                lock.unlock();
            }
            if (started == null) {
                return;
            }
            if (!keep) {
                discard(started);
                return;
            }
        }
    }

    private PooledProcess spawn(WarmStart start) throws IOException {
        if (!Files.isDirectory(start.workDir())) {
            throw new IOException("working directory " + start.workDir() + " does not exist");
        }
        String id = "pool-" + start.key().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + ids.incrementAndGet();
        Optional<Path> slot = Optional.empty();
        if (sandboxing.isPresent()) {
            slot = Optional.of(sandboxing.get().newSlot(id));
        }
        // CPU and process limits are the function's: set when it is specialised.
        Host.Confinement confined = confiner.confine(id, new Limits(start.memoryBytes(), 0, 0), slot.orElse(start.workDir()));
        Optional<Cgroup> cgroup = confined.cgroup();
        Map<String, String> env = new HashMap<>(start.env());
        env.put("NUBO_POOL", "1");
        Process process;
        try {
            process = InstanceProcess.spawn(start.command(), baseEnv, env, start.workDir(), confined);
        } catch (IOException e) {
            cgroup.ifPresent(Cgroup::remove);
            slot.ifPresent(Sandboxing::removeTree);
            throw e;
        }
        watchdog.watch(process.pid());
        PooledProcess pooled = new PooledProcess(id, start, process, cgroup, slot, clock.instant());
        pooled.pumps(List.of(
                Thread.ofPlatform().daemon().name("nubo-log-" + id + "-stdout").start(new LinePump(process.getInputStream(), "stdout", pooled)),
                Thread.ofPlatform().daemon().name("nubo-log-" + id + "-stderr").start(new LinePump(process.getErrorStream(), "stderr", pooled))));
        process.onExit().thenRun(() -> diedIdle(pooled));
        LOG.debug("runtime pool: started {} (pid {})", id, process.pid());
        return pooled;
    }

    /** Runs for every pooled process that exits; only those still idle are the pool's business. */
    private void diedIdle(PooledProcess pooled) {
        boolean wasIdle;
        lock.lock();
        try {
            Kind kind = kinds.get(pooled.start().key());
            wasIdle = kind != null && kind.idle.remove(pooled);
            if (wasIdle && !closed) {
                kind.failuresInARow++;
                if (kind.failuresInARow >= FAILURES_TO_GIVE_UP) {
                    LOG.error("runtime pool: {} pooled {} processes died before use, in a row; not starting more"
                            + " until one is needed", FAILURES_TO_GIVE_UP, kind.start.key());
                }
                fillLater(kind, REFILL_DELAY);
            }
        } finally {
            lock.unlock();
        }
        if (wasIdle) {
            LOG.warn("runtime pool: idle {} exited with status {} after {} before use; its output:{}", pooled.id(),
                    pooled.process().exitValue(),
                    Quantities.formatDuration(Duration.between(pooled.startedAt(), clock.instant())), pooled.keptOutput());
            pooled.release(watchdog);
        }
    }

    /** Kills an idle process that will not be used. */
    private void discard(PooledProcess pooled) {
        pooled.release(watchdog);
    }
}
