package dev.nubo.instances;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A generic runtime process started ahead of time by {@link WarmPool}, waiting for its function on
 * stdin. Its output is read from the start (so it can never block on a full pipe) and kept here
 * until an instance adopts the process; then the kept lines, and every later one, go to that
 * instance's log.
 */
final class PooledProcess implements LineSink {

    /** A pooled process prints a line or two while it waits; more is kept only up to this. */
    private static final int KEPT_LINES = 50;

    private final String id;
    private final WarmStart start;
    private final Process process;
    private final Optional<Cgroup> cgroup;
    /** In a sandbox: the directory the process will see its function's code in, empty until it is specialised. */
    private final Optional<Path> slot;
    private final Instant startedAt;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<String[]> kept = new ArrayDeque<>(); // guarded by lock, until adopted
    private LineSink adopter; // guarded by lock
    private List<Thread> pumps = List.of();

    PooledProcess(String id, WarmStart start, Process process, Optional<Cgroup> cgroup, Optional<Path> slot,
            Instant startedAt) {
        this.slot = slot;
        this.id = id;
        this.start = start;
        this.process = process;
        this.cgroup = cgroup;
        this.startedAt = startedAt;
    }

    String id() {
        return id;
    }

    WarmStart start() {
        return start;
    }

    Process process() {
        return process;
    }

    ProcessGroup group() {
        return new ProcessGroup(process.pid());
    }

    Optional<Cgroup> cgroup() {
        return cgroup;
    }

    Optional<Path> slot() {
        return slot;
    }

    Instant startedAt() {
        return startedAt;
    }

    List<Thread> pumps() {
        return pumps;
    }

    void pumps(List<Thread> threads) {
        this.pumps = List.copyOf(threads);
    }

    @Override
    public void append(String stream, String text) {
        LineSink target;
        lock.lock();
        try {
            target = adopter;
            if (target == null) {
                if (kept.size() == KEPT_LINES) {
                    kept.removeFirst();
                }
                kept.addLast(new String[] {stream, text});
                return;
            }
        } finally {
            lock.unlock();
        }
        target.append(stream, text);
    }

    /**
     * Lets go of a process that will not serve: kills its group and everything in its cgroup, removes
     * the cgroup and takes the process off the watchdog. For a process that died idle, or one being
     * discarded.
     */
    void release(Watchdog watchdog) {
        group().kill();
        cgroup.ifPresent(Cgroup::remove);
        slot.ifPresent(Sandboxing::removeTree);
        watchdog.forget(process.pid());
    }

    /** What the process printed before anyone adopted it, for a message when it dies in the pool. */
    String keptOutput() {
        lock.lock();
        try {
            StringBuilder out = new StringBuilder();
            for (String[] line : kept) {
                out.append("\n  ").append(line[0]).append(": ").append(line[1]);
            }
            return out.toString();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands the process its function: the variables as NUL-terminated {@code NAME=VALUE} entries,
     * ended by an empty entry, then closes its stdin. From now on its output goes to {@code log}.
     *
     * @throws IOException when the process is gone (its stdin pipe is broken)
     */
    void specialise(Map<String, String> variables, LineSink log) throws IOException {
        StringBuilder message = new StringBuilder();
        variables.forEach((name, value) -> message.append(name).append('=').append(value).append('\0'));
        message.append('\0');
        try (OutputStream in = process.getOutputStream()) {
            in.write(message.toString().getBytes(StandardCharsets.UTF_8));
        }
        List<String[]> earlier;
        lock.lock();
        try {
            adopter = log;
            earlier = List.copyOf(kept);
            kept.clear();
        } finally {
            lock.unlock();
        }
        // Lines printed between the copy and here reach the log before these: harmless, they are a line or two.
        earlier.forEach(line -> log.append(line[0], line[1]));
    }
}
