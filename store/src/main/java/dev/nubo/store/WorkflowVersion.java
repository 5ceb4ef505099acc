package dev.nubo.store;

import java.time.Instant;

/** One immutable version of a workflow's definition, as deployed. */
public record WorkflowVersion(String name, int version, String definition, Instant createdAt) {}
