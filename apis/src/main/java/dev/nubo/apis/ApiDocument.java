package dev.nubo.apis;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads an OpenAPI 3.0 or 3.1 document (with swagger-parser, which resolves {@code $ref}s) into an
 * {@link Api}. Nubo's settings ride in extensions, so the document stays a valid OpenAPI document:
 *
 * <pre>{@code
 * openapi: 3.0.3
 * info: {title: Shop, version: "1"}
 * x-nubo: {name: shop}                      # the API's name; else from info.title
 * x-nubo-cors: {allowOrigins: ["https://shop.example"], allowMethods: [GET, POST], allowHeaders: [content-type], maxAge: 600}
 * paths:
 *   /orders/{id}:
 *     get:
 *       x-nubo: {service: orders, path: /v1/orders/{id}}   # the integration; without it, a mock of the example
 *       security: [{key: []}, {jwt: [orders:read]}]
 * components:
 *   securitySchemes:
 *     key: {type: apiKey, in: header, name: x-api-key}
 *     jwt: {type: http, scheme: bearer, x-nubo-authorizer: {issuer: "https://id.example", audience: shop, jwks: {keys: [...]}}}
 * }</pre>
 *
 * A service name may be {@code ${stageVariables.NAME}}, filled from the stage's variables. Every
 * problem is a {@link UserError} naming the place in the document and the fix.
 */
public final class ApiDocument {

    private static final List<String> METHODS = List.of("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE");

    private ApiDocument() {}

