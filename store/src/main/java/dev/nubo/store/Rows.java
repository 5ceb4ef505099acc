package dev.nubo.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.nubo.model.Json;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The store's rows as records, and the JSON of the columns that hold it. The same for every database. */
final class Rows {

    static final String SERVICE_COLUMNS = "SELECT name, created_at, pinned_revision, traffic, traffic_version FROM services";
    static final String REVISION_COLUMNS =
            "SELECT id, service, number, descriptor, digest, state, reason, log_tail, created_at, ready_at, version FROM revisions";
    static final String EVENT_COLUMNS = "SELECT id, service, revision, time, message FROM events";

    private static final TypeReference<List<String>> LINES = new TypeReference<>() {};

    private Rows() {}

    static ServiceRecord service(ResultSet rs) throws SQLException {
        return new ServiceRecord(rs.getString(1), Instant.parse(rs.getString(2)), Optional.ofNullable(rs.getString(3)),
                traffic(rs.getString(1), rs.getString(4)), rs.getLong(5));
    }

    static RevisionRecord revision(ResultSet rs) throws SQLException {
        String tail = rs.getString(8);
        return new RevisionRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                RevisionState.valueOf(rs.getString(6)), Optional.ofNullable(rs.getString(7)),
                tail == null ? List.of() : lines(tail), Instant.parse(rs.getString(9)),
                Optional.ofNullable(rs.getString(10)).map(Instant::parse), rs.getLong(11));
    }

    static EventRecord event(ResultSet rs) throws SQLException {
        return new EventRecord(rs.getLong(1), rs.getString(2), Optional.ofNullable(rs.getString(3)),
                Instant.parse(rs.getString(4)), rs.getString(5));
    }

    /** The default traffic is stored as NULL, as it is for services that never had traffic set. */
    static String trafficColumn(Traffic traffic) {
        return traffic.equals(Traffic.latest()) ? null : json(traffic);
    }

    private static Traffic traffic(String service, String json) {
        if (json == null) {
            return Traffic.latest();
        }
        try {
            return Json.mapper().readValue(json, Traffic.class);
        } catch (JsonProcessingException e) {
            // Only the store writes the column, and it wrote a valid Traffic: the database was changed by hand.
            throw new PlatformFault("platform.store", "the stored traffic of service " + service + " is unreadable: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static List<String> lines(String json) {
        try {
            return Json.mapper().readValue(json, LINES);
        } catch (JsonProcessingException e) {
            return List.of(json);
        }
    }

    static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
