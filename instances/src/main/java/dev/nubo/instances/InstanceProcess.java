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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
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
    private final Optional<Cgroup> cgroup;
    /** Whether the process is bubblewrap's outer process, which SIGTERM would kill without passing it on. */
    private final boolean sandboxed;
    private final Readiness readiness;
    private final Instant startedAt;
    /** Set when the process came from the pool: already running, output already pumped. */
    private final Optional<PooledProcess> pooled;
    /** The directory of the instance's secret files, set before its supervisor starts, removed when it exits. */
    private Optional<Path> secretFiles = Optional.empty();
    private final List<Thread> pumps = new ArrayList<>();
    /** Released by every line of output while the process starts: runtimes print one when they listen. */
    private final Semaphore nudges = new Semaphore(0);
    private volatile boolean timedOut;
    private volatile Future<?> killAfterGrace;

    private InstanceProcess(Instance instance, Host host, InstanceLog log, Process process, Optional<Cgroup> cgroup,
            boolean sandboxed, Readiness readiness, Optional<PooledProcess> pooled) {
        this.sandboxed = sandboxed;
        this.instance = instance;
        this.pooled = pooled;
        this.host = host;
        this.log = log;
        this.process = process;
        this.group = new ProcessGroup(process.pid());
        this.cgroup = cgroup;
        this.readiness = readiness;
        this.startedAt = host.clock().instant();
    }

    /**
     * Starts the instance's process and its supervisor: a pooled process of the spec's warm start
     * when one is idle, else a fresh one. IOException when it cannot be spawned at all.
     */
    static InstanceProcess start(Instance instance, Host host, InstanceLog log) throws IOException {
        LaunchSpec spec = instance.spec();
        if (!Files.isDirectory(spec.workDir())) {
            throw new IOException("working directory " + spec.workDir() + " does not exist; create it or fix"
                    + " the launch spec's workDir");
        }
        int port = spec.port() != 0 ? spec.port() : LoopbackPort.pick();
        Optional<PooledProcess> pooled = spec.warmStart().flatMap(w -> host.pool().take(w));
        if (pooled.isPresent()) {
            Optional<InstanceProcess> adopted = adopt(instance, host, log, pooled.get(), port);
            if (adopted.isPresent()) {
                return adopted.get();
            }
        }
        Optional<Path> secrets = spec.secretFiles().isEmpty() ? Optional.empty()
                : Optional.of(SecretFiles.write(spec.instanceId(), spec.secretFiles()));
        Host.Confinement confined;
        try {
            confined = host.confine(spec.instanceId(), Limits.of(spec), spec.workDir(), spec.writable(), secrets);
        } catch (IOException | RuntimeException e) {
            secrets.ifPresent(SecretFiles::remove);
            throw e;
        }
        Optional<Cgroup> cgroup = confined.cgroup();
        Map<String, String> env = new LinkedHashMap<>(spec.env());
        env.put("PORT", Integer.toString(port));
        secrets.ifPresent(dir -> env.put("NUBO_SECRETS_DIR", (confined.cell().isPresent() ? SecretFiles.MOUNT : dir).toString()));
        Process process;
        try {
            process = spawn(spec.command(), host.baseEnv(), env, spec.workDir(), confined);
        } catch (IOException e) {
            cgroup.ifPresent(Cgroup::remove);
            secrets.ifPresent(SecretFiles::remove);
            throw e;
        }
        host.watchdog().watch(process.pid());
        InstanceProcess started = new InstanceProcess(instance, host, log, process, cgroup, confined.cell().isPresent(),
                new Readiness(port, spec.readinessPath()), Optional.empty());
        started.secretFiles = secrets;
        return supervised(started);
    }

    /**
     * Hands a pooled process the instance's function; empty (and the process killed) when it died
     * in the pool between being taken and now, so the caller starts a fresh one.
     */
    private static Optional<InstanceProcess> adopt(Instance instance, Host host, InstanceLog log, PooledProcess pooled,
            int port) {
        LaunchSpec spec = instance.spec();
        Map<String, String> variables = new LinkedHashMap<>(spec.env());
        variables.put("PORT", Integer.toString(port));
        variables.put("NUBO_WORKDIR", spec.workDir().toString());
        if (pooled.slot().isPresent()) {
            // The sandbox shows the code at the slot's path: the function's paths must point there.
            Path slot = pooled.slot().get();
            String code = spec.workDir().toAbsolutePath().normalize().toString();
            variables.replaceAll((name, value) -> value.startsWith(code) ? slot + value.substring(code.length()) : value);
        }
        log.nubo("took pooled process " + pooled.id() + " (pid " + pooled.process().pid() + ", started "
                + Quantities.formatDuration(Duration.between(pooled.startedAt(), host.clock().instant())
                        .truncatedTo(ChronoUnit.MILLIS)) + " ago)");
        InstanceProcess adopted = new InstanceProcess(instance, host, log, pooled.process(), pooled.cgroup(),
                pooled.slot().isPresent(), new Readiness(port, spec.readinessPath()), Optional.of(pooled));
        try {
            if (pooled.slot().isPresent()) {
                Sandboxing.fill(pooled.slot().get(), spec.workDir());
            }
            if (pooled.cgroup().isPresent()) {
                pooled.cgroup().get().limit(Limits.of(spec));
            }
            pooled.specialise(variables, adopted.output());
        } catch (IOException e) {
            log.nubo("pooled process " + pooled.id() + " is gone (" + e.getMessage() + "); starting a fresh one");
            pooled.release(host.watchdog());
            return Optional.empty();
        }
        return Optional.of(supervised(adopted));
    }

    private static InstanceProcess supervised(InstanceProcess started) {
        Thread.ofVirtual().name("nubo-" + started.instance.spec().instanceId() + "-supervisor").start(started::supervise);
        return started;
    }

    /**
     * Spawns {@code command} in its own session (and cgroup, and sandbox), with exactly {@code baseEnv}
     * plus {@code env} (plus the sandbox's HOME and TMPDIR).
     */
    static Process spawn(List<String> command, Map<String, String> baseEnv, Map<String, String> env, Path workDir,
            Host.Confinement confined) throws IOException {
        List<String> inner = confined.cell().map(c -> c.wrap(command)).orElse(command);
        ProcessBuilder builder = new ProcessBuilder(command(inner, confined.cgroup().map(Cgroup::procs).orElse(List.of())))
                .directory(workDir.toFile());
        Map<String, String> all = builder.environment();
        all.clear();
        all.putAll(baseEnv);
        all.putAll(env);
        if (confined.cell().isPresent()) {
            all.putAll(SandboxCell.ENV);
        }
        return builder.start();
    }

    /**
     * {@code setsid} gives the process its own group (see {@link ProcessGroup}). With cgroups, a
     * shell joins them by writing its own pid to each and then execs the command, so the command is
     * inside them (and its limit) from its first instruction and keeps the pid.
     */
    static List<String> command(List<String> command, List<Path> cgroupProcs) {
        List<String> full = new ArrayList<>();
        full.add("setsid");
        if (!cgroupProcs.isEmpty()) {
            List<String> joins = cgroupProcs.stream().map(procs -> "echo $$ > " + shellQuote(procs.toString())).toList();
            String failed = "nubo: cannot join cgroup " + cgroupProcs.getFirst().getParent() + "; not starting outside it";
            full.addAll(List.of("sh", "-c", String.join(" && ", joins) + " || { echo " + shellQuote(failed)
                    + " >&2; exit 125; }; exec \"$@\"", "nubo-instance"));
        }
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

    boolean pooled() {
        return pooled.isPresent();
    }

    /**
     * SIGTERM to the group, and to what left it but not its cgroup, now; SIGKILL to both after
     * {@code grace} unless the process is gone by then; once it is, the supervisor kills what is left.
     */
    void terminate(Duration grace) {
        log.nubo("stopping: SIGTERM to process group " + group.pgid() + cgroup.map(c -> " and the rest of cgroup "
                + c.name()).orElse("") + ", SIGKILL after " + Quantities.formatDuration(grace));
        if (sandboxed) {
            // Everything in the sandbox descends from bwrap (its PID namespace adopts orphans), and
            // bwrap's init there ignores SIGTERM, so the process ends when the program does.
            process.descendants().forEach(ProcessHandle::destroy);
        } else {
            group.terminate();
            cgroup.ifPresent(c -> c.terminateOutside(group.pgid()));
        }
        killAfterGrace = host.timer().schedule(() -> {
            if (process.isAlive()) {
                log.nubo("still running " + Quantities.formatDuration(grace) + " after SIGTERM; sending SIGKILL");
                group.kill();
                cgroup.ifPresent(Cgroup::kill);
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void supervise() {
        LaunchSpec spec = instance.spec();
        String limit = Quantities.formatBytes(spec.memoryBytes());
        boolean limited = cgroup.map(Cgroup::limited).orElse(false);
        if (spec.memoryBytes() > 0 && !limited) {
            log.nubo("memory limit " + limit + " is not enforced: this machine gives Nubo no writable memory cgroup");
        }
        if (pooled.isPresent()) {
            log.nubo("specialising pid " + process.pid() + " on port " + port()
                    + (limited ? " with memory limit " + limit : ""));
            pumps.addAll(pooled.get().pumps());
        } else {
            log.nubo("started pid " + process.pid() + " on port " + port()
                    + (limited ? " with memory limit " + limit : ""));
            // Started only now so "started" comes first in the log; the pipes buffer meanwhile.
            pumps.add(pump(process.getInputStream(), "stdout"));
            pumps.add(pump(process.getErrorStream(), "stderr"));
        }
        awaitReadiness(spec);
        int code = waitForExit();
        Future<?> pendingKill = killAfterGrace;
        if (pendingKill != null) {
            pendingKill.cancel(false);
        }
        group.kill(); // whatever the process left running in its group
        boolean oom = cgroup.map(c -> c.oomKilled(code)).orElse(false);
        cgroup.ifPresent(Cgroup::remove); // and what left the group: a daemon, a setsid'd child
        pooled.flatMap(PooledProcess::slot).ifPresent(Sandboxing::removeTree);
        secretFiles.ifPresent(SecretFiles::remove);  // the secrets' values last no longer than the instance
        host.watchdog().forget(group.pgid());
        joinPumps();
        ExitStatus status = new ExitStatus(code, oom ? OptionalLong.of(spec.memoryBytes()) : OptionalLong.empty());
        log.nubo(status.describe());
        instance.exited(this, status);
    }

    /**
     * Probes at once, then after 1 ms, doubling up to the configured interval: a pooled runtime is
     * ready within milliseconds and every one of them is the user's cold start, while a probe on
     * loopback costs microseconds.
     */
    private void awaitReadiness(LaunchSpec spec) {
        Instant deadline = startedAt.plus(spec.startTimeout());
        Duration pause = Duration.ofMillis(1);
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
            awaitNudge(pause);
            pause = pause.multipliedBy(2);
            if (pause.compareTo(host.config().probeInterval()) > 0) {
                pause = host.config().probeInterval();
            }
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
                .start(new LinePump(in, stream, output()));
    }

    /**
     * Where the process's output goes: the instance log, and while the process starts, a nudge to
     * probe at once. A runtime typically prints a line as it starts listening, so readiness is seen
     * within a probe's round trip instead of at the next scheduled probe.
     */
    private LineSink output() {
        return (stream, text) -> {
            log.append(stream, text);
            if (nudges.availablePermits() == 0) {
                nudges.release();
            }
        };
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

    /** Sleeps for {@code d}, or less when the process prints something meanwhile. */
    private void awaitNudge(Duration d) {
        try {
            if (nudges.tryAcquire(d.toNanos(), TimeUnit.NANOSECONDS)) {
                nudges.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
