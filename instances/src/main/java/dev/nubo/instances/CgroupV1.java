package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A cgroup v1 hierarchy of one controller, e.g. {@code /sys/fs/cgroup/memory/nubo/SCOPE/RUN}:
 * {@code memory} for limits, {@code freezer} or {@code pids} only to hold processes.
 */
record CgroupV1(String controller, Path run) implements CgroupHierarchy {

    static CgroupV1 open(String controller, Path run) throws IOException {
        Files.createDirectories(run);
        return new CgroupV1(controller, run);
    }

    @Override
    public boolean limitsMemory() {
        return controller.equals("memory");
    }

    @Override
    public String describe() {
        return "cgroup v1 " + run;
    }

    @Override
    public void limit(Path group, long bytes) throws IOException {
        CgroupHierarchy.write(group.resolve("memory.limit_in_bytes"), Long.toString(bytes));
        Path memsw = group.resolve("memory.memsw.limit_in_bytes");
        if (Files.exists(memsw)) {
            try {
                // memory+swap equal to memory: no swapping past the limit instead of being killed.
                CgroupHierarchy.write(memsw, Long.toString(bytes));
            } catch (IOException swapAccountingOff) {
                Cgroups.LOG.debug("cannot limit swap in {}: {}", group, swapAccountingOff.toString());
            }
        }
    }

    /**
     * Kernels since 4.13 count OOM kills in memory.oom_control; before that only failcnt (times the
     * limit was hit) exists, which with a SIGKILL exit is as good a sign as we get.
     */
    @Override
    public boolean oomKilled(Path group, int exitCode) {
        OptionalLong kills = CgroupHierarchy.counter(group.resolve("memory.oom_control"), "oom_kill");
        if (kills.isPresent()) {
            return kills.getAsLong() > 0;
        }
        return exitCode == 137 && CgroupHierarchy.number(group.resolve("memory.failcnt")) > 0;
    }
}
