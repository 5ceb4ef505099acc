package dev.nubo.events;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * How {@link Eventing} runs, in one place:
 *
 * <table>
 * <caption>Eventing configuration</caption>
 * <tr><th>field</th><th>default</th><th>meaning</th></tr>
 * <tr><td>gateway</td><td>(required)</td><td>where deliveries go, to wake a service at zero and be held meanwhile</td></tr>
 * <tr><td>shortcut</td><td>{@link Shortcut#NONE}</td><td>slots on instances with room, to send to them directly</td></tr>
 * <tr><td>workflows</td><td>{@link WorkflowStarts#NONE}</td><td>how a delivery to {@code workflow:NAME} starts an execution</td></tr>
 * <tr><td>node</td><td>{@code local}</td><td>this node's id, the owner of the deliveries it leases: stable across its
 *     restarts (so that it takes its own back at once) and unique among the nodes sharing an event log</td></tr>
 * <tr><td>lease</td><td>30 s</td><td>how long a delivery stays a node's without renewal; a dead node's deliveries are
 *     taken over this long (plus their attempt's timeout) after they were due. Renewed every third of it.</td></tr>
 * <tr><td>maxInFlight</td><td>256</td><td>deliveries out at once, across all triggers</td></tr>
 * <tr><td>clock, random</td><td>the system's</td><td>time and jitter, injected so that tests need not sleep</td></tr>
 * </table>
 *
 * <pre>{@code
 * EventingConfig.to(new GatewayAddress("127.0.0.1", 8080, "localhost")).withNode("node-7f3a").withShortcut(slots)
 * }</pre>
 */
public record EventingConfig(GatewayAddress gateway, Shortcut shortcut, WorkflowStarts workflows, String node, Duration lease, int maxInFlight,
                             InstantSource clock, RandomGenerator random) {

    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public EventingConfig {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(shortcut, "shortcut");
        Objects.requireNonNull(workflows, "workflows");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        if (node == null || !NODE.matcher(node).matches()) {
            throw new IllegalArgumentException("'" + node + "' is not a node id: use 1 to 64 letters, digits, '.', '_' and '-'");
        }
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a lease of " + lease + " is too short: renewals every third of it would not keep up;"
                    + " use at least 1 s (30 s is the default)");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
        }
    }

    /** Deliveries through {@code gateway}, with every other field at its default. */
    public static EventingConfig to(GatewayAddress gateway) {
        return new EventingConfig(gateway, Shortcut.NONE, WorkflowStarts.NONE, "local", Duration.ofSeconds(30), 256, InstantSource.system(),
                RandomGenerator.getDefault());
    }

    public EventingConfig withShortcut(Shortcut shortcut) {
        return new EventingConfig(gateway, shortcut, workflows, node, lease, maxInFlight, clock, random);
    }

    public EventingConfig withWorkflows(WorkflowStarts workflows) {
        return new EventingConfig(gateway, shortcut, workflows, node, lease, maxInFlight, clock, random);
    }

    public EventingConfig withNode(String node) {
        return new EventingConfig(gateway, shortcut, workflows, node, lease, maxInFlight, clock, random);
    }

    public EventingConfig withLease(Duration lease) {
        return new EventingConfig(gateway, shortcut, workflows, node, lease, maxInFlight, clock, random);
    }

    public EventingConfig withMaxInFlight(int maxInFlight) {
        return new EventingConfig(gateway, shortcut, workflows, node, lease, maxInFlight, clock, random);
    }

    public EventingConfig withClock(InstantSource clock) {
        return new EventingConfig(gateway, shortcut, workflows, node, lease, maxInFlight, clock, random);
    }

    public EventingConfig withRandom(RandomGenerator random) {
        return new EventingConfig(gateway, shortcut, workflows, node, lease, maxInFlight, clock, random);
    }
}
