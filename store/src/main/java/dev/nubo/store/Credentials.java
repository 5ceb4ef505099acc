package dev.nubo.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * API tokens (hashed) and secrets (sealed), in the store's database (SQLite or PostgreSQL alike), so
 * that every node sharing it knows them. Neither a token nor a secret's value is ever here in the
 * clear: the access module hashes and seals before it writes. Every call blocks on the database.
 *
 * <pre>{@code
 * Credentials c = store.credentials();
 * c.addToken(new TokenRecord(id, "ci", "developer", List.of(), sha256Hex, now, Optional.empty()));
 * Optional<TokenRecord> t = c.token(id);
 * }</pre>
 */
public final class Credentials {

    private static final String TOKEN_COLUMNS = "SELECT id, name, role, brokers, hash, created_at, expires_at, namespace FROM access_tokens";
    private static final String SECRET_COLUMNS = "SELECT name, keys, sealed, version, updated_at FROM secrets";

    private final Database db;

    Credentials(Database db) {
        this.db = db;
    }

    /** Adds a token; false (nothing written) when a token of that name exists. */
    public boolean addToken(TokenRecord t) {
        return db.write(c -> {
            if (!Database.query(c, "SELECT 1 FROM access_tokens WHERE name = ?", rs -> 1, t.name()).isEmpty()) {
                return false;
            }
            Database.update(c, "INSERT INTO access_tokens (id, name, role, brokers, hash, created_at, expires_at, namespace)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    t.id(), t.name(), t.role(), String.join(",", t.brokers()), t.hash(), t.createdAt().toEpochMilli(),
                    t.expiresAt().map(Instant::toEpochMilli).orElse(0L), t.namespace().orElse(""));
            return true;
        });
    }

    public Optional<TokenRecord> token(String id) {
        return db.run(c -> Database.query(c, TOKEN_COLUMNS + " WHERE id = ?", Credentials::token, id).stream().findFirst());
    }

    /** Every token, by name. */
    public List<TokenRecord> tokens() {
        return db.run(c -> Database.query(c, TOKEN_COLUMNS + " ORDER BY name", Credentials::token));
    }

    /** Deletes the token named {@code name}; false when there is none. */
    public boolean revokeToken(String name) {
        return db.write(c -> Database.update(c, "DELETE FROM access_tokens WHERE name = ?", name) > 0);
    }

    /** Writes a secret's sealed values, one version on from what is stored (1 when new); returns what is now stored. */
    public SecretRecord putSecret(String name, List<String> keys, String sealed, Instant now) {
        return db.write(c -> {
            Optional<SecretRecord> old = Database.query(c, SECRET_COLUMNS + " WHERE name = ?", Credentials::secret, name).stream().findFirst();
            long version = old.map(s -> s.version() + 1).orElse(1L);
            if (old.isPresent()) {
                Database.update(c, "UPDATE secrets SET keys = ?, sealed = ?, version = ?, updated_at = ? WHERE name = ?",
                        String.join(",", keys), sealed, version, now.toEpochMilli(), name);
            } else {
                Database.update(c, "INSERT INTO secrets (name, keys, sealed, version, updated_at) VALUES (?, ?, ?, ?, ?)",
                        name, String.join(",", keys), sealed, version, now.toEpochMilli());
            }
            return new SecretRecord(name, keys, sealed, version, now);
        });
    }

    public Optional<SecretRecord> secret(String name) {
        return db.run(c -> Database.query(c, SECRET_COLUMNS + " WHERE name = ?", Credentials::secret, name).stream().findFirst());
    }

    /** Every secret, by name. */
    public List<SecretRecord> secrets() {
        return db.run(c -> Database.query(c, SECRET_COLUMNS + " ORDER BY name", Credentials::secret));
    }

    /** Deletes a secret; false when there is none. */
    public boolean deleteSecret(String name) {
        return db.write(c -> Database.update(c, "DELETE FROM secrets WHERE name = ?", name) > 0);
    }

    private static TokenRecord token(ResultSet rs) throws SQLException {
        long expires = rs.getLong(7);
        Optional<Instant> expiresAt = expires == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires));
        return new TokenRecord(rs.getString(1), rs.getString(2), rs.getString(3), list(rs.getString(4)), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), expiresAt, Optional.of(rs.getString(8)).filter(n -> !n.isEmpty()));
    }

    private static SecretRecord secret(ResultSet rs) throws SQLException {
        return new SecretRecord(rs.getString(1), list(rs.getString(2)), rs.getString(3), rs.getLong(4), Instant.ofEpochMilli(rs.getLong(5)));
    }

    private static List<String> list(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }
}
