package dev.nubo.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** The PostgreSQL the tests start: a real server on loopback, a fresh database per test, LISTEN/NOTIFY working. */
class EmbeddedPostgresTest {

    @Test
    void servesFreshDatabasesOnLoopbackWithNotificationsBetweenSessions() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.shared();
        String first = pg.newDatabase();
        String second = pg.newDatabase();
        assertThat(first).startsWith("postgresql://postgres@127.0.0.1:" + pg.port() + "/nubo_").isNotEqualTo(second);
        String name = first.substring(first.lastIndexOf('/') + 1);

        try (Connection listener = DriverManager.getConnection(pg.jdbcUrl(name), "postgres", "");
             Connection writer = DriverManager.getConnection(pg.jdbcUrl(name), "postgres", "")) {
            try (var st = listener.createStatement()) {
                st.execute("LISTEN changes");
            }
            try (var st = writer.createStatement()) {
                st.execute("CREATE TABLE t (n int)");
                st.execute("INSERT INTO t VALUES (42)");
                st.execute("NOTIFY changes, '7'");
                try (ResultSet rs = st.executeQuery("SHOW server_version")) {
                    rs.next();
                    assertThat(rs.getString(1)).matches("\\d+.*");
                }
            }
            PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(received).extracting(PGNotification::getParameter).containsExactly("7");
        }
    }
}
