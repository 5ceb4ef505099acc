package dev.nubo.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a bearer token is kept and checked wherever Nubo stores one (API tokens, brokers' producer
 * tokens): only its SHA-256 in hex is stored, and a presented token's hash is compared with it in
 * constant time.
 */
public final class TokenHashes {

    private TokenHashes() {}

    /** The SHA-256 of {@code token} (its UTF-8 bytes), in lowercase hex. */
    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether two hashes are equal, in time that does not depend on where they differ. */
    public static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
