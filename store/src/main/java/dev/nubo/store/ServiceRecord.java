package dev.nubo.store;

import dev.nubo.model.Traffic;
import java.time.Instant;
import java.util.Optional;

/**
 * A service as stored.
 *
 * @param pinnedRevision set by a rollback: the service serves this revision until the next deploy or
 *     the next {@link Store#setTraffic traffic} change
 * @param traffic how requests are split across revisions, and the tags; {@link Traffic#latest()} unless
 *     set with {@link Store#setTraffic}. A deploy leaves it alone: a new revision takes traffic only
 *     through a {@code latest} split.
 * @param trafficVersion the version of the service's row: incremented by every change of {@code traffic}
 *     or {@code pinnedRevision}, the service's only mutable settings; what a conditional
 *     {@link Store#setTraffic traffic} or {@link Store#pin pin} write names as the version it was based on
 *     (and what the control API sends as the traffic's ETag)
 */
public record ServiceRecord(String name, Instant createdAt, Optional<String> pinnedRevision, Traffic traffic, long trafficVersion) {}
