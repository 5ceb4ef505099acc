package dev.nubo.access;

/**
 * What a control API route (or the gateway, for a private service) asks of its caller. Each route
 * declares one; a {@link Role} grants a set of them.
 */
public enum Permission {
    /** Any valid token, whatever its role: the server's own description ({@code GET /v1/info}). */
    ANY,
    /** Reading services, eventing, workflows, APIs, and secrets' names (never their values). */
    READ,
    /** Changing them: deploys, traffic, deletes, brokers, triggers, sources, workflows, APIs, secrets. */
    WRITE,
    /** Calling services: {@code POST /v1/services/NAME/invoke}, and private services through the gateway. */
    INVOKE,
    /** Posting events into a broker (a producer token: only into the brokers it names). */
    PUBLISH,
    /** Tokens and the audit log. */
    ADMIN
}
