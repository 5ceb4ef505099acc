package dev.nubo.apis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Quantities;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.RequestBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an operation read beside its integration: the JSON schema of its request body, and
 * its {@code x-nubo} {@code cache} and {@code timeout}. Each problem names the operation and the fix.
 */
final class OperationSettings {

    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration MAX_TTL = Duration.ofHours(1);

    private OperationSettings() {}

    /** The schema of the body's JSON media type ({@code application/json}, or any {@code +json}); empty without one. */
    static Optional<BodySchema> body(RequestBody body, boolean openApi31, String where) {
        if (body == null || body.getContent() == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, MediaType> media : body.getContent().entrySet()) {
            String type = media.getKey().toLowerCase(Locale.ROOT);
            if ((type.equals("application/json") || type.endsWith("+json")) && media.getValue().getSchema() != null) {
                try {
                    return Optional.of(BodySchema.of(media.getValue().getSchema(), openApi31, where));
                } catch (RuntimeException e) {
                    throw ApiDocument.invalid(where + ": the requestBody schema does not compile: " + e.getMessage(),
                            "write requestBody.content." + media.getKey() + ".schema as a JSON schema");
                }
            }
        }
        return Optional.empty();
    }

    /** {@code cache: {ttl: 30s, key: [path, query.q, header.Accept-Language]}}; the key defaults to path and query. */
    static Optional<Api.Cache> cache(JsonNode x, String method, String where) {
        if (x.isMissingNode() || x.isNull()) {
            return Optional.empty();
        }
        if (!method.equals("GET")) {
            throw ApiDocument.invalid(where + ": x-nubo.cache is for GET operations", "remove cache from this operation");
        }
        Duration ttl = Quantities.duration(x.path("ttl").asText("")).filter(d -> d.isPositive() && d.compareTo(MAX_TTL) <= 0)
                .orElseThrow(() -> ApiDocument.invalid(where + ": x-nubo.cache.ttl '" + x.path("ttl").asText("") + "' is not a duration of up to 1h",
                        "write e.g. cache: {ttl: 30s}"));
        List<String> key = new ArrayList<>();
        x.path("key").forEach(k -> key.add(keyPart(k.asText(), where)));
        return Optional.of(new Api.Cache(ttl, key.isEmpty() ? List.of("path", "query") : key));
    }

    /** {@code timeout: 5s}: how long the integration has for its first answer, instead of its service's timeout. */
    static Optional<Duration> timeout(JsonNode x, String where) {
        if (x.isMissingNode() || x.isNull()) {
            return Optional.empty();
        }
        return Optional.of(Quantities.duration(x.asText("")).filter(d -> d.isPositive() && d.compareTo(MAX_TIMEOUT) <= 0)
                .orElseThrow(() -> ApiDocument.invalid(where + ": x-nubo.timeout '" + x.asText("") + "' is not a duration from 1ms to 15m",
                        "write e.g. timeout: 5s")));
    }

    /** {@code x-nubo-authorizer: {function: NAME, ttl: 300s, identity: header.Authorization}} on a security scheme. */
    static Api.FunctionScheme functionScheme(String name, JsonNode x) {
        String where = "security scheme '" + name + "'";
        String function = x.path("function").asText("");
        if (!function.matches("[a-z][a-z0-9-]{0,62}")) {
            throw ApiDocument.invalid(where + ": x-nubo-authorizer.function '" + function + "' is not a service name",
                    "name the Nubo function that decides: function: NAME");
        }
        Duration ttl = x.has("ttl") ? Quantities.duration(x.path("ttl").asText("")).filter(d -> d.toMillis() >= 1000 && d.compareTo(MAX_TTL) <= 0)
                .orElseThrow(() -> ApiDocument.invalid(where + ": x-nubo-authorizer.ttl '" + x.path("ttl").asText("") + "' is not a duration from 1s to 1h",
                        "write e.g. ttl: 60s")) : Duration.ofMinutes(5);
        String identity = x.path("identity").asText("header.Authorization");
        if (!(identity.startsWith("header.") || identity.startsWith("query.")) || identity.indexOf('.') == identity.length() - 1) {
            throw ApiDocument.invalid(where + ": x-nubo-authorizer.identity '" + identity + "' is neither header.NAME nor query.NAME",
                    "write e.g. identity: header.Authorization");
        }
        return new Api.FunctionScheme(function, ttl, identity.startsWith("header.") ? identity.toLowerCase(Locale.ROOT) : identity);
    }

    /** {@code x-nubo: {stages: {prod: {host: api.example.com}}}}: a host the stage answers on besides its default one. */
    static Optional<String> stageHost(JsonNode stage, String name) {
        String host = stage.path("host").asText("").toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            return Optional.empty();
        }
        if (!host.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
            throw ApiDocument.invalid("x-nubo.stages." + name + ".host '" + host + "' is not a host name", "write e.g. host: api.example.com");
        }
        return Optional.of(host);
    }

    /** {@code basePath: /api}: where the stage's paths start on its host ({@code /} or none: at the root). */
    static String stageBasePath(JsonNode stage, String name) {
        String path = stage.path("basePath").asText("/");
        if (!path.matches("(/[A-Za-z0-9._~-]+)*/?")) {
            throw ApiDocument.invalid("x-nubo.stages." + name + ".basePath '" + path + "' is not a plain path", "write e.g. basePath: /api");
        }
        if (!stage.has("host") && stage.has("basePath")) {
            throw ApiDocument.invalid("x-nubo.stages." + name + " has a basePath but no host",
                    "on its default host a stage answers at /" + name + "; give the host the basePath is for");
        }
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String keyPart(String part, String where) {
        if (part.equals("path") || part.equals("query")) {
            return part;
        }
        if ((part.startsWith("query.") || part.startsWith("header.")) && part.indexOf('.') < part.length() - 1) {
            return part.startsWith("header.") ? part.toLowerCase(Locale.ROOT) : part;
        }
        throw ApiDocument.invalid(where + ": x-nubo.cache.key names '" + part + "'", "use path, query, query.NAME or header.NAME");
    }
}
