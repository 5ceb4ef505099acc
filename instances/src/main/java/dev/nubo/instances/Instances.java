package dev.nubo.instances;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs instances as OS processes on this machine: each in its own process group and cgroup (where
 * the machine allows; with its memory limit), probed for readiness on a loopback port, logged,
 * restarted with backoff when it crashes, and never left behind, not even when the server is
 * SIGKILLed or a process daemonizes.
 *
 * <pre>{@code
 * try (Instances instances = Instances.create(InstancesConfig.defaults(), InstantSource.system(), logs::publish)) {
 *     Instance i = instances.launch(spec, (instance, from, to, why) -> log.info("{} {} -> {}: {}",
 *             instance.id(), from, to, why));
 *     // STARTING now; READY once 127.0.0.1:i.port() answers the readiness probe
 * }   // close(): SIGTERM to every instance, SIGKILL after terminationGrace
 * }</pre>
 *
 * <p>Needs Linux with {@code setsid} (util-linux), {@code kill} (procps) and {@code bash}.
 */
public final class Instances implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Instances.class);

    /** The part of the server's environment every instance inherits; the rest stays private. */
    private static final List<String> INHERITED_ENV = List.of("PATH", "HOME", "LANG", "JAVA_HOME", "TMPDIR");

    private final Host host;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService events;
    private final Map<String, Instance> running = new ConcurrentHashMap<>();
    private final ReentrantLock lifecycle = new ReentrantLock(); // launch vs close
    private boolean closed;

    private Instances(Host host, ScheduledThreadPoolExecutor timer, ExecutorService events) {
        this.host = host;
        this.timer = timer;
        this.events = events;
    }

    /**
     * Starts the watchdog and the two Nubo threads, detects cgroup support, and kills what an earlier
     * run with the same {@link InstancesConfig#scope()} left in its cgroups.
     *
     * @param clock every decision (timeouts, crash loops, log timestamps) reads time from it
     * @param logListener receives every line of every instance log, on the thread that read it; it
     *     should be quick, as a slow one holds back the instance's output
     */
    public static Instances create(InstancesConfig config, InstantSource clock, Consumer<LogLine> logListener) {
        return create(config, clock, logListener, Path.of("/sys/fs/cgroup"));
    }

    /** With the cgroup hierarchies looked for under {@code cgroupRoot}: tests pick v1 or v2 with it. */
    static Instances create(InstancesConfig config, InstantSource clock, Consumer<LogLine> logListener, Path cgroupRoot) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(logListener, "logListener");
        String scope = config.scope().orElseGet(() -> "anonymous-" + HexFormat.of().toHexDigits(new SecureRandom().nextLong()));
        Optional<Cgroups> cgroups = Cgroups.detect(cgroupRoot, scope);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().daemon().name("nubo-instances-timer").unstarted(r));
        timer.setRemoveOnCancelPolicy(true);
        ExecutorService events = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().daemon().name("nubo-instances-events").unstarted(r));
        Map<String, String> baseEnv = inheritedEnv(System.getenv());
        Optional<Sandboxing> sandboxing = config.sandbox().flatMap(s -> Sandboxing.detect(s, baseEnv));
        Watchdog watchdog = Watchdog.start(cgroups.map(Cgroups::runs).orElse(List.of()));
        WarmPool pool = new WarmPool(clock, baseEnv, Host.confiner(cgroups, sandboxing), sandboxing, watchdog, timer);
        Host host = new Host(config, clock, baseEnv, cgroups, sandboxing, watchdog, timer, events, logListener, pool,
                new java.util.concurrent.atomic.AtomicReference<>(RequestsInFlight.NONE));
        return new Instances(host, timer, events);
    }

    static Map<String, String> inheritedEnv(Map<String, String> serverEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String name : INHERITED_ENV) {
            if (serverEnv.containsKey(name)) {
                env.put(name, serverEnv.get(name));
            }
        }
        return env;
    }

    /**
     * Starts a process for {@code spec} and returns at once, STARTING. A process that cannot even be
     * spawned (missing work dir, missing program) leaves the instance FAILED with the reason.
     *
     * @throws IllegalArgumentException when an instance with the same id is running
     * @throws IllegalStateException after {@link #close()}
     */
    public Instance launch(LaunchSpec spec, InstanceListener listener) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(listener, "listener");
        Instance instance;
        lifecycle.lock();
        try {
            if (closed) {
                throw new IllegalStateException("cannot launch " + spec.instanceId() + ": Instances is closed;"
                        + " launch on a new Instances");
            }
            instance = new Instance(spec, listener, host, gone -> running.remove(gone.id(), gone));
            Instance existing = running.putIfAbsent(spec.instanceId(), instance);
            if (existing != null) {
                throw new IllegalArgumentException("instance " + spec.instanceId() + " is already running ("
                        + existing.state() + "); give every instance a unique id");
            }
        } finally {
            lifecycle.unlock();
        }
        // Outside the lock: spawning takes milliseconds. A close() in between stops it before it spawns.
        instance.start();
        return instance;
    }

    /**
     * From now on, a stdout or stderr line that an instance writes while {@code requests} says it
     * serves exactly one request, and that does not name that request's id already, is logged with
     * {@code [ID] } in front, so {@code nubo logs --request ID} finds it. Which request was in flight
     * is decided when Nubo reads the line, a moment after the process wrote it.
     */
    public void attributeLines(RequestsInFlight requests) {
        host.requests().set(Objects.requireNonNull(requests, "requests"));
    }

    /**
     * The last {@code lines} lines of an instance's log file (its rotated part included), oldest
     * first, formatted as {@link LogLine#format()}. Works after the instance is gone, for the logs of
     * a crash; a missing file has no lines.
     */
    public static List<String> logTail(Path logFile, int lines) {
        return InstanceLog.tail(logFile, lines);
    }

    /**
     * Starts keeping {@link WarmStart#poolSize()} idle processes of this kind, so that the first
     * launch naming it already finds one. Launches that name a kind remember it too.
     */
    public void prewarm(WarmStart start) {
        Objects.requireNonNull(start, "start");
        host.pool().prewarm(start);
    }

    /** One pool of idle runtime processes. */
    public record PoolStatus(String key, int idle, int poolSize, boolean givenUp) {}

    /** The pools of idle runtime processes, least recently used first. */
    public List<PoolStatus> pools() {
        return host.pool().status();
    }

    /**
     * What this machine lets Nubo enforce, as found at start: whether instances are sandboxed, and
     * which limits nothing enforces. {@code nubo describe} shows it per service, so that a limit in
     * nubo.yaml is never silently ignored.
     *
     * @param sandboxed whether every process runs in the {@link Sandbox} ({@code false} also when none was asked for)
     * @param unenforced the limits ({@code memory}, {@code cpu}, {@code process count}) no cgroup enforces;
     *     the process count is then still capped per instance by {@code RLIMIT_NPROC} when sandboxed
     */
    public record Enforcement(boolean sandboxed, List<String> unenforced) {}

    public Enforcement enforcement() {
        List<String> unenforced = host.cgroups().map(Cgroups::unenforced).orElse(java.util.EnumSet.allOf(Controller.class))
                .stream().filter(c -> !(c == Controller.PIDS && host.sandboxing().isPresent()))
                .map(Controller::limitName).toList();
        return new Enforcement(host.sandboxing().isPresent(), unenforced);
    }

    /** Instances not yet STOPPED or FAILED, oldest first. Final ones are dropped: keep your reference. */
    public List<Instance> all() {
        return running.values().stream()
                .sorted(Comparator.comparing(Instance::createdAt).thenComparing(Instance::id))
                .toList();
    }

    /**
     * Stops every instance (SIGTERM, SIGKILL after {@link InstancesConfig#terminationGrace()}), then
     * the watchdog, which SIGKILLs any group still registered, and the Nubo threads. Idempotent.
     */
    @Override
    public void close() {
        List<Instance> toStop;
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            toStop = List.copyOf(running.values());
        } finally {
            lifecycle.unlock();
        }
        host.pool().close();
        Duration grace = host.config().terminationGrace();
        CompletableFuture<?>[] stops = toStop.stream().map(i -> i.stop(grace)).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(stops).get(grace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("not every instance stopped within 10s of its SIGKILL; the watchdog kills what is left");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        host.watchdog().close();
        timer.shutdownNow();
        events.shutdown();
        try {
            if (!events.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("instance listeners still busy 5s after close; not waiting for them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
