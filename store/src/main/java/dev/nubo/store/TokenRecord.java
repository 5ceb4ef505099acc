package dev.nubo.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A scoped API token as stored: never the token, only its hash.
 *
 * @param id the token's public prefix, which names the row without revealing the secret
 * @param role one of the access module's roles, by name (admin, developer, viewer, invoker, producer)
 * @param brokers the brokers a producer token may post to; empty for other roles
 * @param hash hex SHA-256 of the whole token
 * @param namespace the only namespace the token may act in; empty for every namespace
 */
public record TokenRecord(String id, String name, String role, List<String> brokers, String hash, Instant createdAt,
        Optional<Instant> expiresAt, Optional<String> namespace) {

    public TokenRecord {
        brokers = List.copyOf(brokers);
    }

    /** A token for every namespace. */
    public TokenRecord(String id, String name, String role, List<String> brokers, String hash, Instant createdAt, Optional<Instant> expiresAt) {
        this(id, name, role, brokers, hash, createdAt, expiresAt, Optional.empty());
    }
}
