package dev.nubo.runtimes;

import dev.nubo.model.Descriptor;
import java.util.Map;

/** The variables every function runtime sets: Lambda's, for handlers and libraries that read them, and Nubo's own. */
final class FunctionEnv {

    private FunctionEnv() {}

    static void put(Map<String, String> env, Runtimes.Target target, String handler) {
        Descriptor d = target.descriptor();
        String memoryMb = Long.toString(d.memory() >> 20);
        env.put("LAMBDA_TASK_ROOT", target.codeDir().toString());
        env.put("NUBO_HANDLER", handler);
        env.put("NUBO_TIMEOUT_MS", Long.toString(d.timeout().toMillis()));
        env.put("NUBO_MEMORY_MB", memoryMb);
        env.put("AWS_LAMBDA_FUNCTION_NAME", d.name());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", target.revision());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memoryMb);
        env.put("_HANDLER", handler);
    }
}
