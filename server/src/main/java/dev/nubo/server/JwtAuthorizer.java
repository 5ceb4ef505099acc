package dev.nubo.server;

import com.nimbusds.jose.jwk.JWKSet;
import dev.nubo.apis.Api;
import dev.nubo.apis.Jwts;
import dev.nubo.model.Descriptor;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The verifier of a private service with {@code auth: {jwt: ...}}: the apis module's {@link Jwts}
 * (the same checks as an API's JWT authorizer) over the descriptor's keys. Keys given by URL are
 * fetched when it is made: at deploy, to refuse a URL that does not answer with a 400, and whenever
 * the server loads the revision (start, change feed). Made off event loops; it blocks up to 15 s.
 */
final class JwtAuthorizer {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private JwtAuthorizer() {}

    /**
     * @throws UserError 400 {@code descriptor.invalid} naming {@code auth.jwt.jwks} or {@code auth.jwt.jwksUrl}
     *     when the keys do not parse or cannot be fetched
     */
    static Jwts of(Descriptor.Jwt jwt, InstantSource clock) {
        String keys = jwt.jwks().orElseGet(() -> fetch(jwt.jwksUrl().orElseThrow(), "auth.jwt.jwksUrl"));
        String field = jwt.jwks().isPresent() ? "auth.jwt.jwks" : "the key set at auth.jwt.jwksUrl";
        try {
            JWKSet set = JWKSet.parse(keys);
            if (set.getKeys().isEmpty()) {
                throw UserError.badRequest("descriptor.invalid", "nubo.yaml: " + field + " holds no keys",
                        "give the public keys your identity provider signs tokens with");
            }
            return new Jwts(new Api.JwtScheme(jwt.issuer(), jwt.audience(), set.toPublicJWKSet(), jwt.jwksUrl()), clock);
        } catch (ParseException e) {
            throw UserError.badRequest("descriptor.invalid", "nubo.yaml: " + field + " is not a JSON Web Key Set: " + e.getMessage(),
                    "give a key set as `{keys: [{kty: RSA, kid: ..., n: ..., e: AQAB}]}`, as your identity provider publishes it");
        }
    }

    /** The body of {@code url}'s 200 answer; a {@link UserError} naming {@code field} else. */
    static String fetch(String url, String field) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw UserError.badRequest("api.jwks_unavailable", "the JWKS at " + url + " (" + field + ") answered " + response.statusCode(),
                        "check " + field + ", or give the keys inline as jwks");
            }
            return response.body();
        } catch (IOException | IllegalArgumentException e) {
            throw UserError.badRequest("api.jwks_unavailable", "the JWKS at " + url + " (" + field + ") could not be fetched: " + e.getMessage(),
                    "check " + field + ", or give the keys inline as jwks");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The verifier of {@code d}, when it is a service with {@code auth: {jwt: ...}}: checked at deploy. */
    static Optional<Jwts> check(Descriptor d, InstantSource clock) {
        return d.jwt().map(jwt -> of(jwt, clock));
    }
}