    /**
     * @param jwks fetches a JWKS URL named by an authorizer (called here, at deploy time, never per request)
     */
    public static Api parse(String document, String stage, Map<String, String> stageVariables, int version,
                            Function<String, String> jwks) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(document, null, options);
        OpenAPI api = result.getOpenAPI();
        if (api == null || api.getPaths() == null) {
            throw invalid("it is not an OpenAPI 3 document" + messages(result), "start from `openapi: 3.0.3`, `info` and `paths`");
        }
        String name = name(api);
        Map<String, Api.Scheme> schemes = schemes(api, jwks);
        List<SecurityRequirement> global = api.getSecurity() == null ? List.of() : api.getSecurity();
        List<Api.Operation> operations = new ArrayList<>();
        api.getPaths().forEach((path, item) -> {
            PathTemplate template;
            try {
                template = PathTemplate.of(path);
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage(), "write paths as OpenAPI path templates");
            }
            item.readOperationsMap().forEach((method, op) -> operations.add(operation(name, method, template, op, item,
                    op.getSecurity() == null ? global : op.getSecurity(), schemes, stageVariables, BodySchema.isOpenApi31(api))));
        });
        if (operations.isEmpty()) {
            throw invalid("API " + name + " has no operations", "add at least one path with a method");
        }
        JsonNode own = api.getExtensions() == null || api.getExtensions().get("x-nubo") == null ? Json.mapper().missingNode()
                : Json.mapper().valueToTree(api.getExtensions().get("x-nubo")).path("stages").path(stage);
        return new Api(name, stage, version, operations, schemes, cors(api), stageVariables, document,
                OperationSettings.stageHost(own, stage), OperationSettings.stageBasePath(own, stage));
    }

    private static Api.Operation operation(String api, PathItem.HttpMethod method, PathTemplate path, io.swagger.v3.oas.models.Operation op,
                                           PathItem item, List<SecurityRequirement> security, Map<String, Api.Scheme> schemes,
                                           Map<String, String> stageVariables, boolean openApi31) {
        String where = method + " " + path.template();
        Optional<Api.Integration> integration = Optional.empty();
        Optional<Api.Cache> cache = Optional.empty();
        Optional<java.time.Duration> timeout = Optional.empty();
        Object nubo = op.getExtensions() == null ? null : op.getExtensions().get("x-nubo");
        if (nubo != null) {
            JsonNode x = Json.mapper().valueToTree(nubo);
            String service = fill(x.path("service").asText(""), stageVariables, where);
            if (service.isEmpty()) {
                throw invalid(where + ": x-nubo has no service", "name the Nubo service that answers it: x-nubo: {service: NAME}");
            }
            integration = Optional.of(new Api.Integration(service, x.path("path").asText(path.template()),
                    headerEdits(x.path("requestHeaders"), "requestHeaders", stageVariables, where),
                    headerEdits(x.path("responseHeaders"), "responseHeaders", stageVariables, where)));
            cache = OperationSettings.cache(x.path("cache"), method.name(), where);
            timeout = OperationSettings.timeout(x.path("timeout"), where);
        }
        Optional<Api.Mock> mock = integration.isPresent() ? Optional.empty() : mock(op);
        if (integration.isEmpty() && mock.isEmpty()) {
            throw invalid(where + " has neither an x-nubo integration nor a response example to answer with",
                    "add x-nubo: {service: NAME}, or an example to its 2xx response");
        }
        List<Map<String, List<String>>> required = new ArrayList<>();
        for (SecurityRequirement requirement : security) {
            requirement.keySet().forEach(scheme -> {
                if (!schemes.containsKey(scheme)) {
                    throw invalid(where + " requires security scheme '" + scheme + "', which is not in components.securitySchemes"
                            + " (or is of a type Nubo does not check)", "declare it, as apiKey in a header or http bearer with x-nubo-authorizer");
                }
            });
            required.add(Map.copyOf(requirement));
        }
        List<Api.Parameter> parameters = new ArrayList<>();
        List<Parameter> all = new ArrayList<>(item.getParameters() == null ? List.of() : item.getParameters());
        if (op.getParameters() != null) {
            all.addAll(op.getParameters());
        }
        for (Parameter p : all) {
            if ("query".equals(p.getIn()) || "header".equals(p.getIn()) || "path".equals(p.getIn())) {
                try {
                    parameters.add(new Api.Parameter(p.getName(), p.getIn(), Boolean.TRUE.equals(p.getRequired()), ValueSchema.of(p.getSchema())));
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw invalid(where + ": the pattern of parameter '" + p.getName() + "' does not compile: " + e.getDescription(),
                            "write schema.pattern as a regular expression");
                }
            }
        }
        boolean bodyRequired = op.getRequestBody() != null && Boolean.TRUE.equals(op.getRequestBody().getRequired());
        return new Api.Operation(method.name(), path, op.getOperationId() == null ? "" : op.getOperationId(), integration, mock,
                required, parameters, bodyRequired, OperationSettings.body(op.getRequestBody(), openApi31, where), cache, timeout);
    }

    private static Optional<Api.Mock> mock(io.swagger.v3.oas.models.Operation op) {
        if (op.getResponses() == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, ApiResponse> response : op.getResponses().entrySet()) {
            if (!response.getKey().startsWith("2") || response.getValue().getContent() == null) {
                continue;
            }
            for (Map.Entry<String, MediaType> media : response.getValue().getContent().entrySet()) {
                Object example = media.getValue().getExample();
                if (example == null && media.getValue().getExamples() != null && !media.getValue().getExamples().isEmpty()) {
                    example = media.getValue().getExamples().values().iterator().next().getValue();
                }
                if (example != null) {
                    int status = response.getKey().matches("\\d{3}") ? Integer.parseInt(response.getKey()) : 200;
                    String body = example instanceof String text && !media.getKey().contains("json") ? text : toJson(example);
                    return Optional.of(new Api.Mock(status, media.getKey(), body));
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, Api.Scheme> schemes(OpenAPI api, Function<String, String> jwks) {
        Map<String, Api.Scheme> out = new LinkedHashMap<>();
        if (api.getComponents() == null || api.getComponents().getSecuritySchemes() == null) {
            return out;
        }
        api.getComponents().getSecuritySchemes().forEach((name, scheme) -> {
            Object authorizer = scheme.getExtensions() == null ? null : scheme.getExtensions().get("x-nubo-authorizer");
            JsonNode fn = authorizer == null ? null : Json.mapper().valueToTree(authorizer);
            if (fn != null && fn.has("function")) {
                out.put(name, OperationSettings.functionScheme(name, fn));
            } else if (scheme.getType() == SecurityScheme.Type.APIKEY) {
                if (scheme.getIn() != SecurityScheme.In.HEADER) {
                    throw invalid("security scheme '" + name + "' takes its key from the " + scheme.getIn() + "; Nubo reads API keys from a header",
                            "use in: header, name: x-api-key");
                }
                out.put(name, new Api.ApiKeyScheme(scheme.getName().toLowerCase(Locale.ROOT)));
            } else if (scheme.getType() == SecurityScheme.Type.HTTP && "bearer".equalsIgnoreCase(scheme.getScheme())) {
                Object x = scheme.getExtensions() == null ? null : scheme.getExtensions().get("x-nubo-authorizer");
                if (x == null) {
                    throw invalid("bearer scheme '" + name + "' has no x-nubo-authorizer", "add x-nubo-authorizer: {issuer, audience, jwks or jwksUrl}");
                }
                out.put(name, jwt(name, Json.mapper().valueToTree(x), jwks));
            }
        });
        return out;
    }

    private static Api.JwtScheme jwt(String name, JsonNode x, Function<String, String> fetch) {
        String issuer = x.path("issuer").asText("");
        if (issuer.isEmpty()) {
            throw invalid("authorizer of '" + name + "' has no issuer", "set x-nubo-authorizer.issuer to the tokens' iss");
        }
        List<String> audience = new ArrayList<>();
        JsonNode aud = x.path("audience");
        if (aud.isArray()) {
            aud.forEach(a -> audience.add(a.asText()));
        } else if (!aud.asText("").isEmpty()) {
            audience.add(aud.asText());
        }
        Optional<String> url = x.hasNonNull("jwksUrl") ? Optional.of(x.get("jwksUrl").asText()) : Optional.empty();
        String keys = x.has("jwks") ? x.get("jwks").toString() : url.map(fetch).orElseThrow(() -> invalid(
                "authorizer of '" + name + "' has neither jwks nor jwksUrl", "give the signing keys inline (jwks) or where to fetch them (jwksUrl)"));
        try {
            return new Api.JwtScheme(issuer, audience, JWKSet.parse(keys), url);
        } catch (ParseException e) {
            throw invalid("the JWKS of '" + name + "' does not parse: " + e.getMessage(), "give a JSON Web Key Set: {\"keys\": [...]}");
        }
    }

    private static Optional<Api.Cors> cors(OpenAPI api) {
        Object x = api.getExtensions() == null ? null : api.getExtensions().get("x-nubo-cors");
        if (x == null) {
            return Optional.empty();
        }
        JsonNode c = Json.mapper().valueToTree(x);
        return Optional.of(new Api.Cors(texts(c.path("allowOrigins")), texts(c.path("allowMethods")).stream().map(m -> m.toUpperCase(Locale.ROOT)).toList(),
                texts(c.path("allowHeaders")).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(), c.path("maxAge").asInt(0)));
    }

    private static String name(OpenAPI api) {
        Object x = api.getExtensions() == null ? null : api.getExtensions().get("x-nubo");
        String name = x == null ? "" : Json.mapper().valueToTree(x).path("name").asText("");
        if (name.isEmpty() && api.getInfo() != null && api.getInfo().getTitle() != null) {
            name = api.getInfo().getTitle().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        }
        if (!name.matches("[a-z][a-z0-9-]{0,62}")) {
            throw invalid("the API's name '" + name + "' is not a DNS label", "set x-nubo: {name: NAME} with lowercase letters, digits and dashes");
        }
        return name;
    }

    /** {@code {remove: [NAME...], set: {NAME: VALUE}}}; values may use stage variables; Nubo's context headers are off limits. */
    private static Api.HeaderEdits headerEdits(JsonNode x, String field, Map<String, String> vars, String where) {
        if (x.isMissingNode() || x.isNull()) {
            return Api.HeaderEdits.NONE;
        }
        List<String> remove = new ArrayList<>();
        x.path("remove").forEach(n -> remove.add(headerName(n.asText(), field, where)));
        Map<String, String> set = new java.util.LinkedHashMap<>();
        x.path("set").properties().forEach(e -> set.put(headerName(e.getKey(), field, where), fill(e.getValue().asText(), vars, where)));
        return new Api.HeaderEdits(remove, set);
    }

    private static String headerName(String name, String field, String where) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.isEmpty() || !lower.chars().allMatch(c -> Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
            throw invalid(where + ": x-nubo." + field + " names '" + name + "', which is not a header name", "use letters, digits and dashes");
        }
        if (lower.startsWith("nubo-")) {
            throw invalid(where + ": x-nubo." + field + " may not change " + name + ": Nubo-* headers are the gateway's context",
                    "pick another header name");
        }
        return lower;
    }

    private static String fill(String value, Map<String, String> vars, String where) {
        if (!value.contains("${stageVariables.")) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (int at = value.indexOf("${stageVariables.", i); at >= 0; at = value.indexOf("${stageVariables.", i)) {
            int end = value.indexOf('}', at);
            String var = value.substring(at + 17, end);
            String v = vars.get(var);
            if (v == null) {
                throw invalid(where + " uses stage variable '" + var + "', which this stage does not set", "deploy with --var " + var + "=VALUE");
            }
            out.append(value, i, at).append(v);
            i = end + 1;
        }
        return out.append(value.substring(i)).toString();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String toJson(Object example) {
        try {
            return Json.mapper().writeValueAsString(example);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(example);
        }
    }

    private static String messages(SwaggerParseResult result) {
        return result.getMessages() == null || result.getMessages().isEmpty() ? "" : ": " + String.join("; ", result.getMessages());
    }

    static UserError invalid(String message, String hint) {
        return UserError.badRequest("api.invalid", message, hint);
    }

    static boolean isMethod(String m) {
        return METHODS.contains(m);
    }
}
