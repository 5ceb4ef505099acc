package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** The cgroup v1 memory controller, e.g. {@code /sys/fs/cgroup/memory/nubo/<instanceId>}. */
record CgroupV1(Path parent) implements MemoryCgroups {

    static CgroupV1 open(Path parent) throws IOException {
        Files.createDirectories(parent);
        return new CgroupV1(parent);
    }

    @Override
    public String describe() {
        return "cgroup v1 " + parent;
    }

    @Override
    public Path create(String name, long limitBytes) throws IOException {
        Path group = parent.resolve(name);
        if (Files.exists(group)) {
            remove(group); // left behind by a server that died; its counters would mislead
        }
        Files.createDirectory(group);
        MemoryCgroups.write(group.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
        Path memsw = group.resolve("memory.memsw.limit_in_bytes");
        if (Files.exists(memsw)) {
            try {
                // memory+swap equal to memory: no swapping past the limit instead of being killed.
                MemoryCgroups.write(memsw, Long.toString(limitBytes));
            } catch (IOException swapAccountingOff) {
                MemoryCgroups.LOG.debug("cannot limit swap in {}: {}", group, swapAccountingOff.toString());
            }
        }
        return group;
    }

    /**
     * Kernels since 4.13 count OOM kills in memory.oom_control; before that only failcnt (times the
     * limit was hit) exists, which with a SIGKILL exit is as good a sign as we get.
     */
    @Override
    public boolean oomKilled(Path group, int exitCode) {
        Path control = group.resolve("memory.oom_control");
        OptionalLong kills = MemoryCgroups.counter(control, "oom_kill");
        if (kills.isPresent()) {
            return kills.getAsLong() > 0;
        }
        return exitCode == 137 && MemoryCgroups.number(group.resolve("memory.failcnt")) > 0;
    }
}
