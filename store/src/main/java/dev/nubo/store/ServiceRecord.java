package dev.nubo.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A service as stored.
 *
 * @param pinnedRevision set by a rollback: the service serves this revision until the next deploy
 */
public record ServiceRecord(String name, Instant createdAt, Optional<String> pinnedRevision) {}
