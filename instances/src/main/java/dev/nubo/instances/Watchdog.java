package dev.nubo.instances;

import dev.nubo.model.PlatformFault;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no instance process outlives the server, even a server killed with SIGKILL, which runs
 * no shutdown hook. A small bash process, in its own session so signals to the server's group miss
 * it, reads "+PGID" and "-PGID" lines on stdin. The server holds the only write end of that pipe
 * (Java closes inherited descriptors in every child it spawns), so stdin reaches EOF exactly when the
 * server is gone, however it went; the watchdog then SIGKILLs every group still listed, then
 * everything in this run's cgroups (see {@link Cgroups}), which catches the processes that left
 * their group (setsid, daemons), removes those cgroups, and exits.
 *
 * <p>The cgroup sweep is {@link Cgroup#killAll} and {@link Cgroup#removeTree} again, in bash: the JVM
 * that would run those is gone by then.
 */
final class Watchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    /** Arguments: this run's cgroup directories, one per hierarchy; none without cgroups. */
    private static final String SCRIPT = """
            trap '' INT TERM HUP
            declare -A groups
            while IFS= read -r line; do
              case "$line" in
                +[0-9]*) groups[${line#+}]=1 ;;
                -[0-9]*) unset "groups[${line#-}]" ;;
              esac
            done
            for pgid in "${!groups[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null; done
            for run in "$@"; do
              [ -d "$run" ] || continue
              [ -e "$run/cgroup.kill" ] && echo 1 2>/dev/null > "$run/cgroup.kill"
              [ -e "$run/freezer.state" ] && echo FROZEN 2>/dev/null > "$run/freezer.state"
              for attempt in {1..100}; do
                pids=$(find "$run" -name cgroup.procs -exec cat {} + 2>/dev/null)
                [ -z "$pids" ] && break
                kill -KILL $pids 2>/dev/null
                [ -e "$run/freezer.state" ] && echo THAWED 2>/dev/null > "$run/freezer.state"
                sleep 0.01
              done
              for attempt in {1..100}; do
                find "$run" -depth -type d -exec rmdir {} + 2>/dev/null
                [ -d "$run" ] || break
                sleep 0.01
              done
              rmdir "${run%/*}" 2>/dev/null # the scope, when no other run is left in it
            done
            """;

    private final Process process;
    private final OutputStream commands;
    private boolean broken;

    private Watchdog(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
    }

    /** @param cgroupRuns what to sweep when the server is gone: {@link Cgroups#runs()}, or none */
    static Watchdog start(List<Path> cgroupRuns) {
        try {
            List<String> command = new ArrayList<>(List.of("setsid", "bash", "-c", SCRIPT, "nubo-watchdog"));
            cgroupRuns.forEach(run -> command.add(run.toString()));
            Process process = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return new Watchdog(process);
        } catch (IOException e) {
            throw new PlatformFault("instances.watchdog", "cannot start the instance watchdog (setsid bash): "
                    + e.getMessage() + "; install bash and util-linux", e);
        }
    }

    /** Call right after a process is spawned. */
    void watch(long pgid) {
        send("+" + pgid);
    }

    /** Call once the group's process has been reaped and the group killed. */
    void forget(long pgid) {
        send("-" + pgid);
    }

    private synchronized void send(String line) {
        if (broken) {
            return;
        }
        try {
            commands.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            commands.flush();
        } catch (IOException e) {
            broken = true;
            LOG.error("the instance watchdog (pid {}) is gone ({}): instance processes may outlive this server"
                    + " if it dies without stopping them; restart the server", process.pid(), e.getMessage());
        }
    }

    long pid() {
        return process.pid();
    }

    /** EOF makes the watchdog kill whatever groups are still listed and this run's cgroups, and exit. */
    @Override
    public synchronized void close() {
        try {
            commands.close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
