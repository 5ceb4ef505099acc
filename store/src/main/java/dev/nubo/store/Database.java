package dev.nubo.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.nubo.model.PlatformFault;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool of connections to the store's database, and the few shapes of JDBC work the store does. Each
 * call takes a connection for its own duration; a write is one transaction. Nothing here locks in
 * the JVM: concurrent calls are ordered by the database (SQLite's write lock, with a busy timeout;
 * PostgreSQL's row locks), and conditional writes say when they lost.
 */
final class Database implements AutoCloseable {

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final HikariDataSource pool;
    private final String name;

    /** @param name what messages call the database: its location, without a password */
    Database(HikariDataSource pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    /** Work on a connection in auto-commit: each statement on its own. */
    <T> T run(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw fault(e);
        }
    }

    /** Work in one transaction: all of it, or (on any exception) none of it. */
    <T> T write(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw fault(e);
        }
    }

    /** Rows of a query (or of a write's {@code RETURNING}); parameters are bound in order, null as SQL NULL. */
    static <T> List<T> query(Connection c, String sql, Row<T> row, Object... parameters) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, parameters);
            try (ResultSet rs = st.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.read(rs));
                }
                return out;
            }
        }
    }

    /** The number of rows written. */
    static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, parameters);
            return st.executeUpdate();
        }
    }

    private static void bind(PreparedStatement st, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            switch (parameters[i]) {
                case null -> st.setNull(i + 1, Types.VARCHAR);
                case String s -> st.setString(i + 1, s);
                case Integer n -> st.setInt(i + 1, n);
                case Long n -> st.setLong(i + 1, n);
                default -> throw new IllegalArgumentException("cannot bind " + parameters[i].getClass());
            }
        }
    }

    PlatformFault fault(SQLException e) {
        return new PlatformFault("platform.store", "the store (" + name + ") failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        pool.close();
    }
}
