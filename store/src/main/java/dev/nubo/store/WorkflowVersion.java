package dev.nubo.store;

import java.time.Instant;

/**
 * One immutable version of a workflow's definition, as deployed, with its settings: {@code type}
 * ({@code standard} or {@code express}, checked by the workflows module) and whether the gateway
 * starts it synchronously at its own host name ({@code http}).
 */
public record WorkflowVersion(String name, int version, String definition, Instant createdAt, String type, boolean http) {

    /** A standard workflow that is not on the gateway. */
    public WorkflowVersion(String name, int version, String definition, Instant createdAt) {
        this(name, version, definition, createdAt, "standard", false);
    }
}
