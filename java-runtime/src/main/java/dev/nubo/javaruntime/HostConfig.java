package dev.nubo.javaruntime;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the host reads from its environment, which the platform sets when it starts the
 * process. This is the only place that reads it.
 *
 * <table>
 *   <caption>Environment</caption>
 *   <tr><th>Key</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>PORT</td><td>required</td><td>port to listen on, all interfaces; 1-65535</td></tr>
 *   <tr><td>NUBO_HANDLER</td><td>required</td><td>fully qualified class implementing
 *       {@code Handler} or {@code HttpHandler}, or Lambda's {@code RequestHandler} or
 *       {@code RequestStreamHandler}; Lambda's {@code Class::method} also works ({@code handler} in
 *       nubo.yaml)</td></tr>
 *   <tr><td>NUBO_CODE</td><td>required</td><td>an existing jar or classes directory
 *       ({@code code} in nubo.yaml, resolved by the platform)</td></tr>
 *   <tr><td>NUBO_SERVICE</td><td>{@code local}</td><td>{@code Context.functionName()}</td></tr>
 *   <tr><td>NUBO_REVISION</td><td>{@code local}</td><td>{@code Context.revision()}</td></tr>
 *   <tr><td>NUBO_INSTANCE</td><td>{@code local}</td><td>instance id; Lambda's
 *       {@code Context.getLogStreamName()}</td></tr>
 *   <tr><td>NUBO_TIMEOUT_MS</td><td>30000</td><td>request timeout; {@code Context.deadline()} is
 *       arrival plus this, and an invocation still running then is interrupted</td></tr>
 *   <tr><td>NUBO_RECYCLE_GRACE_MS</td><td>2000</td><td>how long an invocation may outlive its
 *       deadline before the host exits with status 3 so that the platform replaces it</td></tr>
 *   <tr><td>NUBO_MEMORY_MB</td><td>256</td><td>the instance's memory limit in MiB; Lambda's
 *       {@code Context.getMemoryLimitInMB()}</td></tr>
 *   <tr><td>AWS_REGION</td><td>{@code us-east-1}</td><td>the region in Lambda's ARNs ({@code getInvokedFunctionArn})</td></tr>
 *   <tr><td>NUBO_LAYERS</td><td>empty</td><td>the function's layers, directories separated by ':'; each one's
 *       {@code java/lib/*.jar} follow the code on the class path, as Lambda's {@code /opt/java/lib}</td></tr>
 *   <tr><td>NUBO_ENV_KEYS</td><td>empty</td><td>comma-separated names of the service's variables
 *       from nubo.yaml; {@code Context.env()} holds exactly those that are set</td></tr>
 * </table>
 *
 * <p>The optional keys have defaults so that a function can be run by hand with just the first three.
 *
 * <p>Two more keys choose how the process starts (see {@link Start}) and are read before the others,
 * which a pooled process does not have until it is specialised: {@code NUBO_POOL=1} and
 * {@code NUBO_TRAIN=1}.
 */
record HostConfig(int port, String handler, Path code, String service, String revision, String instance,
        Duration timeout, Duration recycleGrace, int memoryMb, String region, List<Path> layers,
        Map<String, String> functionEnv) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_RECYCLE_GRACE = Duration.ofSeconds(2);
    static final int DEFAULT_MEMORY_MB = 256;
    static final String DEFAULT_REGION = "us-east-1";

    /** How the process begins; only a fresh start has the rest of this configuration at once. */
    enum Start {
        /** The platform set everything: load the handler and listen. */
        FRESH,
        /** {@code NUBO_POOL=1}: warm up, then wait on stdin for the function's variables (see {@link PooledStart}). */
        POOLED,
        /** {@code NUBO_TRAIN=1}: warm up with sample handlers and exit, so that the JVM can archive the classes. */
        TRAINING;

        static Start of(Map<String, String> env) {
            if ("1".equals(env.get("NUBO_TRAIN"))) {
                return TRAINING;
            }
            return "1".equals(env.get("NUBO_POOL")) ? POOLED : FRESH;
        }
    }

    static HostConfig from(Map<String, String> env) {
        return new HostConfig(
                port(env.get("PORT")),
                required(env, "NUBO_HANDLER", "set it to the handler class from `handler` in nubo.yaml, e.g. com.example.Hello"),
                code(required(env, "NUBO_CODE", "set it to the function's jar or classes directory from `code` in nubo.yaml")),
                env.getOrDefault("NUBO_SERVICE", "local"),
                env.getOrDefault("NUBO_REVISION", "local"),
                env.getOrDefault("NUBO_INSTANCE", "local"),
                millis("NUBO_TIMEOUT_MS", env.get("NUBO_TIMEOUT_MS"), DEFAULT_TIMEOUT),
                millis("NUBO_RECYCLE_GRACE_MS", env.get("NUBO_RECYCLE_GRACE_MS"), DEFAULT_RECYCLE_GRACE),
                memoryMb(env.get("NUBO_MEMORY_MB")),
                env.getOrDefault("AWS_REGION", "").isBlank() ? DEFAULT_REGION : env.get("AWS_REGION").strip(),
                Arrays.stream(env.getOrDefault("NUBO_LAYERS", "").split(File.pathSeparator)).filter(l -> !l.isBlank())
                        .map(Path::of).toList(),
                functionEnv(env.getOrDefault("NUBO_ENV_KEYS", ""), env));
    }

    private static String required(Map<String, String> env, String key, String fix) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            throw new InitFailure(key + " is not set (" + fix + ")");
        }
        return value.strip();
    }

    private static int port(String value) {
        if (value == null || value.isBlank()) {
            throw new InitFailure("PORT is not set (the platform sets it; to run the host by hand, set e.g. PORT=8080)");
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new InitFailure("PORT must be a number from 1 to 65535, got '" + value + "'");
    }

    private static Path code(String value) {
        Path code = Path.of(value).toAbsolutePath().normalize();
        if (!Files.exists(code)) {
            throw new InitFailure("code " + code + " not found (NUBO_CODE must name an existing jar or classes"
                    + " directory: check `code` in nubo.yaml and build the function first)");
        }
        return code;
    }

    private static Duration millis(String key, String value, Duration otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            long millis = Long.parseLong(value.strip());
            if (millis > 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new InitFailure(key + " must be a positive number of milliseconds, got '" + value + "'");
    }

    private static int memoryMb(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_MEMORY_MB;
        }
        try {
            int mb = Integer.parseInt(value.strip());
            if (mb > 0) {
                return mb;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new InitFailure("NUBO_MEMORY_MB must be a positive number of MiB, got '" + value + "'");
    }

    /** In the order nubo.yaml lists them; a listed variable that is not set is left out, not null. */
    private static Map<String, String> functionEnv(String keys, Map<String, String> env) {
        Map<String, String> selected = new LinkedHashMap<>();
        for (String key : keys.split(",")) {
            String name = key.strip();
            if (!name.isEmpty() && env.containsKey(name)) {
                selected.put(name, env.get(name));
            }
        }
        return Collections.unmodifiableMap(selected);
    }
}
