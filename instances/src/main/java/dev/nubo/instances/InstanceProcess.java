package dev.nubo.instances;

import dev.nubo.model.Quantities;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One OS process of an {@link Instance}; a restart is a new one. Its supervisor thread tells the
 * instance when the process becomes ready and when it is gone, and in between it does the cleanup
 * that must happen before anyone may start the next process: kill what is left of the process
 * group, read and remove the cgroup, unregister from the watchdog, and finish copying the output.
 */
final class InstanceProcess {

    /** A pump still running after this has a process outside the group holding its pipe. */
    private static final Duration PUMP_DRAIN = Duration.ofSeconds(2);

    private final Instance instance;
    private final Host host;
    private final InstanceLog log;
    private final Process process;
    private final ProcessGroup group;
    private final Optional<Path> cgroup;
    private final Readiness readiness;
    private final Instant startedAt;
    private final List<Thread> pumps = new ArrayList<>();
    private volatile boolean timedOut;
    private volatile Future<?> killAfterGrace;

    private InstanceProcess(Instance instance, Host host, InstanceLog log, Process process, Optional<Path> cgroup,
            Readiness readiness) {
        this.instance = instance;
        this.host = host;
        this.log = log;
        this.process = process;
        this.group = new ProcessGroup(process.pid());
        this.cgroup = cgroup;
        this.readiness = readiness;
        this.startedAt = host.clock().instant();
    }

    /** Spawns the process and its supervisor; IOException when it cannot be spawned at all. */
    static InstanceProcess start(Instance instance, Host host, InstanceLog log) throws IOException {
        LaunchSpec spec = instance.spec();
        if (!Files.isDirectory(spec.workDir())) {
            throw new IOException("working directory " + spec.workDir() + " does not exist; create it or fix"
                    + " the launch spec's workDir");
        }
        int port = LoopbackPort.pick();
        Optional<MemoryCgroups> cgroups = host.cgroups().filter(c -> spec.memoryBytes() > 0);
        Optional<Path> cgroup = Optional.empty();
        if (cgroups.isPresent()) {
            cgroup = Optional.of(cgroups.get().create(spec.instanceId(), spec.memoryBytes()));
        }
        ProcessBuilder builder = new ProcessBuilder(command(spec.command(), cgroup.map(c -> cgroups.get().procs(c))))
                .directory(spec.workDir().toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(host.baseEnv());
        env.putAll(spec.env());
        env.put("PORT", Integer.toString(port));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            cgroup.ifPresent(c -> cgroups.get().remove(c));
            throw e;
        }
        host.watchdog().watch(process.pid());
        InstanceProcess started = new InstanceProcess(instance, host, log, process, cgroup,
                new Readiness(port, spec.readinessPath()));
        Thread.ofVirtual().name("nubo-" + spec.instanceId() + "-supervisor").start(started::supervise);
        return started;
    }

    /**
     * {@code setsid} gives the process its own group (see {@link ProcessGroup}). With a cgroup, a
     * shell joins it by writing its own pid and then execs the command, so the command is inside
     * the limit from its first instruction and keeps the pid.
     */
    static List<String> command(List<String> command, Optional<Path> cgroupProcs) {
        List<String> full = new ArrayList<>();
        full.add("setsid");
        cgroupProcs.ifPresent(procs -> full.addAll(List.of("sh", "-c",
                "echo $$ > " + shellQuote(procs.toString()) + " || { echo 'nubo: cannot join the memory cgroup,"
                        + " not starting without the limit' >&2; exit 125; }; exec \"$@\"",
                "nubo-instance")));
        full.addAll(command);
        return full;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return readiness.port();
    }

    Readiness readiness() {
        return readiness;
    }

    boolean timedOut() {
        return timedOut;
    }

    /** SIGTERM to the group now, SIGKILL after {@code grace} unless the process is gone by then. */
    void terminate(Duration grace) {
        log.nubo("stopping: SIGTERM to process group " + group.pgid() + ", SIGKILL after "
                + Quantities.formatDuration(grace));
        group.terminate();
        killAfterGrace = host.timer().schedule(() -> {
            if (process.isAlive()) {
                log.nubo("still running " + Quantities.formatDuration(grace) + " after SIGTERM; sending SIGKILL");
                group.kill();
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void supervise() {
        LaunchSpec spec = instance.spec();
        String limit = Quantities.formatBytes(spec.memoryBytes());
        if (spec.memoryBytes() > 0 && cgroup.isEmpty()) {
            log.nubo("memory limit " + limit + " is not enforced: this machine gives Nubo no writable memory cgroup");
        }
        log.nubo("started pid " + process.pid() + " on port " + port()
                + (cgroup.isPresent() ? " with memory limit " + limit : ""));
        // Started only now so "started" comes first in the log; the pipes buffer meanwhile.
        pumps.add(pump(process.getInputStream(), "stdout"));
        pumps.add(pump(process.getErrorStream(), "stderr"));
        awaitReadiness(spec);
        int code = waitForExit();
        Future<?> pendingKill = killAfterGrace;
        if (pendingKill != null) {
            pendingKill.cancel(false);
        }
        group.kill(); // whatever the process left running in its group
        boolean oom = false;
        if (cgroup.isPresent()) {
            MemoryCgroups cgroups = host.cgroups().orElseThrow();
            oom = cgroups.oomKilled(cgroup.get(), code);
            cgroups.remove(cgroup.get());
        }
        host.watchdog().forget(group.pgid());
        joinPumps();
        ExitStatus status = new ExitStatus(code, oom ? OptionalLong.of(spec.memoryBytes()) : OptionalLong.empty());
        log.nubo(status.describe());
        instance.exited(this, status);
    }

    private void awaitReadiness(LaunchSpec spec) {
        Instant deadline = startedAt.plus(spec.startTimeout());
        while (process.isAlive() && instance.awaitsReadiness(this)) {
            if (readiness.probe()) {
                Duration took = Duration.between(startedAt, host.clock().instant());
                instance.ready(this, "ready in " + Quantities.formatDuration(took.truncatedTo(ChronoUnit.MILLIS))
                        + " (" + readiness.describe() + ")");
                return;
            }
            if (!host.clock().instant().isBefore(deadline)) {
                timedOut = true;
                log.nubo("not ready within " + Quantities.formatDuration(spec.startTimeout()) + " ("
                        + readiness.describe() + "); killing process group " + group.pgid());
                group.kill();
                return;
            }
            sleep(host.config().probeInterval());
        }
    }

    private int waitForExit() {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                // Nothing interrupts supervisors on purpose; the process must be reaped regardless.
            }
        }
    }

    private Thread pump(InputStream in, String stream) {
        return Thread.ofPlatform().daemon().name("nubo-log-" + instance.spec().instanceId() + "-" + stream)
                .start(new LinePump(in, stream, log));
    }

    private void joinPumps() {
        for (Thread pump : pumps) {
            try {
                if (!pump.join(PUMP_DRAIN)) {
                    log.nubo("output still open " + Quantities.formatDuration(PUMP_DRAIN) + " after exit: a process"
                            + " that left the instance's process group holds it");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
