package dev.nubo.registry;

/**
 * One of Nubo's own instances as the registry lists it: the platform's truth, which no client
 * can override. Listed {@link Status#UP} only while {@code ready}; gone from the registry as soon
 * as Nubo stops routing to it.
 *
 * @param id      Nubo's instance id, e.g. {@code hello-00001-x1y2z}
 * @param service the service it belongs to, the registry's app name (upper-cased as Eureka does)
 */
public record PlatformInstance(String id, String service, String host, int port, boolean ready) {}
