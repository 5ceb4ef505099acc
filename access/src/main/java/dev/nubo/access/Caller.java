package dev.nubo.access;

import java.util.List;
import java.util.Optional;

/**
 * Who sent a request, as its token says: the token's name (what the audit log records), its role,
 * for a producer the brokers it may post to, and the only namespace it may act in, if it is limited to one.
 */
public record Caller(String name, Role role, List<String> brokers, Optional<String> namespace) {

    /** The name the audit log gives a request without a valid token. */
    public static final String ANONYMOUS = "anonymous";

    public Caller {
        brokers = List.copyOf(brokers);
    }

    /** A caller of every namespace. */
    public Caller(String name, Role role, List<String> brokers) {
        this(name, role, brokers, Optional.empty());
    }

    /** Whether this caller may act in {@code ns} at all: a token limited to a namespace only there. */
    public boolean mayActIn(String ns) {
        return namespace.isEmpty() || namespace.get().equals(ns);
    }

    public boolean may(Permission p) {
        return role.grants(p);
    }

    /**
     * Whether this caller may post events into {@code broker}: a producer only into those it names, and
     * no token limited to a namespace, since brokers belong to none yet.
     */
    public boolean mayPublishTo(String broker) {
        return may(Permission.PUBLISH) && namespace.isEmpty() && (role != Role.PRODUCER || brokers.contains(broker));
    }
}
