package dev.nubo.events;

import dev.nubo.model.TokenHashes;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-broker producer tokens: a credential that publishes into one broker and does nothing else, so
 * that event producers need not hold the admin token. Scoped tokens of the producer role
 * ({@code nubo token create --role producer --broker B}, the access module) do the same for several
 * brokers; these stay for producers that already hold one.
 *
 * <p>A broker has at most one; issuing another replaces it (rotation). Only the token's SHA-256 is
 * stored, so the token is shown once, when issued. Checks read a cache of the hashes; a token not in
 * it (issued on another node sharing the log, since) is looked up in the log once.
 */
final class ProducerTokens {

    private static final String PREFIX = "nubo_pt_";

    private final EventLog log;
    private final SecureRandom random = new SecureRandom();
    /** Broker name to its token's hash, as far as this node has read or written it. */
    private final Map<String, String> hashes = new ConcurrentHashMap<>();

    ProducerTokens(EventLog log) {
        this.log = log;
    }

    /** A new token for {@code broker}, replacing its previous one; it is not stored, only its hash. */
    String issue(String broker, Instant now) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = PREFIX + HexFormat.of().formatHex(bytes);
        String hash = TokenHashes.sha256(token);
        log.write(sql -> {
            var st = sql.get("INSERT INTO producer_tokens (broker, token_hash, created_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (broker) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at");
            st.setString(1, broker);
            st.setString(2, hash);
            st.setString(3, now.toString());
            return st.executeUpdate();
        }).join();
        hashes.put(broker, hash);
        return token;
    }

    /** Whether {@code token} is {@code broker}'s producer token as far as this node knows, without reading the log. */
    boolean known(String broker, String token) {
        String known = hashes.get(broker);
        return token != null && token.startsWith(PREFIX) && known != null && TokenHashes.equal(known, TokenHashes.sha256(token));
    }

    /** Whether {@code token} is {@code broker}'s producer token; reads the log unless {@link #known}. */
    boolean valid(String broker, String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return false;
        }
        if (known(broker, token)) {
            return true;
        }
        String hash = TokenHashes.sha256(token);
        Optional<String> stored = stored(broker);
        stored.ifPresentOrElse(h -> hashes.put(broker, h), () -> hashes.remove(broker));
        return stored.filter(h -> TokenHashes.equal(h, hash)).isPresent();
    }

    /** Forgets {@code broker}'s token (the row goes with the broker). */
    void forget(String broker) {
        hashes.remove(broker);
    }

    private Optional<String> stored(String broker) {
        return log.read(sql -> {
            var st = sql.get("SELECT token_hash FROM producer_tokens WHERE broker = ?");
            st.setString(1, broker);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        });
    }
}
