package dev.nubo.store;

import java.time.Instant;

/**
 * One change made through the control API.
 *
 * @param caller the name of the token that made it ({@code anonymous} when it had none valid)
 * @param route the route's template, e.g. {@code /v1/services/:name}
 * @param target the request's path, e.g. {@code /v1/services/hello}
 * @param address the caller's IP address
 * @param status the HTTP status of the answer
 */
public record AuditRecord(Instant at, String caller, String method, String route, String target, String address, int status) {}
