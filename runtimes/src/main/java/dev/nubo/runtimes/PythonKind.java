package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.instances.WarmStart;
import dev.nubo.model.Descriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code runtime: python}: the function runs in Nubo's Python shim ({@code python/nubo_python.py}), which imports its handler. */
record PythonKind(Descriptor.PythonFunction function, Toolchain tools) implements RuntimeKind {

    static final String SHIM = "python/nubo_python.py";

    @Override
    public void validate(Path codeDir) {
        Toolchain.requireProgram("python3", "runtime: python", "install Python 3.9 or newer (apt-get install python3)");
        Layers.validate(codeDir, function.layers());
    }

    @Override
    public void launch(Runtimes.Target target, Map<String, String> env, LaunchSpec.Builder spec) {
        FunctionEnv.put(env, target, function.handler());
        Layers.put(env, target, tools.layerCache());
        spec.command(command()).warmStart(warmStart(target.descriptor()));
    }

    @Override
    public Optional<WarmStart> warmStart(Descriptor d) {
        return tools.warmStart("python", d.memory(), command());
    }

    private List<String> command() {
        return List.of(tools.python(), "-u", tools.shim(SHIM).toString());
    }
}
