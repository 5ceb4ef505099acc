package dev.nubo.events;

/**
 * Where deliveries go: the gateway's address, and the domain under which {@code NAME.domain} reaches
 * a service. Going through the gateway (not to instances directly) is what wakes a service at zero
 * and holds an event while it starts.
 */
public record GatewayAddress(String host, int port, String domain) {}
