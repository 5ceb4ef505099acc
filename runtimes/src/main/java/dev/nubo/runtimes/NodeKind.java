package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.instances.WarmStart;
import dev.nubo.model.Descriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code runtime: node}: the function runs in Nubo's Node shim ({@code node/nubo-node.mjs}), which imports its handler. */
record NodeKind(Descriptor.NodeFunction function, Toolchain tools) implements RuntimeKind {

    static final String SHIM = "node/nubo-node.mjs";

    @Override
    public void validate(Path codeDir) {
        Toolchain.requireProgram("node", "runtime: node", "install Node.js 18 or newer (apt-get install nodejs)");
        Layers.validate(codeDir, function.layers());
    }

    @Override
    public void launch(Runtimes.Target target, Map<String, String> env, LaunchSpec.Builder spec) {
        long memory = target.descriptor().memory();
        FunctionEnv.put(env, target, function.handler());
        Layers.put(env, target, tools.layerCache());
        spec.command(command(memory, false)).warmStart(warmStart(target.descriptor()));
    }

    @Override
    /**
     * Node reads {@code NODE_OPTIONS} as it starts (Lambda's way to give it flags), so a function that
     * sets it gets a process of its own rather than a pooled one started without it.
     */
    public Optional<WarmStart> warmStart(Descriptor d) {
        if (d.env().containsKey("NODE_OPTIONS")) {
            return Optional.empty();
        }
        return tools.warmStart("node", d.memory(), command(d.memory(), true));
    }

    /**
     * Node with a heap from the memory limit (V8's default ignores it) and one V8 platform thread
     * (an instance is small). A pooled process also gets a 1 MiB young generation, which saves about
     * 1.5 MiB per idle process and costs 20-30 ms of start-up, spent before any request waits.
     */
    private List<String> command(long memory, boolean pooled) {
        long heapMiB = Math.max(16, (memory >> 20) * 7 / 10);
        List<String> command = new ArrayList<>(List.of("node", "--max-old-space-size=" + heapMiB, "--v8-pool-size=1"));
        if (pooled) {
            command.add("--max-semi-space-size=1");
        }
        command.add(tools.shim(SHIM).toString());
        return List.copyOf(command);
    }
}
