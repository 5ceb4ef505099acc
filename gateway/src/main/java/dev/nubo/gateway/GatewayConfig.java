package dev.nubo.gateway;

import java.time.Duration;
import java.util.Locale;

/**
 * The gateway's settings, all in one place.
 *
 * <table>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>host</td><td>0.0.0.0</td><td>address to bind</td></tr>
 *   <tr><td>port</td><td>8080</td><td>port to bind; 0 picks a free one, read it back with {@link Gateway#port()}</td></tr>
 *   <tr><td>domain</td><td>localhost</td><td>a service answers at {@code NAME.domain}</td></tr>
 *   <tr><td>connectTimeout</td><td>1s</td><td>how long to wait for a connection to an instance, including
 *       waiting for a free one in the pool, before trying another instance</td></tr>
 *   <tr><td>maxConnectionsPerEndpoint</td><td>256</td><td>keep-alive pool size per instance and event loop; requests beyond it wait
 *       for a free connection (up to connectTimeout)</td></tr>
 * </table>
 */
public record GatewayConfig(String host, int port, String domain, Duration connectTimeout, int maxConnectionsPerEndpoint) {

    public GatewayConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("gateway host is empty; pass an address to bind, e.g. 0.0.0.0");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("gateway port " + port + " is out of range; pass 1-65535, or 0 for any free port");
        }
        if (domain == null || domain.isBlank() || domain.startsWith(".")) {
            throw new IllegalArgumentException("gateway domain '" + domain + "' is not a host name; pass e.g. localhost or apps.example.com");
        }
        domain = domain.toLowerCase(Locale.ROOT);
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("gateway connectTimeout " + connectTimeout + " must be positive, e.g. 1s");
        }
        if (maxConnectionsPerEndpoint < 1) {
            throw new IllegalArgumentException("gateway maxConnectionsPerEndpoint " + maxConnectionsPerEndpoint + " must be 1 or more, e.g. 256");
        }
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, "localhost", Duration.ofSeconds(1), 256);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, domain, connectTimeout, maxConnectionsPerEndpoint);
    }

    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, port, domain, connectTimeout, maxConnectionsPerEndpoint);
    }
}
