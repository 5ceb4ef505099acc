package dev.nubo.gateway;

/**
 * One ready instance of a service, as the gateway reaches it: {@code host:port} over plain HTTP/1.1.
 * The {@code instanceId} is the key for {@link Gateway#inFlight(String)}, so it must be unique
 * across all services. {@code warmup} ramps its share of traffic up after it became ready.
 */
public record Endpoint(String instanceId, String host, int port, Warmup warmup) {

    /** An endpoint that gets its whole share at once. */
    public Endpoint(String instanceId, String host, int port) {
        this(instanceId, host, port, Warmup.NONE);
    }

    /** The same endpoint, ramped up by {@code warmup}. */
    public Endpoint warming(Warmup warmup) {
        return new Endpoint(instanceId, host, port, warmup);
    }

    public Endpoint {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("an endpoint needs an instance id; pass the id of the instance that listens at "
                    + host + ":" + port);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("endpoint " + instanceId + " has no host; pass the address the instance listens on, e.g. 127.0.0.1");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("endpoint " + instanceId + " has port " + port + "; pass the instance's port, 1-65535");
        }
    }
}
