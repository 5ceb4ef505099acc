package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.instances.WarmStart;
import dev.nubo.model.Descriptor;
import java.util.Map;
import java.util.Optional;

/**
 * {@code runtime: provided}: an unmodified Lambda custom runtime, run as written, which polls the
 * Lambda Runtime API of its instance's bridge; the gateway reaches it on the bridge's invocation port.
 * Nothing to prewarm: the runtime is the user's own program.
 */
record ProvidedKind(Descriptor.Provided provided) implements RuntimeKind {

    @Override
    public void launch(Runtimes.Target target, Map<String, String> env, LaunchSpec.Builder spec) {
        Runtimes.RuntimeApi api = target.runtimeApi().orElseThrow(() -> new IllegalArgumentException(
                "a custom runtime (runtime: provided) needs the Lambda Runtime API bridge of its instance"));
        FunctionEnv.put(env, target, provided.handler().orElse(""));
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("LAMBDA_RUNTIME_DIR", target.codeDir().toString());
        spec.command(provided.command()).port(api.invocationPort());
    }

    @Override
    public Optional<WarmStart> warmStart(Descriptor d) {
        return Optional.empty();
    }
}
