package dev.nubo.access;

import dev.nubo.model.TokenHashes;
import dev.nubo.model.UserError;
import dev.nubo.store.Credentials;
import dev.nubo.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Scoped API tokens: {@code nubo_t_<id>_<secret>}, of which the store keeps the id (to find the row)
 * and the SHA-256 of the whole token, compared in constant time. The bootstrap admin token
 * ({@code NUBO_HOME/admin.token}) is checked first and is the caller {@code admin}.
 *
 * <p>{@link #verify} never touches the database, so the gateway's event loops may call it: it reads
 * a snapshot of the tokens, replaced at once by this node's own changes and by {@link #refresh}
 * (the server calls it every few seconds) for those of other nodes sharing the store.
 *
 * <pre>{@code
 * Tokens tokens = new Tokens(store.credentials(), adminToken, clock);
 * Tokens.Issued ci = tokens.create("ci", Role.DEVELOPER, List.of(), Optional.of(Duration.ofDays(30)));
 * Optional<Caller> caller = tokens.verify(ci.token());   // Caller[name=ci, role=DEVELOPER, brokers=[]]
 * }</pre>
 */
public final class Tokens {

    /** A new token, shown once, and what is stored of it. */
    public record Issued(String token, TokenRecord record) {}

    private static final String PREFIX = "nubo_t_";
    private static final Pattern SHAPE = Pattern.compile(PREFIX + "([0-9a-f]{12})_[0-9a-f]{40}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?");
    private static final Pattern TTL = Pattern.compile("([1-9][0-9]{0,5})([smhd])");
    /** The bootstrap admin's name; no scoped token may take it. */
    public static final String ADMIN = "admin";

    private final Credentials store;
    private final byte[] admin;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();
    private volatile Map<String, TokenRecord> byId;

    public Tokens(Credentials store, String adminToken, InstantSource clock) {
        this.store = store;
        this.admin = adminToken.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        refresh();
    }

    /**
     * Creates a token named {@code name} with {@code role}; a producer names the brokers it may post to.
     *
     * @throws UserError 400 {@code token.invalid} for a bad name, a producer without brokers or brokers on another role;
     *     409 {@code token.exists} when the name is taken
     */
    public Issued create(String name, Role role, List<String> brokers, Optional<Duration> ttl) {
        return create(name, role, brokers, ttl, Optional.empty());
    }

    /**
     * As {@link #create(String, Role, List, Optional)}, for a token that may act only in {@code namespace}
     * (checked to be a namespace's name; whether it exists is the caller's to check).
     *
     * @throws UserError 400 {@code token.invalid} also for an admin token limited to a namespace
     */
    public Issued create(String name, Role role, List<String> brokers, Optional<Duration> ttl, Optional<String> namespace) {
        namespace.ifPresent(dev.nubo.model.Namespaced::check);
        if (role == Role.ADMIN && namespace.isPresent()) {
            throw UserError.badRequest("token.invalid", "an admin token cannot be limited to a namespace: it manages tokens and namespaces",
                    "use --role developer (or viewer, invoker) with --namespace");
        }
        if (role == Role.PRODUCER && namespace.isPresent()) {
            throw UserError.badRequest("token.invalid", "a producer token cannot be limited to a namespace: brokers belong to none yet",
                    "leave out --namespace; --broker limits a producer");
        }
        if (!NAME.matcher(name).matches() || name.equals(ADMIN) || name.equals(Caller.ANONYMOUS)) {
            throw UserError.badRequest("token.invalid", "'" + name + "' cannot name a token",
                    "use lowercase letters, digits, '.', '_' and '-' (admin and anonymous are taken), e.g. ci-deploy");
        }
        if (role == Role.PRODUCER && brokers.isEmpty()) {
            throw UserError.badRequest("token.invalid", "a producer token must name the brokers it may post to",
                    "add --broker NAME (once per broker)");
        }
        if (role != Role.PRODUCER && !brokers.isEmpty()) {
            throw UserError.badRequest("token.invalid", "only producer tokens are limited to brokers, not " + role.label() + " tokens",
                    "leave out --broker, or use --role producer");
        }
        byte[] id = new byte[6];
        byte[] secret = new byte[20];
        random.nextBytes(id);
        random.nextBytes(secret);
        String idHex = HexFormat.of().formatHex(id);
        String token = PREFIX + idHex + "_" + HexFormat.of().formatHex(secret);
        Instant now = clock.instant();
        TokenRecord record = new TokenRecord(idHex, name, role.label(), brokers, TokenHashes.sha256(token), now, ttl.map(now::plus),
                namespace);
        if (!store.addToken(record)) {
            throw UserError.conflict("token.exists", "a token named " + name + " exists",
                    "pick another name, or revoke it first with `nubo token revoke " + name + "`");
        }
        refresh();
        return new Issued(token, record);
    }

    /** Every scoped token (never the tokens themselves), by name. */
    public List<TokenRecord> list() {
        return store.tokens();
    }

    /**
     * Revokes the token named {@code name}: from now on it is refused on this node, and on other nodes
     * from their next {@link #refresh}.
     *
     * @throws UserError 404 {@code token.not_found}
     */
    public void revoke(String name) {
        if (!store.revokeToken(name)) {
            throw UserError.notFound("token.not_found", "no token named " + name, "`nubo token list` shows the tokens");
        }
        refresh();
    }

    /** Who {@code bearer} is, if it is the admin token or a stored, unexpired token; never blocks. */
    public Optional<Caller> verify(String bearer) {
        byte[] given = bearer.getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(admin, given)) {
            return Optional.of(new Caller(ADMIN, Role.ADMIN, List.of()));
        }
        Matcher m = SHAPE.matcher(bearer);
        if (!m.matches()) {
            return Optional.empty();
        }
        TokenRecord r = byId.get(m.group(1));
        if (r == null || !TokenHashes.equal(r.hash(), TokenHashes.sha256(bearer))
                || r.expiresAt().filter(at -> !at.isAfter(clock.instant())).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new Caller(r.name(), Role.valueOf(r.role().toUpperCase(java.util.Locale.ROOT)), r.brokers(), r.namespace()));
    }

    /** Reads the tokens from the store again (blocks): those created or revoked by other nodes count from now. */
    public void refresh() {
        byId = store.tokens().stream().collect(Collectors.toUnmodifiableMap(TokenRecord::id, t -> t));
    }

    /**
     * {@code 30d}, {@code 12h}, {@code 90m}, {@code 3600s} as a duration.
     *
     * @throws UserError 400 {@code token.invalid}
     */
    public static Duration ttl(String text) {
        Matcher m = TTL.matcher(text.strip());
        if (!m.matches()) {
            throw UserError.badRequest("token.invalid", "'" + text + "' is not a lifetime", "write a number and a unit: 30d, 12h, 90m or 3600s");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
