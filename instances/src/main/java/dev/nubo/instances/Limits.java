package dev.nubo.instances;

/**
 * The resource limits of one instance process, each 0 for none.
 *
 * @param memoryBytes memory, swap included
 * @param cpuMillis CPU time per second of wall time, in thousandths of a core: 500 is half a core
 * @param processes processes and threads (the kernel counts both as tasks) the instance may hold at once
 */
record Limits(long memoryBytes, int cpuMillis, int processes) {

    static final Limits NONE = new Limits(0, 0, 0);

    static Limits of(LaunchSpec spec) {
        return new Limits(spec.memoryBytes(), spec.cpuMillis(), spec.processes());
    }
}
