package dev.nubo.access;

import java.util.List;

/**
 * Who sent a request, as its token says: the token's name (what the audit log records), its role, and
 * for a producer the brokers it may post to.
 */
public record Caller(String name, Role role, List<String> brokers) {

    /** The name the audit log gives a request without a valid token. */
    public static final String ANONYMOUS = "anonymous";

    public Caller {
        brokers = List.copyOf(brokers);
    }

    public boolean may(Permission p) {
        return role.grants(p);
    }

    /** Whether this caller may post events into {@code broker}: a producer only into those it names. */
    public boolean mayPublishTo(String broker) {
        return may(Permission.PUBLISH) && (role != Role.PRODUCER || brokers.contains(broker));
    }
}
