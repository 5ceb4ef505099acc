package dev.nubo.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * An instance as the registry lists it now, whichever way it came: one of Nubo's instances, or an
 * app's own registration (tied to the Nubo instance it runs in, when it does).
 *
 * @param app          the application name, upper-cased as Eureka does ({@code HELLO})
 * @param overridden   the status set by a status override, {@link Status#UNKNOWN} when none
 * @param nuboInstance the Nubo instance it is, or runs in
 * @param registered   the instance as its client registered it (empty for Nubo's own): echoed back
 *                     with the fields above set, so a client reads what it sent
 * @param updated      epoch millis of the last change of this listing
 * @param dirty        the client's {@code lastDirtyTimestamp} (epoch millis)
 */
public record Listed(String app, String id, String host, int port, Status status, Status overridden, Source source,
        Optional<String> nuboInstance, ObjectNode registered, long registeredAt, long updated, long dirty, int leaseSeconds) {

    /** Where a listing comes from. */
    public enum Source { PLATFORM, CLIENT }

    /** Whether the two list the same thing to a client, whenever they were updated. */
    boolean sameAs(Listed other) {
        return other != null && app.equals(other.app) && id.equals(other.id) && host.equals(other.host) && port == other.port
                && status == other.status && overridden == other.overridden && source == other.source
                && nuboInstance.equals(other.nuboInstance) && registered.equals(other.registered) && dirty == other.dirty;
    }

    Listed updatedAt(long millis) {
        return new Listed(app, id, host, port, status, overridden, source, nuboInstance, registered, registeredAt, millis, dirty,
                leaseSeconds);
    }
}
