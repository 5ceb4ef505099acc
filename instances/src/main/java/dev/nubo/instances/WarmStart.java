package dev.nubo.instances;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a generic runtime process ahead of time, so that a cold start only has to hand it a
 * function: a JVM, Node or Python interpreter that has warmed itself up and waits for its
 * specialisation on stdin. {@link Instances} keeps up to {@code poolSize} of them idle per
 * {@code key}; launching a {@link LaunchSpec} that names this warm start takes one, if there is
 * one, instead of starting {@link LaunchSpec#command()} fresh.
 *
 * <p>The specialisation message (docs/ARCHITECTURE.md, "Prewarmed pools") is the launch's
 * {@link LaunchSpec#env()} plus {@code PORT} and {@code NUBO_WORKDIR}: entries {@code NAME=VALUE},
 * each followed by a NUL byte, ended by an empty entry. The process sets them as its environment,
 * changes to {@code NUBO_WORKDIR} where it can, and continues as a fresh start would. A pooled process
 * is specialised once, for one instance, and never returns to the pool.
 *
 * @param key processes with equal keys are interchangeable, e.g. {@code java-256Mi}; the key should
 *     cover everything that differs in {@code command}, {@code env} and {@code memoryBytes}
 * @param command the generic process; it is started with {@code NUBO_POOL=1}
 * @param env added to the inherited environment; nothing specific to a function may be in it
 * @param workDir the pooled process's working directory; it must exist
 * @param memoryBytes its memory limit, as {@link LaunchSpec#memoryBytes()}; 0 means none
 * @param poolSize how many idle processes of this key to keep; 0 keeps none
 */
public record WarmStart(String key, List<String> command, Map<String, String> env, Path workDir, long memoryBytes,
        int poolSize) {

    public WarmStart {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(workDir, "workDir");
        command = List.copyOf(command);
        env = Map.copyOf(env);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("warm start " + key + " has an empty command");
        }
        if (poolSize < 0) {
            throw new IllegalArgumentException("pool size of warm start " + key + " must be 0 or more; was " + poolSize);
        }
    }
}
