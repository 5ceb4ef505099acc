package dev.nubo.instances;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The cgroups of one instance (or pooled) process and of everything it starts: a group named
 * {@code name} in the hierarchy that holds this server's processes, and one in each hierarchy that
 * limits something (memory, CPU, process count; the same directory when one hierarchy does several).
 * A child that leaves the process group on purpose (setsid, a daemon) cannot leave its cgroup, so a
 * stop by the cgroup leaves nothing behind.
 */
record Cgroup(String name, CgroupHierarchy tracker, Map<Controller, CgroupHierarchy> limiters) {

    /** The group in the tracking hierarchy, where every process of the tree is. */
    Path tracked() {
        return tracker.run().resolve(name);
    }

    /** Every directory of this cgroup, the tracked one first. */
    List<Path> dirs() {
        return Stream.concat(Stream.of(tracker), limiters.values().stream()).map(h -> h.run().resolve(name))
                .distinct().toList();
    }

    /** The files a process writes its own pid to, in this order, to join the cgroup. */
    List<Path> procs() {
        return dirs().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** Whether a memory limit can be enforced here. */
    boolean limited() {
        return limiters.containsKey(Controller.MEMORY);
    }

    /** Sets every limit of {@code limits} this cgroup's hierarchies can enforce; those they cannot are left unset. */
    void limit(Limits limits) throws IOException {
        for (Map.Entry<Controller, CgroupHierarchy> e : limiters.entrySet()) {
            if (e.getKey().wanted(limits)) {
                e.getValue().limit(e.getValue().run().resolve(name), e.getKey(), limits);
            }
        }
    }

    /**
     * SIGTERM to every process in the cgroup outside process group {@code pgid}: those that left it.
     * The group itself is signalled as a whole; a process signalled twice could run its shutdown twice.
     */
    void terminateOutside(long pgid) {
        for (long pid : members(tracked())) {
            if (processGroup(pid).filter(g -> g != pgid).isPresent()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
        }
    }

    /** The process group of {@code pid}, from /proc; empty when it is gone. */
    private static Optional<Long> processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
            return Optional.of(Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** SIGKILL to every process in the cgroup, until none is left. */
    void kill() {
        dirs().forEach(Cgroup::killAll);
    }

    /** Kills what is left and removes the directories. */
    void remove() {
        for (Path dir : dirs()) {
            killAll(dir);
            removeTree(dir);
        }
    }

    /** Whether the kernel's OOM killer struck here; read it before {@link #remove}. */
    boolean oomKilled(int exitCode) {
        CgroupHierarchy memory = limiters.get(Controller.MEMORY);
        return memory != null && memory.oomKilled(memory.run().resolve(name), exitCode);
    }

    /**
     * SIGKILLs every process in the cgroup directory {@code dir} and below, and returns once none is
     * left (or after about a second, with a warning); the number of processes it found. A process that
     * forks while it is being killed must not slip through: cgroup v2's {@code cgroup.kill} lets the
     * kernel kill the whole tree at once; v1's freezer stops every process while each is sent its
     * SIGKILL; elsewhere the kills repeat until the group stays empty.
     */
    static int killAll(Path dir) {
        List<Long> found = members(dir);
        if (found.isEmpty()) {
            return 0;
        }
        writeIfPresent(dir.resolve("cgroup.kill"), "1");
        Path freezer = dir.resolve("freezer.state");
        boolean frozen = writeIfPresent(freezer, "FROZEN");
        try {
            for (int attempt = 0; attempt < 100; attempt++) {
                List<Long> left = members(dir);
                if (left.isEmpty()) {
                    return found.size();
                }
                left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                if (frozen) {
                    frozen = !writeIfPresent(freezer, "THAWED"); // the SIGKILLs land as they thaw
                }
                if (!pause()) {
                    break;
                }
            }
            Cgroups.LOG.warn("cgroup {} still holds processes {} a second after SIGKILL; they may be stuck in the"
                    + " kernel (state D)", dir, members(dir));
            return found.size();
        } finally {
            if (frozen) {
                writeIfPresent(freezer, "THAWED");
            }
        }
    }

    /** The pids in {@code dir} and its descendants; none when it does not exist. */
    static List<Long> members(Path dir) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path group : tree.filter(Files::isDirectory).toList()) {
                for (String pid : CgroupHierarchy.lines(group.resolve("cgroup.procs"))) {
                    pids.add(Long.parseLong(pid.trim()));
                }
            }
        } catch (NoSuchFileException | UncheckedIOException gone) {
            // removed meanwhile: nothing left in it
        } catch (IOException | NumberFormatException e) {
            Cgroups.LOG.debug("cannot list the processes of cgroup {}: {}", dir, e.toString());
        }
        return pids;
    }

    /** Removes {@code dir} and the groups below it, once they are empty; retries while the kernel lets go. */
    static void removeTree(Path dir) {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Stream<Path> tree = Files.walk(dir)) {
                for (Path group : tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(group);
                }
                return;
            } catch (NoSuchFileException | UncheckedIOException gone) {
                if (!Files.exists(dir)) {
                    return;
                }
            } catch (IOException busy) {
                // EBUSY: a process is still leaving
            }
            if (!pause()) {
                break;
            }
        }
        Cgroups.LOG.warn("cannot remove cgroup {}: it still holds processes {}; remove it by hand once they are gone",
                dir, members(dir));
    }

    private static boolean writeIfPresent(Path file, String value) {
        if (!Files.exists(file)) {
            return false;
        }
        try {
            CgroupHierarchy.write(file, value);
            return true;
        } catch (IOException e) {
            Cgroups.LOG.debug("cannot write {} to {}: {}", value, file, e.toString());
            return false;
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(10);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
