package dev.nubo.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreLocationTest {

    static final String HOW = "; write it as postgresql://USER@HOST:PORT/DATABASE (the password in PGPASSWORD, or as USER:PASSWORD@)";

    @Test
    void readsAPostgresqlUrlWithItsPartsAndDefaultPort() {
        var url = (StoreLocation.PostgresUrl) StoreLocation.parse("postgresql://nubo@db.internal/state", Map.of());

        assertThat(url).isEqualTo(new StoreLocation.PostgresUrl("db.internal", 5432, "state", "nubo", Optional.empty(), Map.of()));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/state");
        assertThat(url).hasToString("postgresql://nubo@db.internal:5432/state");
    }

    @Test
    void takesThePasswordFromTheUrlElseFromPgpasswordAndNeverShowsIt() {
        var inUrl = (StoreLocation.PostgresUrl) StoreLocation.parse("postgres://nubo:p%40ss+w:rd@10.0.0.5:6432/nubo", Map.of("PGPASSWORD", "env"));
        var fromEnv = (StoreLocation.PostgresUrl) StoreLocation.parse("postgresql://nubo@10.0.0.5:6432/nubo", Map.of("PGPASSWORD", "env"));

        assertThat(inUrl.password()).contains("p@ss+w:rd");
        assertThat(fromEnv.password()).contains("env");
        assertThat(inUrl).hasToString("postgresql://nubo@10.0.0.5:6432/nubo");
        assertThat(inUrl.jdbcUrl()).doesNotContain("p%40ss").doesNotContain("nubo@");
    }

    @Test
    void readsTheJdbcFormWithUserAndPasswordAsParametersAndPassesTheOthersToTheDriver() {
        var url = (StoreLocation.PostgresUrl) StoreLocation.parse(
                "jdbc:postgresql://[::1]:5433/nubo?user=ops&password=x&sslmode=require", Map.of());

        assertThat(url.user()).isEqualTo("ops");
        assertThat(url.password()).contains("x");
        assertThat(url.parameters()).containsExactly(Map.entry("sslmode", "require"));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/nubo?sslmode=require");
    }

    @Test
    void takesTheUserFromPguserWhenTheUrlNamesNone() {
        assertThat(((StoreLocation.PostgresUrl) StoreLocation.parse("postgresql://db:5432/nubo", Map.of("PGUSER", "ops"))).user())
                .isEqualTo("ops");
        assertThatThrownBy(() -> StoreLocation.parse("postgresql://db:5432/nubo", Map.of()))
                .hasMessage("'postgresql://db:5432/nubo' is not a PostgreSQL URL: it names no user: write"
                        + " postgresql://USER@HOST:PORT/DATABASE, or set PGUSER" + HOW);
    }

    @Test
    void refusesWhatIsNotAPostgresqlUrlSayingWhyWithoutThePassword() {
        assertThatThrownBy(() -> StoreLocation.parse("mysql://root:hunter2@db/nubo", Map.of()))
                .hasMessage("'mysql://root:***@db/nubo' is not a PostgreSQL URL: Nubo stores in SQLite (the default:"
                        + " NUBO_HOME/nubo.db, without --store) or in PostgreSQL, named by a URL that starts with postgresql://" + HOW);
        assertThatThrownBy(() -> StoreLocation.parse("postgresql://nubo:hunter2@db:5432", Map.of()))
                .hasMessage("'postgresql://nubo:***@db:5432' is not a PostgreSQL URL: it names no database after the host, as in /nubo" + HOW);
        assertThatThrownBy(() -> StoreLocation.parse("postgresql://nubo@/nubo", Map.of()))
                .hasMessageContaining("it names no host");
        assertThatThrownBy(() -> StoreLocation.parse("jdbc:postgresql://db/nubo?user=a&password=hunter2&flag", Map.of()))
                .hasMessage("'jdbc:postgresql://db/nubo?user=a&password=***&flag' is not a PostgreSQL URL: its parameter 'flag'"
                        + " is not NAME=VALUE" + HOW);
    }

    @Test
    void anSqliteLocationIsItsAbsoluteFile() {
        assertThat(StoreLocation.sqlite(Path.of("rel/../nubo.db"))).isEqualTo(new StoreLocation.SqliteFile(Path.of("nubo.db").toAbsolutePath()))
                .hasToString("SQLite " + Path.of("nubo.db").toAbsolutePath());
    }
}
