package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The unified (v2) hierarchy, e.g. {@code /sys/fs/cgroup/nubo/<instanceId>}. */
record CgroupV2(Path parent) implements MemoryCgroups {

    /** Creates {@code parent} and hands the memory controller down to it and its children. */
    static CgroupV2 open(Path root, Path parent) throws IOException {
        Files.createDirectories(parent);
        enableMemory(root);
        enableMemory(parent);
        return new CgroupV2(parent);
    }

    private static void enableMemory(Path group) throws IOException {
        Path control = group.resolve("cgroup.subtree_control");
        if (!MemoryCgroups.words(control).contains("memory")) {
            MemoryCgroups.write(control, "+memory");
        }
    }

    @Override
    public String describe() {
        return "cgroup v2 " + parent;
    }

    @Override
    public Path create(String name, long limitBytes) throws IOException {
        Path group = parent.resolve(name);
        if (Files.exists(group)) {
            remove(group);
        }
        Files.createDirectory(group);
        MemoryCgroups.write(group.resolve("memory.max"), Long.toString(limitBytes));
        Path swap = group.resolve("memory.swap.max");
        if (Files.exists(swap)) {
            MemoryCgroups.write(swap, "0");
        }
        return group;
    }

    @Override
    public boolean oomKilled(Path group, int exitCode) {
        return MemoryCgroups.counter(group.resolve("memory.events"), "oom_kill").orElse(0) > 0;
    }
}
