package dev.nubo.gateway;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The gateway's settings, all in one place. Start from {@link #defaults()} and change what you
 * need with the {@code with} methods; every value is checked when the config is made.
 *
 * <table>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>host</td><td>127.0.0.1</td><td>address to bind; 0.0.0.0 or :: for all interfaces</td></tr>
 *   <tr><td>port</td><td>8080</td><td>port to bind; 0 picks a free one, read it back with {@link Gateway#port()}</td></tr>
 *   <tr><td>domain</td><td>localhost</td><td>a service answers at {@code NAME.domain}</td></tr>
 *   <tr><td>connectTimeout</td><td>1s</td><td>how long to wait for a connection to an instance, including
 *       waiting for a free one in the pool, before trying another instance</td></tr>
 *   <tr><td>maxConnectionsPerEndpoint</td><td>256</td><td>keep-alive pool size per instance and event loop; requests beyond it wait
 *       for a free connection (up to connectTimeout). A WebSocket's connection leaves the pool once switched, so it does not
 *       count; it is also the most a learned per-instance limit grows to (an explicit {@code scale.limit} is not bound by it)</td></tr>
 *   <tr><td>headerTimeout</td><td>10s</td><td>a request head must arrive whole within this of the connection
 *       opening or of the previous response on it, else the connection is closed: a slow sender
 *       (slowloris) cannot hold it, and an idle keep-alive connection closes after this too</td></tr>
 *   <tr><td>sendTimeout</td><td>30s</td><td>a caller that takes no byte of its response for this long, while the
 *       gateway has more to send, is cut (as nginx's {@code send_timeout}); a slow reader that keeps
 *       reading is not</td></tr>
 *   <tr><td>maxConnections</td><td>from the process's file descriptor limit, see {@link #connectionsFor}</td><td>callers'
 *       connections open at once, over all event loops; a connection over it is closed as soon as it is
 *       accepted, so that descriptors stay for the control API, instances, databases and logs</td></tr>
 *   <tr><td>maxConnectionsPerAddress</td><td>half of maxConnections' default</td><td>callers' connections open at once from one
 *       IP address; more from it are closed as they are accepted, so one client cannot take the whole cap</td></tr>
 *   <tr><td>tunnelIdleTimeout</td><td>10m</td><td>a switched connection (WebSocket) that carries no byte either way
 *       for this long is closed on both sides; checked by the loop's sweep, so up to a second late</td></tr>
 *   <tr><td>tls</td><td>none</td><td>a second, TLS port with the user's certificate and key ({@link GatewayTls})</td></tr>
 * </table>
 */
public record GatewayConfig(String host, int port, String domain, Duration connectTimeout, int maxConnectionsPerEndpoint,
                            Duration headerTimeout, Duration sendTimeout, int maxConnections, Optional<GatewayTls> tls, Duration tunnelIdleTimeout,
                            int maxConnectionsPerAddress) {

    /** Descriptors assumed where the JVM cannot tell the process's limit (not a Unix). */
    static final long UNKNOWN_DESCRIPTOR_LIMIT = 16_384;

    public GatewayConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("gateway host is empty; pass an address to bind, e.g. 127.0.0.1 or 0.0.0.0");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("gateway port " + port + " is out of range; pass 1-65535, or 0 for any free port");
        }
        if (domain == null || domain.isBlank() || domain.startsWith(".")) {
            throw new IllegalArgumentException("gateway domain '" + domain + "' is not a host name; pass e.g. localhost or apps.example.com");
        }
        domain = domain.toLowerCase(Locale.ROOT);
        checkPositive("connectTimeout", connectTimeout, "1s");
        if (maxConnectionsPerEndpoint < 1) {
            throw new IllegalArgumentException("gateway maxConnectionsPerEndpoint " + maxConnectionsPerEndpoint + " must be 1 or more, e.g. 256");
        }
        checkPositive("headerTimeout", headerTimeout, "10s");
        checkPositive("sendTimeout", sendTimeout, "30s");
        checkPositive("tunnelIdleTimeout", tunnelIdleTimeout, "10m");
        if (maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("gateway maxConnectionsPerAddress " + maxConnectionsPerAddress + " must be 1 or more, e.g. 1000");
        }
        if (tls == null) {
            throw new IllegalArgumentException("gateway tls is null; pass Optional.empty() for no TLS");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("gateway maxConnections " + maxConnections + " must be 1 or more, e.g. "
                    + connectionsFor(descriptorLimit()) + " (the default for this process's descriptor limit)");
        }
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("127.0.0.1", 8080, "localhost", Duration.ofSeconds(1), 256,
                Duration.ofSeconds(10), Duration.ofSeconds(30), connectionsFor(descriptorLimit()), Optional.empty(), Duration.ofMinutes(10),
                Math.max(1, connectionsFor(descriptorLimit()) / 2));
    }

    /**
     * The default connection cap for a process allowed {@code descriptorLimit} open files: a quarter of
     * them (at least 256, at most 4096) is kept for everything but callers' connections, and the rest
     * is halved, because each caller's connection may hold a connection to an instance as well.
     * 20,000 descriptors give 7,952 connections; 1,024 give 384.
     */
    static int connectionsFor(long descriptorLimit) {
        long reserve = Math.max(256, Math.min(descriptorLimit / 4, 4096));
        return (int) Math.clamp((descriptorLimit - reserve) / 2, 1, Integer.MAX_VALUE);
    }

    /** The process's limit on open files (the JVM raises the soft limit to the hard one at start). */
    static long descriptorLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : UNKNOWN_DESCRIPTOR_LIMIT;
    }

    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, port, domain, connectTimeout, maxConnectionsPerEndpoint, headerTimeout, sendTimeout, maxConnections, tls, tunnelIdleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, domain, connectTimeout, maxConnectionsPerEndpoint, headerTimeout, sendTimeout, maxConnections, tls, tunnelIdleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withDomain(String newDomain) {
        return new GatewayConfig(host, port, newDomain, connectTimeout, maxConnectionsPerEndpoint, headerTimeout, sendTimeout, maxConnections, tls, tunnelIdleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withMaxConnectionsPerEndpoint(int perEndpoint) {
        return new GatewayConfig(host, port, domain, connectTimeout, perEndpoint, headerTimeout, sendTimeout, maxConnections, tls, tunnelIdleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withHeaderTimeout(Duration timeout) {
        return new GatewayConfig(host, port, domain, connectTimeout, maxConnectionsPerEndpoint, timeout, sendTimeout, maxConnections, tls, tunnelIdleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withSendTimeout(Duration timeout) {
        return new GatewayConfig(host, port, domain, connectTimeout, maxConnectionsPerEndpoint, headerTimeout, timeout, maxConnections, tls, tunnelIdleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withMaxConnections(int max) {
        return new GatewayConfig(host, port, domain, connectTimeout, maxConnectionsPerEndpoint, headerTimeout, sendTimeout, max, tls, tunnelIdleTimeout, maxConnectionsPerAddress);
    }

    /** Serves TLS as well, on its own port (see {@link GatewayTls}). */
    public GatewayConfig withTls(GatewayTls newTls) {
        return new GatewayConfig(host, port, domain, connectTimeout, maxConnectionsPerEndpoint, headerTimeout, sendTimeout, maxConnections,
                Optional.of(newTls), tunnelIdleTimeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withTunnelIdleTimeout(Duration timeout) {
        return new GatewayConfig(host, port, domain, connectTimeout, maxConnectionsPerEndpoint, headerTimeout, sendTimeout, maxConnections, tls, timeout, maxConnectionsPerAddress);
    }

    public GatewayConfig withMaxConnectionsPerAddress(int max) {
        return new GatewayConfig(host, port, domain, connectTimeout, maxConnectionsPerEndpoint, headerTimeout, sendTimeout, maxConnections, tls,
                tunnelIdleTimeout, max);
    }

    private static void checkPositive(String key, Duration value, String example) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("gateway " + key + " " + value + " must be positive, e.g. " + example);
        }
    }
}
