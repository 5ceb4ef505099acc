package dev.nubo.instances;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How {@link Instances} runs processes. Every knob with its default:
 *
 * <table>
 * <caption>Instances configuration</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>terminationGrace</td><td>10s</td><td>how long {@link Instances#close()} waits after
 *     SIGTERM before SIGKILL</td></tr>
 * <tr><td>crashLoopRestarts</td><td>5</td><td>restarts allowed within crashLoopWindow; one more
 *     exit fails the instance</td></tr>
 * <tr><td>crashLoopWindow</td><td>5m</td><td>how far back exits count, both for the crash loop and
 *     for the backoff exponent</td></tr>
 * <tr><td>backoffBase</td><td>500ms</td><td>delay before the first restart; doubles per earlier
 *     exit within crashLoopWindow</td></tr>
 * <tr><td>backoffMax</td><td>30s</td><td>the longest delay before a restart</td></tr>
 * <tr><td>maxLogBytes</td><td>10 MiB</td><td>size of an instance log before it is rotated to
 *     {@code .1}; at most twice this is kept per instance</td></tr>
 * <tr><td>probeInterval</td><td>50ms</td><td>how often a starting instance is probed for
 *     readiness</td></tr>
 * <tr><td>scope</td><td>none</td><td>names this server's cgroups ({@code nubo/<scope>/...}): servers
 *     on one machine need different scopes, and a server restarted with the same scope removes what
 *     its earlier run left behind; see {@link #scopeOf}. Without one, each {@link Instances} gets a
 *     scope of its own and finds nothing of earlier runs</td></tr>
 * <tr><td>sandbox</td><td>none</td><td>runs every process in a {@link Sandbox}; without one, processes
 *     run as the server's user and see what it sees</td></tr>
 * </table>
 *
 * <pre>{@code
 * InstancesConfig.defaults().withTerminationGrace(Duration.ofSeconds(30)).withScope(InstancesConfig.scopeOf(home))
 * }</pre>
 */
public record InstancesConfig(
        Duration terminationGrace,
        int crashLoopRestarts,
        Duration crashLoopWindow,
        Duration backoffBase,
        Duration backoffMax,
        long maxLogBytes,
        Duration probeInterval,
        Optional<String> scope,
        Optional<Sandbox> sandbox) {

    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** A configuration without a scope. */
    public InstancesConfig(Duration terminationGrace, int crashLoopRestarts, Duration crashLoopWindow,
            Duration backoffBase, Duration backoffMax, long maxLogBytes, Duration probeInterval) {
        this(terminationGrace, crashLoopRestarts, crashLoopWindow, backoffBase, backoffMax, maxLogBytes, probeInterval,
                Optional.empty(), Optional.empty());
    }

    public InstancesConfig {
        Objects.requireNonNull(terminationGrace, "terminationGrace");
        Objects.requireNonNull(crashLoopWindow, "crashLoopWindow");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(probeInterval, "probeInterval");
        requireNotNegative("terminationGrace", terminationGrace);
        requirePositive("crashLoopWindow", crashLoopWindow);
        requirePositive("backoffBase", backoffBase);
        requirePositive("probeInterval", probeInterval);
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoffMax (" + backoffMax + ") must be at least backoffBase ("
                    + backoffBase + ")");
        }
        if (crashLoopRestarts < 0) {
            throw new IllegalArgumentException("crashLoopRestarts must be 0 or more; was " + crashLoopRestarts);
        }
        if (maxLogBytes < 1024) {
            throw new IllegalArgumentException("maxLogBytes must be at least 1024 so a log keeps a few lines;"
                    + " was " + maxLogBytes);
        }
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(sandbox, "sandbox");
        if (scope.isPresent() && !SCOPE.matcher(scope.get()).matches()) {
            throw new IllegalArgumentException("scope '" + scope.get() + "' is not usable as a cgroup name; use 1-64"
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. InstancesConfig.scopeOf(home)");
        }
    }

    public InstancesConfig withTerminationGrace(Duration grace) {
        return new InstancesConfig(grace, crashLoopRestarts, crashLoopWindow, backoffBase, backoffMax, maxLogBytes,
                probeInterval, scope, sandbox);
    }

    public InstancesConfig withScope(String id) {
        return new InstancesConfig(terminationGrace, crashLoopRestarts, crashLoopWindow, backoffBase, backoffMax,
                maxLogBytes, probeInterval, Optional.of(id), sandbox);
    }

    public InstancesConfig withSandbox(Sandbox isolation) {
        return new InstancesConfig(terminationGrace, crashLoopRestarts, crashLoopWindow, backoffBase, backoffMax,
                maxLogBytes, probeInterval, scope, Optional.of(isolation));
    }

    /**
     * The scope of a server whose state lives in {@code home}: the same after a restart, different for
     * every home, e.g. {@code nubo-3f2a9c1b7d40} for {@code /root/.nubo}. The directory's name is kept
     * in it so that someone reading /sys/fs/cgroup can tell whose processes are whose.
     */
    public static String scopeOf(Path home) {
        String path = home.toAbsolutePath().normalize().toString();
        Path last = home.toAbsolutePath().normalize().getFileName();
        String name = (last == null ? "" : last.toString()).replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^[._-]+", "");
        name = name.isEmpty() ? "home" : name.substring(0, Math.min(name.length(), 24));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return name + "-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public static InstancesConfig defaults() {
        return new InstancesConfig(Duration.ofSeconds(10), 5, Duration.ofMinutes(5), Duration.ofMillis(500),
                Duration.ofSeconds(30), 10L << 20, Duration.ofMillis(50));
    }

    private static void requirePositive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive; was " + d);
        }
    }

    private static void requireNotNegative(String name, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative; was " + d);
        }
    }
}
