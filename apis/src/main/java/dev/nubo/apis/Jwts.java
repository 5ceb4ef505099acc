package dev.nubo.apis;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies bearer tokens for one JWT scheme with Nimbus JOSE + JWT: the signature against the
 * scheme's keys (RS256/384/512, ES256/384/512, PS*, EdDSA), then issuer, audience, expiry and
 * not-before (60 s of clock skew). A signature check costs tens of microseconds, far more than the
 * gateway's own work per request, so a verified token is remembered (up to {@link #CACHE} of them)
 * until it expires: a client that sends the same token again costs a map lookup. Public because the
 * server's private services ({@code auth: {jwt: ...}} in nubo.yaml) verify their callers' tokens with it too.
 *
 * <pre>{@code
 * Jwts jwts = new Jwts(new Api.JwtScheme(issuer, List.of("orders"), JWKSet.parse(json), Optional.empty()), clock);
 * Map<String, Object> claims = jwts.verify(token, clock.millis()).claims();   // or Jwts.Invalid saying why not
 * }</pre>
 */
public final class Jwts {

    /**
     * A verified token's claims and scopes (from {@code scope} or {@code scp}), and the authorizer
     * context the integration gets for it, made once per token rather than per request.
     */
    public record Verified(Map<String, Object> claims, Set<String> scopes, long expiresAtMillis, String context) {}

    /** Why a token is refused. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private static final int CACHE = 10_000;
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    /** @param clock whose time decides expiry and not-before */
    public Jwts(Api.JwtScheme scheme, java.time.InstantSource clock) {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(scheme.keys())));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                scheme.audience().isEmpty() ? null : new HashSet<>(scheme.audience()),
                new JWTClaimsSet.Builder().issuer(scheme.issuer()).build(), Set.of("exp"), null) {
            @Override
            protected java.util.Date currentTime() {
                return java.util.Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew(60);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The token's claims; throws {@link Invalid} saying why not. */
    public Verified verify(String token, long nowMillis) throws Invalid {
        Verified known = verified.get(token);
        if (known != null && known.expiresAtMillis() > nowMillis) {
            return known;
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new Invalid("the bearer token is not a JWT: " + e.getMessage());
        } catch (BadJOSEException e) {
            throw new Invalid("the bearer token is not valid: " + e.getMessage());
        } catch (JOSEException e) {
            throw new Invalid("the bearer token could not be checked: " + e.getMessage());
        }
        Set<String> scopes = scopes(claims);
        Map<String, Object> json = claims.toJSONObject();
        Verified v = new Verified(json, scopes, claims.getExpirationTime().getTime(),
                ApiGate.json(Map.of("jwt", Map.of("claims", json, "scopes", List.copyOf(new java.util.TreeSet<>(scopes))))));
        if (verified.size() >= CACHE) {
            verified.values().removeIf(old -> old.expiresAtMillis() <= nowMillis);
            if (verified.size() >= CACHE) {
                verified.clear();
            }
        }
        verified.put(token, v);
        return v;
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> out = new HashSet<>();
        Object scope = claims.getClaim("scope");
        if (scope instanceof String s) {
            out.addAll(List.of(s.trim().split("\\s+")));
        }
        Object scp = claims.getClaim("scp");
        if (scp instanceof List<?> list) {
            list.forEach(x -> out.add(String.valueOf(x)));
        } else if (scp instanceof String s) {
            out.addAll(List.of(s.trim().split("\\s+")));
        }
        out.remove("");
        return out;
    }

    static List<String> missing(Set<String> have, List<String> want) {
        List<String> out = new ArrayList<>();
        want.forEach(w -> {
            if (!have.contains(w)) {
                out.add(w);
            }
        });
        return out;
    }
}
