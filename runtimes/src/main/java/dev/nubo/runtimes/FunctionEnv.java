package dev.nubo.runtimes;

import dev.nubo.model.Descriptor;
import java.util.Map;

/**
 * The variables every function runtime sets: Lambda's, for handlers and libraries that read them
 * (AWS's SDKs find their region in {@code AWS_REGION}), and Nubo's own. Nubo's values win over the
 * service's {@code env}, except the region, which a service may set for itself.
 */
final class FunctionEnv {

    /** The region a function is told it runs in unless its {@code env} says otherwise. */
    static final String DEFAULT_REGION = "us-east-1";

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
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/nubo/" + d.name());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", target.instanceId());
        env.put("_HANDLER", handler);
        String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", DEFAULT_REGION));
        env.putIfAbsent("AWS_REGION", region);
        env.putIfAbsent("AWS_DEFAULT_REGION", region);
    }
}
