package dev.nubo.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Hourly usage rollups (metering): one row per service, revision and hour, which writers add to.
 * Adding rather than replacing means a sampler that writes every few seconds, or several nodes
 * writing for their own instances, sum up without reading first.
 *
 * <pre>{@code
 * store.usage().add(List.of(new UsageLog.Usage("shop", "shop-00001", hour, 12, 3_600_000, 90_000, 1_200, 4096, 10_240)));
 * store.usage().since(Instant.parse("2026-12-03T00:00:00Z"));  // every hour that starts at or after it
 * }</pre>
 */
public final class UsageLog {

    /**
     * Usage of one revision in one hour.
     *
     * @param hour the hour's start (UTC, whole hour)
     * @param mibMs memory x instance lifetime, in MiB-milliseconds
     * @param activeMibMs memory x time spent answering requests, in MiB-milliseconds
     * @param cpuMs CPU time of the revision's instance processes, in milliseconds
     */
    public record Usage(String service, String revision, Instant hour, long invocations, long mibMs, long activeMibMs,
                        long cpuMs, long bytesIn, long bytesOut) {}

    private final Database db;

    UsageLog(Database db) {
        this.db = db;
    }

    /** Adds each row's figures to what its service, revision and hour already have, in one transaction. */
    public void add(List<Usage> rows) {
        if (rows.isEmpty()) {
            return;
        }
        db.write(c -> {
            for (Usage u : rows) {
                Database.update(c, "INSERT INTO usage_hours (service, revision, hour, invocations, mib_ms, active_mib_ms, cpu_ms,"
                        + " bytes_in, bytes_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (service, revision, hour) DO UPDATE SET"
                        + " invocations = usage_hours.invocations + excluded.invocations, mib_ms = usage_hours.mib_ms + excluded.mib_ms,"
                        + " active_mib_ms = usage_hours.active_mib_ms + excluded.active_mib_ms, cpu_ms = usage_hours.cpu_ms + excluded.cpu_ms,"
                        + " bytes_in = usage_hours.bytes_in + excluded.bytes_in, bytes_out = usage_hours.bytes_out + excluded.bytes_out",
                        u.service(), u.revision(), u.hour().toString(), u.invocations(), u.mibMs(), u.activeMibMs(), u.cpuMs(),
                        u.bytesIn(), u.bytesOut());
            }
            return null;
        });
    }

    /** Every row whose hour starts at or after {@code since}'s hour, oldest first. */
    public List<Usage> since(Instant since) {
        Instant hour = since.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        return db.run(c -> Database.query(c, "SELECT service, revision, hour, invocations, mib_ms, active_mib_ms, cpu_ms, bytes_in, bytes_out"
                + " FROM usage_hours WHERE hour >= ? ORDER BY hour, service, revision", UsageLog::usage, hour.toString()));
    }

    private static Usage usage(ResultSet rs) throws SQLException {
        return new Usage(rs.getString(1), rs.getString(2), Instant.parse(rs.getString(3)), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                rs.getLong(7), rs.getLong(8), rs.getLong(9));
    }
}
