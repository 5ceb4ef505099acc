package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.instances.WarmStart;
import dev.nubo.model.Descriptor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code runtime:} kind of nubo.yaml as the launcher sees it: what it checks before any process
 * starts, its command line and variables, and whether a generic process of it can be started ahead
 * of time. One implementation per kind, made for one descriptor's runtime by {@link Runtimes}.
 *
 * <p>Adding a kind: its record in {@code Descriptor.Runtime} and its syntax in model's
 * {@code RuntimeSyntax}, a class here, and the line that makes it in {@code Runtimes.kind}, which
 * the compiler asks for (the switch there is exhaustive over the sealed records).
 */
sealed interface RuntimeKind permits ProcessKind, JavaKind, NodeKind, PythonKind, ProvidedKind, StaticKind {

    /**
     * Checks what can be checked before any process starts, so that a deploy fails at once with a
     * precise message (a {@code UserError}) rather than later with a crash.
     */
    default void validate(Path codeDir) {
    }

    /**
     * Sets what this kind decides about one instance on {@code spec} (its command; a port or a warm
     * start where the kind has one) and adds the variables its process reads to {@code env}, which
     * holds the service's own and Nubo's already.
     */
    void launch(Runtimes.Target target, Map<String, String> env, LaunchSpec.Builder spec);

    /**
     * How a generic process of this kind is started ahead of time, to be handed {@code d}'s function
     * later; empty for a kind that cannot be, for a function whose variables must be there when its
     * process starts, and when pools are off.
     */
    Optional<WarmStart> warmStart(Descriptor d);
}
