package dev.nubo.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * How {@code auth:} is written in nubo.yaml: {@code none} (the default), {@code token} (callers send a
 * Nubo token that may invoke), or a JWT authorizer with the fields the apis module's
 * {@code x-nubo-authorizer} takes, so that one authorizer reads the same in both places:
 *
 * <pre>{@code
 * auth:
 *   jwt:
 *     issuer: https://id.example.com/
 *     audience: orders                  # or a list; a token must name one of them in aud
 *     jwksUrl: https://id.example.com/.well-known/jwks.json   # or jwks: {keys: [...]} inline
 * }</pre>
 *
 * The keys' own syntax (a JSON Web Key Set) is checked where they are parsed, when the revision is deployed.
 */
final class AuthSyntax {

    private static final List<String> JWT_FIELDS = List.of("issuer", "audience", "jwksUrl", "jwks");
    private static final String FORMS = "`auth: token` makes the service private to callers with a Nubo token that may invoke"
            + " (`nubo token create NAME --role invoker`); `auth: {jwt: {issuer: ..., audience: ..., jwksUrl: ...}}` to callers"
            + " with a JWT from your identity provider; see docs/DESCRIPTOR.md";

    private AuthSyntax() {}

    record Parsed(Descriptor.Auth auth, Optional<Descriptor.Jwt> jwt) {
        static final Parsed NONE = new Parsed(Descriptor.Auth.NONE, Optional.empty());
    }

    static Parsed parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return Parsed.NONE;
        }
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("jwt")) {
                    throw DescriptorParser.invalid("nubo.yaml: unknown field `auth." + f + "`", FORMS);
                }
            }
            return new Parsed(Descriptor.Auth.JWT, Optional.of(jwt(node.get("jwt"))));
        }
        return switch (node.asText()) {
            case "none" -> Parsed.NONE;
            case "token" -> new Parsed(Descriptor.Auth.TOKEN, Optional.empty());
            default -> throw DescriptorParser.invalid("nubo.yaml: `auth` must be none, token or {jwt: {...}} (got '" + node.asText() + "')",
                    FORMS);
        };
    }

    private static Descriptor.Jwt jwt(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw DescriptorParser.invalid("nubo.yaml: `auth.jwt` must be a mapping, found "
                    + (node == null ? "nothing" : DescriptorParser.describe(node)), FORMS);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!JWT_FIELDS.contains(f)) {
                throw DescriptorParser.invalid("nubo.yaml: unknown field `auth.jwt." + f + "`",
                        "auth.jwt takes issuer, audience, and jwksUrl or jwks; see docs/DESCRIPTOR.md");
            }
        }
        String issuer = node.path("issuer").isTextual() ? node.get("issuer").asText().trim() : "";
        if (issuer.isEmpty()) {
            throw DescriptorParser.invalid("nubo.yaml: `auth.jwt.issuer` is missing",
                    "set it to the iss your identity provider writes in its tokens, e.g. `issuer: https://id.example.com/`");
        }
        List<String> audience = new ArrayList<>();
        JsonNode aud = node.path("audience");
        if (aud.isArray()) {
            aud.forEach(a -> audience.add(a.asText().trim()));
        } else if (aud.isValueNode()) {
            audience.add(aud.asText().trim());
        }
        audience.removeIf(String::isEmpty);
        if (audience.isEmpty()) {
            // Without it, a token the same issuer made for any other application would open this service.
            throw DescriptorParser.invalid("nubo.yaml: `auth.jwt.audience` is missing",
                    "name the audience (aud) your identity provider writes in tokens for this service, e.g. `audience: orders`");
        }
        boolean url = node.hasNonNull("jwksUrl");
        boolean inline = node.hasNonNull("jwks");
        if (url == inline) {
            throw DescriptorParser.invalid("nubo.yaml: `auth.jwt` needs " + (url ? "only one of jwksUrl and jwks" : "jwksUrl or jwks"),
                    "give where to fetch the signing keys (`jwksUrl: https://.../jwks.json`) or the key set inline (`jwks: {keys: [...]}`)");
        }
        if (url && !node.get("jwksUrl").asText().matches("https?://\\S+")) {
            throw DescriptorParser.invalid("nubo.yaml: `auth.jwt.jwksUrl` must be an http(s) URL (got '" + node.get("jwksUrl").asText() + "')",
                    "e.g. `jwksUrl: https://id.example.com/.well-known/jwks.json`");
        }
        if (inline && !node.get("jwks").path("keys").isArray()) {
            throw DescriptorParser.invalid("nubo.yaml: `auth.jwt.jwks` must be a JSON Web Key Set, found " + DescriptorParser.describe(node.get("jwks")),
                    "write it as `jwks: {keys: [{kty: RSA, n: ..., e: AQAB, kid: ...}]}`");
        }
        return new Descriptor.Jwt(issuer, audience, url ? Optional.of(node.get("jwksUrl").asText()) : Optional.empty(),
                inline ? Optional.of(node.get("jwks").toString()) : Optional.empty());
    }
}
