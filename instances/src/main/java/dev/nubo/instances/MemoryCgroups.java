package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory limits through Linux cgroups: each instance process runs in its own cgroup
 * {@code nubo/<instanceId>} at the root of the memory hierarchy, created before the process starts and
 * removed once it is gone. At the root rather than under the server's own cgroup because cgroup v2
 * forbids a cgroup that holds processes (the server's) from giving controllers to children.
 *
 * <p>The process joins its cgroup itself before it execs the user's command (see
 * {@link InstanceProcess}), so not even its first allocation escapes the limit.
 */
sealed interface MemoryCgroups permits CgroupV1, CgroupV2 {

    Logger LOG = LoggerFactory.getLogger(MemoryCgroups.class);

    /**
     * Finds a writable memory controller under {@code root} (normally {@code /sys/fs/cgroup}), v1
     * first, and prepares the {@code nubo} parent. Empty, with one warning logged, when there is none.
     */
    static Optional<MemoryCgroups> detect(Path root) {
        try {
            Path v1 = root.resolve("memory");
            if (Files.isRegularFile(v1.resolve("memory.limit_in_bytes"))) {
                return Optional.of(tried(CgroupV1.open(v1.resolve("nubo"))));
            }
            Path controllers = root.resolve("cgroup.controllers");
            if (Files.isRegularFile(controllers) && words(controllers).contains("memory")) {
                return Optional.of(tried(CgroupV2.open(root, root.resolve("nubo"))));
            }
            LOG.warn("memory limits are not enforced: no memory cgroup controller under {} (neither cgroup v1"
                    + " {}/memory nor cgroup v2 with 'memory' in cgroup.controllers)", root, root);
        } catch (IOException e) {
            LOG.warn("memory limits are not enforced: cannot set up a cgroup under {} ({}); run Nubo as root or"
                    + " delegate a writable cgroup subtree to it", root, e.toString());
        }
        return Optional.empty();
    }

    /**
     * Creates and removes a limited cgroup once, so that a hierarchy we may create directories in but
     * not configure shows up here, not as a failed start of every instance with a memory limit.
     */
    private static MemoryCgroups tried(MemoryCgroups cgroups) throws IOException {
        // Instance ids cannot start with '.', so this never meets an instance's cgroup.
        Path probe = cgroups.create(".probe-" + ProcessHandle.current().pid(), 1L << 30);
        cgroups.remove(probe);
        return cgroups;
    }

    /** For logs: "cgroup v1 /sys/fs/cgroup/memory/nubo". */
    String describe();

    /** Creates the cgroup {@code nubo/<name>} limited to {@code limitBytes}; returns its directory. */
    Path create(String name, long limitBytes) throws IOException;

    /** Whether the kernel's OOM killer struck in this cgroup; read it before {@link #remove}. */
    boolean oomKilled(Path group, int exitCode);

    /** The file a process writes its pid to in order to join. */
    default Path procs(Path group) {
        return group.resolve("cgroup.procs");
    }

    /**
     * SIGKILLs whatever is left in the cgroup (processes that left the instance's process group) and
     * removes it. Retries briefly: the kernel lets a cgroup go only once its last process is reaped.
     */
    default void remove(Path group) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                for (String pid : lines(procs(group))) {
                    ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
                Files.deleteIfExists(group);
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (IOException | NumberFormatException busy) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        LOG.warn("cannot remove cgroup {}: it still holds processes; remove it by hand once they are gone", group);
    }

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardOpenOption.WRITE);
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    }

    static List<String> words(Path file) throws IOException {
        return List.of(Files.readString(file).trim().split("\\s+"));
    }

    /** The number after {@code key} in a flat-keyed file such as memory.events; empty when absent. */
    static OptionalLong counter(Path file, String key) {
        try {
            for (String line : lines(file)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key)) {
                    return OptionalLong.of(Long.parseLong(kv[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("cannot read {} from {}: {}", key, file, e.toString());
        }
        return OptionalLong.empty();
    }

    /** A file holding one number, such as memory.failcnt; 0 when unreadable. */
    static long number(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
