package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A cgroup v1 hierarchy of one controller, e.g. {@code /sys/fs/cgroup/memory/nubo/SCOPE/RUN}:
 * {@code memory}, {@code cpu} or {@code pids} for limits, {@code freezer} only to hold processes.
 */
record CgroupV1(String controller, Path run) implements CgroupHierarchy {

    static CgroupV1 open(String controller, Path run) throws IOException {
        Files.createDirectories(run);
        return new CgroupV1(controller, run);
    }

    @Override
    public Set<Controller> controllers() {
        return Arrays.stream(Controller.values()).filter(c -> c.key.equals(controller))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public String describe() {
        return "cgroup v1 " + run;
    }

    @Override
    public void limit(Path group, Controller which, Limits limits) throws IOException {
        switch (which) {
            case MEMORY -> limitMemory(group, limits.memoryBytes());
            case CPU -> {
                CgroupHierarchy.write(group.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
                CgroupHierarchy.write(group.resolve("cpu.cfs_quota_us"),
                        Long.toString(CPU_PERIOD_MICROS * limits.cpuMillis() / 1000));
            }
            case PIDS -> CgroupHierarchy.write(group.resolve("pids.max"), Integer.toString(limits.processes()));
        }
    }

    private static void limitMemory(Path group, long bytes) throws IOException {
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
