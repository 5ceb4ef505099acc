package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.instances.WarmStart;
import dev.nubo.model.Descriptor;
import dev.nubo.model.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code runtime: java}: the function runs in the Java host ({@link JavaHostCommand}), which loads
 * {@code code} in a class loader of its own. A pooled host at the same memory is the same command,
 * handed the function later.
 */
record JavaKind(Descriptor.JavaFunction function, Toolchain tools) implements RuntimeKind {

    @Override
    public void validate(Path codeDir) {
        Path code = codeDir.resolve(function.code()).normalize();
        if (!Files.exists(code)) {
            throw UserError.badRequest("upload.invalid",
                    "nubo.yaml: `code` points at " + function.code() + ", which is not in the deployed directory",
                    "build the function first (e.g. `mvn package`), or fix `code` to point at a jar or a classes directory");
        }
        if (Files.isRegularFile(code) && !function.code().endsWith(".jar")) {
            throw UserError.badRequest("upload.invalid",
                    "nubo.yaml: `code` must be a .jar file or a classes directory (got " + function.code() + ")",
                    "e.g. `code: target/app.jar` or `code: target/classes`");
        }
        Layers.validate(codeDir, function.layers());
    }

    @Override
    public void launch(Runtimes.Target target, Map<String, String> env, LaunchSpec.Builder spec) {
        Descriptor d = target.descriptor();
        FunctionEnv.put(env, target, function.handler());
        env.put("NUBO_CODE", target.codeDir().resolve(function.code()).normalize().toString());
        env.put("NUBO_ENV_KEYS", String.join(",", d.env().keySet()));
        Layers.put(env, target, tools.layerCache());
        spec.command(tools.javaHost().command(d.memory())).warmStart(warmStart(d));
    }

    @Override
    /**
     * The JVM reads {@code JAVA_TOOL_OPTIONS} as it starts (Lambda's way to add JVM flags, such as an
     * {@code --add-opens} a library needs), so a function that sets it gets a host of its own rather
     * than a pooled one started without it.
     */
    public Optional<WarmStart> warmStart(Descriptor d) {
        if (d.env().containsKey("JAVA_TOOL_OPTIONS")) {
            return Optional.empty();
        }
        return pooled(tools, d.memory());
    }

    /** A pooled Java host at {@code memory}; also started before any Java function is deployed. */
    static Optional<WarmStart> pooled(Toolchain tools, long memory) {
        return tools.warmStart("java", memory, tools.javaHost().command(memory));
    }
}
