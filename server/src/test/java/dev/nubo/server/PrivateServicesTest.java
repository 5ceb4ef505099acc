package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.nubo.access.Tokens;
import dev.nubo.gateway.FrontDoor;
import dev.nubo.gateway.ServiceGuard;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateServicesTest {

    private static final Instant NOW = Instant.parse("2026-12-03T19:00:00Z");

    @Test
    void takesKeysTheIdentityProviderRotatesInAndOpensOnceItsKeysCanBeFetched(@TempDir Path dir) throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("first").generate();
        ECKey second = new ECKeyGenerator(Curve.P_256).keyID("second").generate();
        AtomicReference<String> published = new AtomicReference<>("");  // nothing: the provider is down
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks.json", x -> {
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(body.length == 0 ? 503 : 200, body.length == 0 ? -1 : body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        idp.start();
        try (Store store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")))) {
            InstantSource clock = InstantSource.fixed(NOW);
            PrivateServices privates = new PrivateServices(store, new ApiAccess(new Tokens(store.credentials(), "admin-token", clock),
                    Home.prepare(dir.resolve("home"))), clock);
            store.createRevision("claims", "name: claims\nruntime: process\ncommand: [x]\nauth:\n  jwt:\n    issuer: https://id.example/\n"
                    + "    audience: orders\n    jwksUrl: http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json\n", "sha256:00", NOW);

            privates.changed("claims");
            assertThat(check(privates, jwt(first))).as("no keys yet: refused, saying why").isInstanceOfSatisfying(ServiceGuard.Refuse.class,
                    r -> assertThat(new String(r.answer().body(), StandardCharsets.UTF_8)).contains("cannot check its callers")
                            .contains("answered 503"));

            published.set(new JWKSet(first.toPublicJWK()).toString());
            privates.refreshKeys();
            assertThat(check(privates, jwt(first))).isInstanceOf(ServiceGuard.Let.class);
            assertThat(check(privates, jwt(second))).isInstanceOf(ServiceGuard.Refuse.class);

            published.set(new JWKSet(java.util.List.of(first.toPublicJWK(), second.toPublicJWK())).toString());
            privates.refreshKeys();
            assertThat(check(privates, jwt(second))).as("a rotated-in key, without a redeploy").isInstanceOf(ServiceGuard.Let.class);

            published.set("");
            privates.refreshKeys();
            assertThat(check(privates, jwt(second))).as("a failed fetch keeps the keys there were").isInstanceOf(ServiceGuard.Let.class);
        } finally {
            idp.stop(0);
        }
    }

    private static ServiceGuard.Decision check(PrivateServices privates, String token) {
        return privates.check("claims", new FrontDoor.Head() {
            public String method() { return "GET"; }
            public String host() { return "claims.localhost"; }
            public String uri() { return "/"; }
            public String header(String name) { return name.equals("authorization") ? "Bearer " + token : null; }
            public String clientAddress() { return "127.0.0.1"; }
            public String requestId() { return "r1"; }
        });
    }

    private static String jwt(ECKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer("https://id.example/").audience("orders").subject("alice")
                        .expirationTime(Date.from(NOW.plusSeconds(600))).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
