package dev.nubo.instances;

import dev.nubo.model.NuboException;
import dev.nubo.model.Quantities;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of a revision: a {@link LaunchSpec} kept running as an OS process, restarted with
 * backoff when it crashes, until it is stopped or gives up. It keeps its id, log and listener across
 * restarts; {@link #pid()} and {@link #port()} change with each new process. Created by
 * {@link Instances#launch}.
 *
 * <pre>{@code
 * Instance instance = instances.launch(spec, (i, from, to, why) -> routes.update(i, to));
 * // ... once READY, route to instance.host():instance.port()
 * instance.drain();                                  // out of routing, never restarted
 * instance.stop(Duration.ofSeconds(10)).join();      // SIGTERM, SIGKILL after 10s
 * }</pre>
 *
 * <p>Thread-safe. State changes happen under one lock per instance and follow the
 * {@link InstanceState} table; listeners, the log listener and signals run after it is released.
 */
public final class Instance {

    private static final Logger LOG = LoggerFactory.getLogger(Instance.class);

    private final LaunchSpec spec;
    private final InstanceListener listener;
    private final Host host;
    private final InstanceLog log;
    private final Consumer<Instance> whenFinal;
    private final Instant createdAt;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock.
    private final CrashLoop crashLoop;
    private InstanceState state = InstanceState.STARTING;
    private InstanceProcess process; // null while no process runs
    private int port;
    private Instant readyAt;
    private boolean everReady;
    private int restarts;
    private String failure;
    private ScheduledFuture<?> restartTimer;
    private CompletableFuture<Void> stopped; // set by the first stop()
    private List<Runnable> afterUnlock = new ArrayList<>();

    Instance(LaunchSpec spec, InstanceListener listener, Host host, Consumer<Instance> whenFinal) {
        this.spec = spec;
        this.listener = listener;
        this.host = host;
        this.whenFinal = whenFinal;
        this.createdAt = host.clock().instant();
        this.crashLoop = new CrashLoop(host.config());
        this.log = new InstanceLog(spec.instanceId(), spec.logFile(), host.config().maxLogBytes(), host.clock(),
                host.logListener(), host.requests()::get);
    }

    public String id() {
        return spec.instanceId();
    }

    public LaunchSpec spec() {
        return spec;
    }

    public InstanceState state() {
        return read(() -> state);
    }

    /**
     * The address to reach the instance's process at: where it listens and is probed, the machine's
     * loopback (instances never listen on other interfaces; the gateway is the one way in).
     */
    public String host() {
        return LoopbackPort.HOST;
    }

    /** The port of the current process, or of the last one when none runs; 0 before the first. */
    public int port() {
        return read(() -> port);
    }

    /** The pid (and process group id) of the current process; empty while none runs. */
    public OptionalLong pid() {
        return read(() -> process == null ? OptionalLong.empty() : OptionalLong.of(process.pid()));
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** When the current, or last, process became ready. */
    public Optional<Instant> readyAt() {
        return read(() -> Optional.ofNullable(readyAt));
    }

    /** Whether the current process was taken from a pool of prewarmed ones rather than started fresh. */
    public boolean pooled() {
        return read(() -> process != null && process.pooled());
    }

    /** How many processes were started after the first. */
    public int restarts() {
        return read(() -> restarts);
    }

    /** Why the instance is {@link InstanceState#FAILED}; empty otherwise. */
    public Optional<String> failure() {
        return read(() -> Optional.ofNullable(failure));
    }

    /**
     * Marks the instance as taken out of routing: it moves to DRAINING and is never restarted. The
     * process keeps running until {@link #stop}. Also accepted while STARTING or BACKOFF, so a drain
     * racing a crash still means "no restart"; ignored once DRAINING, STOPPED or FAILED.
     */
    public void drain() {
        locked(() -> {
            if (state == InstanceState.READY || state == InstanceState.STARTING || state == InstanceState.BACKOFF) {
                cancelRestart();
                move(InstanceState.DRAINING, "drained");
            }
        });
    }

    /**
     * Stops the instance for good: SIGTERM to its whole process group, SIGKILL after {@code grace}
     * if the process is still there. Completes once the process is gone and its cgroup removed, the
     * state is STOPPED and the listener has been told (so on the listener thread); at once when no
     * process runs. Idempotent; on a FAILED instance it completes at once and the state stays FAILED.
     */
    public CompletableFuture<Void> stop(Duration grace) {
        return lockedValue(() -> {
            if (stopped != null) {
                return stopped;
            }
            if (state.isFinal()) {
                return CompletableFuture.completedFuture(null);
            }
            stopped = new CompletableFuture<>();
            cancelRestart();
            if (process == null) {
                move(InstanceState.STOPPED, "stopped");
                completeAfterListener(stopped);
            } else {
                InstanceProcess running = process;
                afterUnlock.add(() -> running.terminate(grace)); // runs `kill`: not under the lock
            }
            return stopped;
        });
    }

    /**
     * Adds a line from Nubo to this instance's log, for what a platform component saw of it (a
     * custom runtime's init error, say). Ignored once the instance is STOPPED or FAILED.
     */
    public void note(String text) {
        if (!state().isFinal()) {
            log.nubo(text);
        }
    }

    /** The last {@code lines} lines of this instance's log, formatted, oldest first. */
    public List<String> logTail(int lines) {
        return log.tail(lines);
    }

    @Override
    public String toString() {
        return read(() -> "Instance[" + spec.instanceId() + " " + state
                + (process == null ? "" : " pid " + process.pid() + " port " + port) + "]");
    }

    // ---- called by Instances and InstanceProcess ----

    void start() {
        locked(() -> {
            if (state == InstanceState.STARTING && stopped == null && process == null) {
                spawn();
            }
        });
    }

    boolean awaitsReadiness(InstanceProcess candidate) {
        return read(() -> candidate == process && state == InstanceState.STARTING && stopped == null);
    }

    void ready(InstanceProcess candidate, String reason) {
        locked(() -> {
            if (candidate == process && state == InstanceState.STARTING && stopped == null) {
                readyAt = host.clock().instant();
                everReady = true;
                move(InstanceState.READY, reason);
            }
        });
    }

    /** The process is gone and cleaned up: decide between STOPPED, BACKOFF and FAILED. */
    void exited(InstanceProcess gone, ExitStatus status) {
        locked(() -> {
            if (gone != process) {
                return;
            }
            process = null;
            if (stopped != null) {
                move(InstanceState.STOPPED, "stopped");
                completeAfterListener(stopped);
                return;
            }
            if (state == InstanceState.DRAINING) {
                move(InstanceState.STOPPED, status.describe() + " while draining");
                return;
            }
            boolean starting = state == InstanceState.STARTING;
            String reason = !starting ? status.describe()
                    : gone.timedOut() ? "not ready within " + Quantities.formatDuration(spec.startTimeout())
                            + " (readiness: " + gone.readiness().describe() + ")"
                    : status.describe() + " before becoming ready";
            if (starting && !spec.proven() && !everReady) {
                fail(reason);
                return;
            }
            if (!starting && status.code() == ExitStatus.REPLACE_ME && status.oomLimit().isEmpty()) {
                // It served, then asked to be replaced (a function stuck past its timeout): not a crash,
                // so it neither waits out a backoff nor counts towards a crash loop.
                backOff(reason + "; asked to be replaced", Duration.ZERO);
                return;
            }
            switch (crashLoop.exited(host.clock().instant())) {
                case CrashLoop.GiveUp g -> fail("crash loop: exited " + g.exits() + " times in "
                        + Quantities.formatDuration(g.window()) + "; last: " + reason);
                case CrashLoop.Restart r -> backOff(reason, r.delay());
            }
        });
    }

    // ---- under lock ----

    private void backOff(String reason, Duration delay) {
        try {
            restartTimer = host.timer().schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            fail(reason + "; not restarted because Instances is closed");
            return;
        }
        move(InstanceState.BACKOFF, reason);
        String line = "restarting in " + Quantities.formatDuration(delay) + " (restart " + (restarts + 1) + ")";
        afterUnlock.add(() -> log.nubo(line));
    }

    private void restart() {
        try {
            locked(this::restartNow);
        } catch (RuntimeException e) {
            LOG.error("restarting instance {} failed", id(), e); // a bug: the timer would swallow it
        }
    }

    private void restartNow() {
        if (state != InstanceState.BACKOFF || stopped != null) {
            return;
        }
        restartTimer = null;
        restarts++;
        move(InstanceState.STARTING, "restart " + restarts);
        spawn();
    }

    private void spawn() {
        try {
            process = InstanceProcess.start(this, host, log);
            port = process.port();
        } catch (IOException | NuboException e) {
            fail("could not start: " + e.getMessage());
        }
    }

    private void fail(String reason) {
        failure = reason;
        afterUnlock.add(() -> log.nubo("failed: " + reason));
        move(InstanceState.FAILED, reason);
    }

    private void cancelRestart() {
        if (restartTimer != null) {
            restartTimer.cancel(false);
            restartTimer = null;
        }
    }

    /** Changes state per the table and queues the listener call; submitted under the lock to keep order. */
    private void move(InstanceState to, String reason) {
        InstanceState from = state;
        state = from.moveTo(to);
        try {
            host.events().execute(() -> tell(from, to, reason));
        } catch (RejectedExecutionException closed) {
            LOG.debug("instance {} {} -> {} after Instances closed; listener not told", id(), from, to);
        }
        if (to.isFinal()) {
            afterUnlock.add(log::close);
            afterUnlock.add(() -> whenFinal.accept(this));
        }
    }

    /** Queued behind the STOPPED notification: whoever waits on stop() finds the listener told. */
    private void completeAfterListener(CompletableFuture<Void> done) {
        try {
            host.events().execute(() -> done.complete(null));
        } catch (RejectedExecutionException closed) {
            done.complete(null);
        }
    }

    private void tell(InstanceState from, InstanceState to, String reason) {
        try {
            listener.changed(this, from, to, reason);
        } catch (RuntimeException e) {
            LOG.warn("listener of instance {} failed on {} -> {}", id(), from, to, e);
        }
    }

    private <T> T read(Supplier<T> value) {
        lock.lock();
        try {
            return value.get();
        } finally {
            lock.unlock();
        }
    }

    private void locked(Runnable action) {
        lockedValue(() -> {
            action.run();
            return null;
        });
    }

    /** Runs {@code action} under the lock, then what it queued in afterUnlock, without the lock. */
    private <T> T lockedValue(Supplier<T> action) {
        List<Runnable> after;
        T result;
        lock.lock();
        try {
            result = action.get();
        } finally {
            after = afterUnlock;
            afterUnlock = new ArrayList<>();
            lock.unlock();
        }
        after.forEach(Runnable::run);
        return result;
    }
}
