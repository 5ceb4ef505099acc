package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.instances.WarmStart;
import dev.nubo.model.Descriptor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code runtime: process}: any program serving HTTP on {@code $PORT}, run as written; nothing to
 * prewarm. A program that is {@code java} gets a start cache ({@link JvmAppCache}).
 *
 * @param env the service's variables from nubo.yaml (a {@code PATH} there decides which {@code java} runs)
 */
record ProcessKind(Descriptor.Process process, Map<String, String> env, Toolchain tools) implements RuntimeKind {

    @Override
    public void validate(Path codeDir) {
        tools.jvmApps().prepare(process.command(), codeDir, env);
    }

    /**
     * What a recording start may use beyond the service's memory: the JVM writes its recording as it
     * exits, on top of the app's own memory. A Spring Boot web app at the default 256 MiB was killed by
     * its limit while writing it (bench/jvm-apps.sh on a busy machine), which left nothing to cache.
     */
    static final long RECORDING_HEADROOM = 256L << 20;

    @Override
    public void launch(Runtimes.Target target, Map<String, String> env, LaunchSpec.Builder spec) {
        spec.command(tools.jvmApps().launch(target.instanceId(), process.command(), target.codeDir(), env));
        // The recording JVM writes what it recorded beside the cache, at exit: a sandbox must let it.
        tools.jvmApps().recordingDir(target.instanceId()).ifPresent(dir -> spec.writable(java.util.List.of(dir)));
        if (tools.jvmApps().records(target.instanceId()) && target.descriptor().memory() > 0) {
            spec.memoryBytes(target.descriptor().memory() + RECORDING_HEADROOM);
        }
    }

    @Override
    public Optional<WarmStart> warmStart(Descriptor d) {
        return Optional.empty();
    }

    Optional<String> startCache(Path codeDir) {
        return tools.jvmApps().status(process.command(), codeDir, env);
    }
}
