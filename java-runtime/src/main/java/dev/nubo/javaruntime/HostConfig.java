package dev.nubo.javaruntime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
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
 *       {@code Handler} or {@code HttpHandler} ({@code handler} in nubo.yaml)</td></tr>
 *   <tr><td>NUBO_CODE</td><td>required</td><td>an existing jar or classes directory
 *       ({@code code} in nubo.yaml, resolved by the platform)</td></tr>
 *   <tr><td>NUBO_SERVICE</td><td>{@code local}</td><td>{@code Context.functionName()}</td></tr>
 *   <tr><td>NUBO_REVISION</td><td>{@code local}</td><td>{@code Context.revision()}</td></tr>
 *   <tr><td>NUBO_TIMEOUT_MS</td><td>30000</td><td>request timeout; {@code Context.deadline()} is
 *       arrival plus this</td></tr>
 *   <tr><td>NUBO_ENV_KEYS</td><td>empty</td><td>comma-separated names of the service's variables
 *       from nubo.yaml; {@code Context.env()} holds exactly those that are set</td></tr>
 * </table>
 *
 * <p>The optional keys have defaults so that a function can be run by hand with just the first three.
 */
record HostConfig(int port, String handler, Path code, String service, String revision, Duration timeout,
        Map<String, String> functionEnv) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    static HostConfig from(Map<String, String> env) {
        return new HostConfig(
                port(env.get("PORT")),
                required(env, "NUBO_HANDLER", "set it to the handler class from `handler` in nubo.yaml, e.g. com.example.Hello"),
                code(required(env, "NUBO_CODE", "set it to the function's jar or classes directory from `code` in nubo.yaml")),
                env.getOrDefault("NUBO_SERVICE", "local"),
                env.getOrDefault("NUBO_REVISION", "local"),
                timeout(env.get("NUBO_TIMEOUT_MS")),
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

    private static Duration timeout(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_TIMEOUT;
        }
        try {
            long millis = Long.parseLong(value.strip());
            if (millis > 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new InitFailure("NUBO_TIMEOUT_MS must be a positive number of milliseconds, got '" + value + "'");
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
