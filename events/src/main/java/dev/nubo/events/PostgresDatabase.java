package dev.nubo.events;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.nubo.model.PlatformFault;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/**
 * The event log in PostgreSQL, in the schema {@value #SCHEMA} (so that its tables share no name with the
 * store's, in the same database), through a small HikariCP pool of its own: the writer holds one
 * connection, reads borrow the others. Nodes sharing the database claim expired leases with
 * {@code FOR UPDATE SKIP LOCKED}, so two claims never wait for each other nor take the same row.
 */
final class PostgresDatabase implements LogDatabase {

    static final String SCHEMA = "eventing";
    /** The writer's connection, and a few for reads (listings, the API) beside it. */
    private static final int POOL_SIZE = 4;

    private final HikariDataSource pool;
    private final String where;

    private PostgresDatabase(HikariDataSource pool, String where) {
        this.pool = pool;
        this.where = where;
    }

    static PostgresDatabase open(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("nubo-event-log");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setSchema(SCHEMA);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        // A batch of inserts (the deliveries of an ingest request) becomes one multi-row INSERT.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(pool).schemas(SCHEMA).locations("classpath:db/events/postgresql").load().migrate();
            return new PostgresDatabase(pool, jdbcUrl.replaceFirst("\\?.*", ""));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public Connection writer() throws SQLException {
        Connection c = pool.getConnection();
        c.setAutoCommit(false);
        return c;
    }

    @Override
    public <T> T read(EventLog.Work<T> work) throws SQLException {
        try (EventLog.Statements sql = new EventLog.Statements(pool.getConnection())) {
            return work.run(sql);
        }
    }

    @Override
    public String lockSkipped() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    public PlatformFault diskFull(Throwable cause) {
        return PlatformFault.diskFull("the event log's database server has no disk space left, so nothing of this was stored: "
                + where + " says " + cause.getMessage(), "free space on the PostgreSQL server's disk, then send again: Nubo resumes"
                + " by itself once there is room, without a restart", cause);
    }

    @Override
    public String describeDisk() {
        return "the PostgreSQL server of " + where;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return where;
    }
}
