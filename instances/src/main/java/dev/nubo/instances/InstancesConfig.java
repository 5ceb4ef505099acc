package dev.nubo.instances;

import java.time.Duration;
import java.util.Objects;

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
 * </table>
 */
public record InstancesConfig(
        Duration terminationGrace,
        int crashLoopRestarts,
        Duration crashLoopWindow,
        Duration backoffBase,
        Duration backoffMax,
        long maxLogBytes,
        Duration probeInterval) {

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
