package dev.nubo.registry;

/**
 * One change of the registry, at the version it made: what Eureka's delta fetch and the native
 * watch hand out. A {@link Action#DELETED} change carries the instance as it was last listed.
 */
public record Change(long version, Action action, Listed instance) {

    /** Eureka's {@code actionType}. */
    public enum Action { ADDED, MODIFIED, DELETED }
}
