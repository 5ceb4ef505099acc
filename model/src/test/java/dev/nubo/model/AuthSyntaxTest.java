package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthSyntaxTest {

    private static final String BASE = "name: a\nruntime: process\ncommand: [x]\n";

    @Test
    void readsAJwtAuthorizerWithOneAudienceOrSeveral() {
        Descriptor d = Descriptor.parse(BASE + "auth:\n  jwt:\n    issuer: https://id.example/\n    audience: orders\n"
                + "    jwksUrl: https://id.example/jwks.json\n");
        assertThat(d.auth()).isEqualTo(Descriptor.Auth.JWT);
        assertThat(d.jwt()).contains(new Descriptor.Jwt("https://id.example/", List.of("orders"),
                Optional.of("https://id.example/jwks.json"), Optional.empty()));

        Descriptor inline = Descriptor.parse(BASE + "auth: {jwt: {issuer: i, audience: [a, b], jwks: {keys: [{kty: oct, k: AA}]}}}\n");
        assertThat(inline.jwt().orElseThrow().audience()).containsExactly("a", "b");
        assertThat(inline.jwt().orElseThrow().jwks()).contains("{\"keys\":[{\"kty\":\"oct\",\"k\":\"AA\"}]}");
    }

    @Test
    void tokenAndNoneNeedNoAuthorizer() {
        assertThat(Descriptor.parse(BASE + "auth: token\n").auth()).isEqualTo(Descriptor.Auth.TOKEN);
        assertThat(Descriptor.parse(BASE + "auth: token\n").jwt()).isEmpty();
        assertThat(Descriptor.parse(BASE).auth()).isEqualTo(Descriptor.Auth.NONE);
    }

    @Test
    void namesTheFieldOfEachMistakeInAJwtAuthorizer() {
        assertInvalid(BASE + "auth: jwt\n", "`auth` must be none, token or {jwt: {...}} (got 'jwt')", "auth: {jwt: {issuer");
        assertInvalid(BASE + "auth: {oidc: {}}\n", "unknown field `auth.oidc`");
        assertInvalid(BASE + "auth: {jwt: x}\n", "`auth.jwt` must be a mapping, found 'x'");
        assertInvalid(BASE + "auth: {jwt: {audience: a, jwksUrl: 'https://x/k'}}\n", "`auth.jwt.issuer` is missing", "iss");
        assertInvalid(BASE + "auth: {jwt: {issuer: i, jwksUrl: 'https://x/k'}}\n", "`auth.jwt.audience` is missing", "aud");
        assertInvalid(BASE + "auth: {jwt: {issuer: i, audience: a}}\n", "`auth.jwt` needs jwksUrl or jwks");
        assertInvalid(BASE + "auth: {jwt: {issuer: i, audience: a, jwksUrl: 'https://x/k', jwks: {keys: []}}}\n",
                "`auth.jwt` needs only one of jwksUrl and jwks");
        assertInvalid(BASE + "auth: {jwt: {issuer: i, audience: a, jwksUrl: 'file:/etc/passwd'}}\n", "`auth.jwt.jwksUrl` must be an http(s) URL");
        assertInvalid(BASE + "auth: {jwt: {issuer: i, audience: a, jwks: [1]}}\n", "`auth.jwt.jwks` must be a JSON Web Key Set, found a list");
        assertInvalid(BASE + "auth: {jwt: {issuer: i, audience: a, jwks: {keys: []}, scopes: [x]}}\n", "unknown field `auth.jwt.scopes`");
    }

    private static void assertInvalid(String yaml, String... parts) {
        assertThatThrownBy(() -> Descriptor.parse(yaml)).isInstanceOfSatisfying(UserError.class, e -> {
            assertThat(e.code()).isEqualTo("descriptor.invalid");
            String all = e.getMessage() + " / " + e.hint();
            for (String part : parts) {
                assertThat(all).contains(part);
            }
        });
    }
}
