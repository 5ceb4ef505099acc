package dev.nubo.instances;

import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * What every instance of one {@link Instances} shares: the machine-facing parts (environment, cgroups,
 * watchdog) and the two Nubo threads.
 *
 * @param baseEnv the inherited part of every instance's environment
 * @param cgroups where this server's processes are kept; empty when the machine gives it no cgroup
 * @param timer runs restarts after backoff and SIGKILLs after a stop's grace
 * @param events delivers {@link InstanceListener} calls in order, outside every lock
 * @param pool idle runtime processes started ahead of time, for launches with a {@link WarmStart}
 */
record Host(
        InstancesConfig config,
        InstantSource clock,
        Map<String, String> baseEnv,
        Optional<Cgroups> cgroups,
        Watchdog watchdog,
        ScheduledExecutorService timer,
        Executor events,
        Consumer<LogLine> logListener,
        WarmPool pool) {}
