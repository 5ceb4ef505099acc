package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * The unified (v2) hierarchy, e.g. {@code /sys/fs/cgroup/nubo/SCOPE/RUN}, or
 * {@code /sys/fs/cgroup/unified/nubo/SCOPE/RUN} beside v1 controllers. It holds processes even
 * without a controller; it limits memory, CPU or process count only where that controller can be
 * handed down to the run's directory.
 */
record CgroupV2(Path run, Set<Controller> controllers) implements CgroupHierarchy {

    /**
     * Creates the run's directory and hands each controller the mount offers down to it, level by
     * level. cgroup v2 refuses that in a group that holds processes itself, which is why {@code nubo}
     * sits at the root and not under the server's own cgroup.
     */
    static CgroupV2 open(Path mount, Path run) throws IOException {
        Files.createDirectories(run);
        Set<Controller> handed = EnumSet.noneOf(Controller.class);
        for (Controller c : Controller.values()) {
            if (CgroupHierarchy.words(mount.resolve("cgroup.controllers")).contains(c.key) && handDown(mount, run, c)) {
                handed.add(c);
            }
        }
        return new CgroupV2(run, Set.copyOf(handed));
    }

    private static boolean handDown(Path mount, Path run, Controller c) {
        try {
            Path group = mount;
            while (true) {
                Path control = group.resolve("cgroup.subtree_control");
                if (!CgroupHierarchy.words(control).contains(c.key)) {
                    CgroupHierarchy.write(control, "+" + c.key);
                }
                if (group.equals(run)) {
                    return true;
                }
                group = group.resolve(run.getName(group.getNameCount()));
            }
        } catch (IOException e) {
            Cgroups.LOG.debug("cannot hand the {} controller down to {}: {}", c.key, run, e.toString());
            return false;
        }
    }

    @Override
    public String describe() {
        return "cgroup v2 " + run;
    }

    @Override
    public void limit(Path group, Controller which, Limits limits) throws IOException {
        switch (which) {
            case MEMORY -> {
                CgroupHierarchy.write(group.resolve("memory.max"), Long.toString(limits.memoryBytes()));
                Path swap = group.resolve("memory.swap.max");
                if (Files.exists(swap)) {
                    CgroupHierarchy.write(swap, "0");
                }
            }
            case CPU -> CgroupHierarchy.write(group.resolve("cpu.max"),
                    (CPU_PERIOD_MICROS * limits.cpuMillis() / 1000) + " " + CPU_PERIOD_MICROS);
            case PIDS -> CgroupHierarchy.write(group.resolve("pids.max"), Integer.toString(limits.processes()));
        }
    }

    @Override
    public boolean oomKilled(Path group, int exitCode) {
        return CgroupHierarchy.counter(group.resolve("memory.events"), "oom_kill").orElse(0) > 0;
    }
}
