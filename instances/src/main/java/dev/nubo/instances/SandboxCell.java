package dev.nubo.instances;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox of one process: its user id, the code it sees, and the command that puts it there.
 * bwrap runs as root (the server's user; the process joined its cgroups before, which needs root
 * too), so it builds the mount, PID, IPC and UTS namespaces with root's rights and reads the bind
 * sources in a home that only root may enter; inside, {@code setpriv} drops to the cell's user and
 * every capability before it execs the program. The program is so an ordinary unprivileged user of
 * the machine, not root in a user namespace, and bwrap's no-new-privileges flag keeps it so.
 *
 * @param nproc the {@code RLIMIT_NPROC} to set, 0 for none: the fallback process-count limit where no
 *     pids cgroup exists, which counts per user and so per instance, as every instance has its own
 * @param privateHome the server user's home when other users may not enter it (root's /root): shown empty
 *     but for {@code toolchains}, the directories under it that hold the interpreters on PATH (pyenv, nvm)
 * @param writable directories bound writable (the launch's {@link LaunchSpec#writable()}), owned by the cell's user
 * @param secrets the directory of the launch's secret files ({@link SecretFiles}), bound read-only at {@link SecretFiles#MOUNT}
 */
record SandboxCell(Sandbox sandbox, int uid, Path code, int nproc, Optional<Path> privateHome, List<Path> toolchains,
        List<Path> writable, Optional<Path> secrets) {

    /** The environment a sandboxed process gets on top of the launch's: its home is its private /tmp. */
    static final Map<String, String> ENV = Map.of("HOME", "/tmp", "TMPDIR", "/tmp");

    List<String> wrap(List<String> command) {
        List<String> full = new ArrayList<>();
        if (nproc > 0) {
            full.addAll(List.of("prlimit", "--nproc=" + nproc + ":" + nproc, "--"));
        }
        // No cgroup namespace: inside one, the JVM's cgroup v1 support finds no path for its controllers on a
        // hybrid machine and throws (JDK 17: a Spring Boot app with Actuator fails at start). The instance
        // sees its cgroup's path then, not its limits' files' write access: they stay root's.
        full.addAll(List.of("bwrap", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                // The sandbox dies with bwrap's outer process, which Nubo never signals but with SIGKILL.
                "--die-with-parent",
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs", "/tmp"));
        List<Path> emptied = new ArrayList<>(List.of(Path.of("/tmp")));
        privateHome.ifPresent(home -> {
            full.addAll(List.of("--perms", "0755", "--tmpfs", home.toString()));
            emptied.add(home);
        });
        for (Path p : toolchains) {
            bind(full, emptied, "--ro-bind-try", p);
        }
        full.addAll(List.of("--perms", "0755", "--tmpfs", sandbox.hidden().toString()));
        emptied.add(sandbox.hidden());
        for (Path p : sandbox.readable()) {
            bind(full, emptied, "--ro-bind-try", p);
        }
        bind(full, emptied, "--ro-bind", code);
        for (Path p : writable) {
            bind(full, emptied, "--bind", p);
        }
        secrets.ifPresent(dir -> full.addAll(List.of("--ro-bind", dir.toString(), SecretFiles.MOUNT.toString())));
        full.addAll(List.of("--chdir", code.toString(), "--",
                "setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                "--"));
        full.addAll(command);
        return full;
    }

    /**
     * Binds {@code dir} at its own path. The directories bwrap would make for it inside an emptied
     * one (a tmpfs) it makes only root may enter, so each is made first, searchable by all.
     */
    private static void bind(List<String> args, List<Path> emptied, String how, Path dir) {
        for (Path root : emptied) {
            if (dir.startsWith(root) && !dir.equals(root)) {
                for (int i = root.getNameCount() + 1; i < dir.getNameCount(); i++) {
                    args.addAll(List.of("--perms", "0755", "--dir", dir.getRoot().resolve(dir.subpath(0, i)).toString()));
                }
            }
        }
        args.addAll(List.of(how, dir.toString(), dir.toString()));
    }
}
