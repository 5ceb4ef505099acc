package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The unified (v2) hierarchy, e.g. {@code /sys/fs/cgroup/nubo/SCOPE/RUN}, or
 * {@code /sys/fs/cgroup/unified/nubo/SCOPE/RUN} beside v1 controllers. It holds processes even
 * without a controller; it limits memory only where the memory controller can be handed down to
 * the run's directory.
 */
record CgroupV2(Path run, boolean limitsMemory) implements CgroupHierarchy {

    /**
     * Creates the run's directory and hands the memory controller down to it, level by level, where
     * the mount offers it. cgroup v2 refuses that in a group that holds processes itself, which is why
     * {@code nubo} sits at the root and not under the server's own cgroup.
     */
    static CgroupV2 open(Path mount, Path run) throws IOException {
        Files.createDirectories(run);
        if (!CgroupHierarchy.words(mount.resolve("cgroup.controllers")).contains("memory")) {
            return new CgroupV2(run, false);
        }
        try {
            Path group = mount;
            while (true) {
                Path control = group.resolve("cgroup.subtree_control");
                if (!CgroupHierarchy.words(control).contains("memory")) {
                    CgroupHierarchy.write(control, "+memory");
                }
                if (group.equals(run)) {
                    break;
                }
                group = group.resolve(run.getName(group.getNameCount()));
            }
            return new CgroupV2(run, true);
        } catch (IOException e) {
            Cgroups.LOG.debug("cannot hand the memory controller down to {}: {}", run, e.toString());
            return new CgroupV2(run, false);
        }
    }

    @Override
    public String describe() {
        return "cgroup v2 " + run;
    }

    @Override
    public void limit(Path group, long bytes) throws IOException {
        CgroupHierarchy.write(group.resolve("memory.max"), Long.toString(bytes));
        Path swap = group.resolve("memory.swap.max");
        if (Files.exists(swap)) {
            CgroupHierarchy.write(swap, "0");
        }
    }

    @Override
    public boolean oomKilled(Path group, int exitCode) {
        return CgroupHierarchy.counter(group.resolve("memory.events"), "oom_kill").orElse(0) > 0;
    }
}
