package dev.nubo.instances;

/** A cgroup controller that enforces one kind of limit; its name is the same in v1 and v2. */
enum Controller {
    MEMORY("memory"),
    CPU("cpu"),
    PIDS("pids");

    final String key;

    Controller(String key) {
        this.key = key;
    }

    /** In messages: "process count" reads better than "pids". */
    String limitName() {
        return switch (this) {
            case MEMORY -> "memory";
            case CPU -> "cpu";
            case PIDS -> "process count";
        };
    }

    /** Whether {@code limits} asks this controller for anything. */
    boolean wanted(Limits limits) {
        return switch (this) {
            case MEMORY -> limits.memoryBytes() > 0;
            case CPU -> limits.cpuMillis() > 0;
            case PIDS -> limits.processes() > 0;
        };
    }
}
