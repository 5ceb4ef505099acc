package dev.nubo.apis;

import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One API as deployed to one stage, read from an OpenAPI document by {@link ApiDocument}: its
 * operations, the security schemes they require, CORS, and the stage's variables. Immutable; a
 * redeploy makes a new one with the next {@code version}.
 *
 * @param document the OpenAPI document as deployed, kept for rollback and {@code nubo api describe}
 * @param host a host of the stage's own ({@code x-nubo.stages.STAGE.host}), besides {@code NAME.<domain>/STAGE}
 * @param basePath where the stage's paths start on {@code host}: {@code ""} for the root, or {@code /api}
 */
public record Api(String name, String stage, int version, List<Operation> operations, Map<String, Scheme> schemes,
                  Optional<Cors> cors, Map<String, String> stageVariables, String document, Optional<String> host, String basePath) {

    public Api {
        operations = List.copyOf(operations);
        schemes = Map.copyOf(schemes);
        stageVariables = Map.copyOf(stageVariables);
    }

    /**
     * One operation: a method and path template, where it goes ({@code integration}) or what it
     * answers without one ({@code mock}), and what a request must carry.
     *
     * @param security alternatives (any one suffices), each naming schemes that must all pass, with the scopes each needs
     */
    public record Operation(String method, PathTemplate path, String operationId, Optional<Integration> integration,
                            Optional<Mock> mock, List<Map<String, List<String>>> security, List<Parameter> parameters,
                            boolean bodyRequired, Optional<BodySchema> body, Optional<Cache> cache, Optional<Duration> timeout) {
        public Operation {
            security = List.copyOf(security);
            parameters = List.copyOf(parameters);
        }

        /** {@code GET /users/{id}}: the route key a Lambda-style integration sees. */
        public String routeKey() {
            return method + " " + path.template();
        }
    }

    /**
     * Where an operation's requests go: a Nubo service, with the path it sees there (a template over
     * the path's parameters), and the headers changed on the way there and back.
     */
    public record Integration(String service, String path, HeaderEdits request, HeaderEdits response) {}

    /** Headers to drop, then headers to set ({@code x-nubo.requestHeaders} / {@code responseHeaders}: {@code {remove: [...], set: {...}}}). */
    public record HeaderEdits(List<String> remove, Map<String, String> set) {
        static final HeaderEdits NONE = new HeaderEdits(List.of(), Map.of());

        public HeaderEdits {
            remove = List.copyOf(remove);
            set = Map.copyOf(set);
        }
    }

    /**
     * A GET operation's answers kept by the gateway for {@code ttl} ({@code x-nubo.cache}), keyed by
     * the parts of the request named in {@code key}: {@code path}, {@code query}, {@code query.NAME},
     * {@code header.NAME}.
     */
    public record Cache(Duration ttl, List<String> key) {
        public Cache {
            key = List.copyOf(key);
        }
    }

    /** What an operation without an integration answers: its first success response's example. */
    public record Mock(int status, String contentType, String body) {}

    /** A parameter of an operation, {@code in} path, query or header: whether it must be there, and what its value may be. */
    public record Parameter(String name, String in, boolean required, ValueSchema schema) {}

    /** A security scheme an operation may require. */
    public sealed interface Scheme permits ApiKeyScheme, JwtScheme, FunctionScheme {}

    /** An API key in a header (OpenAPI {@code type: apiKey, in: header}), checked against the keys made with {@code nubo apikey create}. */
    public record ApiKeyScheme(String header) implements Scheme {}

    /**
     * A JWT bearer token ({@code type: http, scheme: bearer} with {@code x-nubo-authorizer}), signed by
     * one of {@code keys} (a JWKS given inline, or fetched from {@code jwksUrl} when the API is deployed).
     */
    public record JwtScheme(String issuer, List<String> audience, JWKSet keys, Optional<String> jwksUrl) implements Scheme {
        public JwtScheme {
            audience = List.copyOf(audience);
        }
    }

    /**
     * A custom authorizer: Nubo function {@code function} decides about each {@code identity}
     * ({@code header.NAME} or {@code query.NAME}), and its decision is kept for {@code ttl}.
     */
    public record FunctionScheme(String function, Duration ttl, String identity) implements Scheme {}

    /** CORS as the gateway answers it (top-level {@code x-nubo-cors}). */
    public record Cors(List<String> allowOrigins, List<String> allowMethods, List<String> allowHeaders, int maxAgeSeconds) {
        public Cors {
            allowOrigins = List.copyOf(allowOrigins);
            allowMethods = List.copyOf(allowMethods);
            allowHeaders = List.copyOf(allowHeaders);
        }
    }
}
