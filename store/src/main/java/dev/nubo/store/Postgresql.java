package dev.nubo.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.UserError;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * The store in a PostgreSQL database that several nodes share. Connections come from a HikariCP pool;
 * concurrent writers are ordered by PostgreSQL's row locks (READ COMMITTED: a conditional
 * {@code UPDATE} that waited for another's row sees the committed row and matches nothing if it
 * changed). A change is announced with {@code pg_notify} in its own transaction, so every node's
 * {@link PostgresListener} hears of it when, and only if, it commits.
 */
final class Postgresql {

    /** The channel of the change feed's notifications; the payload is the new generation. */
    static final String CHANNEL = "nubo_changes";
    /** The control plane's writes are a handful a second; the pool is for concurrent reads of the API. */
    static final int CONNECTIONS = 8;
    /** How long opening a connection may take before the node says the database is unreachable. */
    static final int CONNECT_TIMEOUT_SECONDS = 10;

    private Postgresql() {}

    static Store open(StoreLocation.PostgresUrl location, JdbcStore.Tuning tuning) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(location.jdbcUrl());
        pool.setDataSourceProperties(properties(location));
        pool.setMaximumPoolSize(CONNECTIONS);
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS * 1000L);
        pool.setPoolName("nubo-store");
        HikariDataSource connections;
        try {
            connections = new HikariDataSource(pool);
        } catch (HikariPool.PoolInitializationException e) {
            throw unavailable(location, e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e));
        }
        try {
            Migrations.migrate(connections, "postgresql");
        } catch (RuntimeException e) {
            connections.close();
            throw new PlatformFault("platform.store", "cannot migrate the schema of the store at " + location + ": " + e.getMessage(), e);
        }
        Database db = new Database(connections, location.toString());
        Signal signal = new Signal();
        PostgresListener listener = PostgresListener.start(location, properties(location), signal);
        return new JdbcStore(db, new ChangeFeed(db, Optional.of("SELECT pg_notify('" + CHANNEL + "', ?)"), signal, tuning), listener);
    }

    /** What the driver needs besides the URL: the credentials, a connect timeout, and a name in pg_stat_activity. */
    static Properties properties(StoreLocation.PostgresUrl location) {
        Properties p = new Properties();
        p.setProperty("user", location.user());
        location.password().ifPresent(pw -> p.setProperty("password", pw));
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        p.setProperty("ApplicationName", "nubo");
        return p;
    }

    /** Why the database cannot be used, by its SQL state, with what to do about it; never the password. */
    static UserError unavailable(StoreLocation.PostgresUrl location, SQLException e) {
        String state = String.valueOf(e.getSQLState());
        String at = "the store at " + location;
        String reason = String.valueOf(e.getMessage());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.net.UnknownHostException) {
            reason = "no host " + location.host() + " is known (" + reason + ")";
        }
        return switch (state) {
            case "28P01", "28000" -> UserError.badRequest("store.unavailable", at + " refused user " + location.user() + ": " + reason,
                    "give the password in the URL (postgresql://USER:PASSWORD@HOST:PORT/DB) or in PGPASSWORD,"
                            + " or allow the user in the server's pg_hba.conf");
            case "3D000" -> UserError.badRequest("store.unavailable", at + " cannot be used: " + reason,
                    "create the database first: createdb -h " + location.host() + " -p " + location.port() + " -U "
                            + location.user() + " " + location.database());
            default -> UserError.badRequest("store.unavailable", "cannot reach " + at + ": " + reason,
                    "check that PostgreSQL runs there and accepts connections from this machine (pg_isready -h "
                            + location.host() + " -p " + location.port() + "), or leave out --store to keep the state in SQLite in NUBO_HOME");
        };
    }
}
