package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.instances.WarmStart;
import dev.nubo.model.Descriptor;
import java.util.Map;
import java.util.Optional;

/** {@code runtime: process}: any program serving HTTP on {@code $PORT}, run as written; nothing to prewarm. */
record ProcessKind(Descriptor.Process process) implements RuntimeKind {

    @Override
    public void launch(Runtimes.Target target, Map<String, String> env, LaunchSpec.Builder spec) {
        spec.command(process.command());
    }

    @Override
    public Optional<WarmStart> warmStart(Descriptor d) {
        return Optional.empty();
    }
}
