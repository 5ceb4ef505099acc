package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One mounted cgroup hierarchy in which a server keeps its processes, all of them under the
 * directory of this run of the server, {@link #run()}: {@code <mount>/nubo/<scope>/<run>}. See
 * {@link Cgroups} for why the layout has these levels.
 */
sealed interface CgroupHierarchy permits CgroupV1, CgroupV2 {

    /** The standard CFS period: a quota is CPU microseconds per this many microseconds of wall time. */
    long CPU_PERIOD_MICROS = 100_000;

    /** This run's directory, the parent of every group created here; the scope's directory is its parent. */
    Path run();

    /** The controllers whose limits {@link #limit} can set here. */
    Set<Controller> controllers();

    default boolean limitsMemory() {
        return controllers().contains(Controller.MEMORY);
    }

    /** Sets in {@code group}, a child of {@link #run()}, the part of {@code limits} that {@code controller} enforces. */
    void limit(Path group, Controller controller, Limits limits) throws IOException;

    /** Whether the kernel's OOM killer struck in {@code group}; read it before the group is removed. */
    boolean oomKilled(Path group, int exitCode);

    /** For logs: "cgroup v1 /sys/fs/cgroup/memory/nubo/SCOPE/RUN". */
    String describe();

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
            Cgroups.LOG.debug("cannot read {} from {}: {}", key, file, e.toString());
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
