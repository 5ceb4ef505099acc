package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * What every instance of one {@link Instances} shares: the machine-facing parts (environment, cgroups,
 * watchdog) and the two Nubo threads.
 *
 * @param baseEnv the inherited part of every instance's environment
 * @param cgroups where this server's processes are kept; empty when the machine gives it no cgroup
 * @param sandboxing the sandbox every process runs in; empty when none was asked for or the machine has none
 * @param timer runs restarts after backoff and SIGKILLs after a stop's grace
 * @param events delivers {@link InstanceListener} calls in order, outside every lock
 * @param pool idle runtime processes started ahead of time, for launches with a {@link WarmStart}
 * @param requests who tells which request an instance serves alone, to attribute its lines ({@link Instances#attributeLines})
 */
record Host(
        InstancesConfig config,
        InstantSource clock,
        Map<String, String> baseEnv,
        Optional<Cgroups> cgroups,
        Optional<Sandboxing> sandboxing,
        Watchdog watchdog,
        ScheduledExecutorService timer,
        Executor events,
        Consumer<LogLine> logListener,
        WarmPool pool,
        java.util.concurrent.atomic.AtomicReference<RequestsInFlight> requests) {

    /**
     * The cgroup and sandbox of a new process, and the command that starts {@code command} inside them.
     * {@code code} is what the sandbox shows the process as its own code.
     */
    Confinement confine(String name, Limits limits, Path code, List<Path> writable, Optional<Path> secrets) throws IOException {
        return confined(cgroups, sandboxing, name, limits, code, writable, secrets);
    }

    static Confiner confiner(Optional<Cgroups> cgroups, Optional<Sandboxing> sandboxing) {
        return (name, limits, code) -> confined(cgroups, sandboxing, name, limits, code, List.of(), Optional.empty());
    }

    private static Confinement confined(Optional<Cgroups> cgroups, Optional<Sandboxing> sandboxing, String name,
            Limits limits, Path code, List<Path> writable, Optional<Path> secrets) throws IOException {
        Optional<Cgroup> cgroup = Optional.empty();
        if (cgroups.isPresent()) {
            cgroup = Optional.of(cgroups.get().create(name, limits));
        }
        boolean pidsCgroup = cgroup.filter(c -> c.limiters().containsKey(Controller.PIDS)).isPresent();
        Optional<SandboxCell> cell = Optional.empty();
        if (sandboxing.isPresent()) {
            try {
                cell = Optional.of(sandboxing.get().cell(code, pidsCgroup ? 0 : limits.processes(), writable, secrets));
            } catch (IOException e) {
                cgroup.ifPresent(Cgroup::remove);
                throw new IOException("cannot hand " + writable + (secrets.isPresent() ? " and the secret files" : "")
                        + " to the sandbox's user: " + e.getMessage(), e);
            }
        }
        return new Confinement(cgroup, cell);
    }

    /** What the pool needs of the host before the host exists. */
    interface Confiner {
        Confinement confine(String name, Limits limits, Path code) throws IOException;
    }

    /** A new process's cgroup (where the machine has them) and sandbox cell (where the sandbox is on). */
    record Confinement(Optional<Cgroup> cgroup, Optional<SandboxCell> cell) {}
}
