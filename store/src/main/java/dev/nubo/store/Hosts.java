package dev.nubo.store;

import dev.nubo.model.UserError;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The host name labels services and their tags claim under the domain: {@code NAME} for a service,
 * {@code TAG-NAME} for a tag. The table's primary key decides, in the claiming transaction, so two
 * claims cannot both succeed whatever their timing or node; the holder is read only to say who it is.
 */
final class Hosts {

    private Hosts() {}

    static void claim(Connection c, String label, String service, Optional<String> tag) throws SQLException {
        int claimed = Database.update(c, "INSERT INTO hosts (label, service, tag) VALUES (?, ?, ?) ON CONFLICT (label) DO NOTHING",
                label, service, tag.orElse(null));
        if (claimed > 0) {
            return;
        }
        record Holder(String service, Optional<String> tag) {}
        Holder holder = Database.query(c, "SELECT service, tag FROM hosts WHERE label = ?",
                rs -> new Holder(rs.getString(1), Optional.ofNullable(rs.getString(2))), label).getFirst();
        String claimant = tag.map(t -> "tag " + t + " of service " + service).orElse("service " + service);
        String held = holder.tag().map(t -> "tag " + t + " of service " + holder.service()).orElse("service " + holder.service());
        String hint = tag.isEmpty()
                ? "name the service differently in nubo.yaml, or remove the tag first: `nubo traffic " + holder.service()
                        + " --untag " + holder.tag().orElseThrow() + "`"
                : holder.tag().map(t -> "choose another tag name, or remove that tag first: `nubo traffic " + holder.service()
                        + " --untag " + t + "`").orElse("choose another tag name, or delete service " + holder.service() + " first");
        throw UserError.conflict("host.taken", claimant + " would answer at the host name " + label + ", which " + held + " has", hint);
    }

    /** A service's tags give up their labels (to claim the new set); its own name keeps its label. */
    static void releaseTags(Connection c, String service) throws SQLException {
        Database.update(c, "DELETE FROM hosts WHERE service = ? AND tag IS NOT NULL", service);
    }
}
