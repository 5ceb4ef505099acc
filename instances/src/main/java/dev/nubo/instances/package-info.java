/**
 * Instances as real OS processes: start, readiness, logs, crash restart with backoff, drain and stop.
 *
 * <p>The public face is {@link dev.nubo.instances.Instances} (create, launch, close),
 * {@link dev.nubo.instances.Instance} (one running instance and its lifecycle,
 * {@link dev.nubo.instances.InstanceState}), and the values {@link dev.nubo.instances.LaunchSpec},
 * {@link dev.nubo.instances.InstancesConfig} and {@link dev.nubo.instances.LogLine}. Everything else
 * is package-private:
 *
 * <ul>
 *   <li>{@code InstanceProcess}: one OS process of an instance and its supervisor thread (probe,
 *       reap, clean up); a restart is a new one.
 *   <li>{@code CrashLoop}: the restart-or-give-up decision, a pure function of exit times.
 *   <li>{@code ProcessGroup}, {@code Watchdog}: signals to whole groups, and the guarantee that no
 *       group outlives the server.
 *   <li>{@code Cgroups}, {@code Cgroup} ({@code CgroupV1}, {@code CgroupV2}): every process tree in a
 *       cgroup of this server, stopped as a whole; memory limits and OOM detection.
 *   <li>{@code InstanceLog}, {@code LinePump}, {@code LogTail}: the size-bounded per-instance log.
 * </ul>
 *
 * <p>Threads: per process one virtual supervisor thread and two platform threads copying stdout and
 * stderr, all ending with the process; per {@code Instances} one timer thread (restarts, SIGKILL
 * after grace) and one thread delivering listener calls in order, plus the watchdog process.
 */
package dev.nubo.instances;
