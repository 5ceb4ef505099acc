package dev.nubo.apis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.nubo.gateway.FrontDoor;
import dev.nubo.model.Json;
import io.swagger.v3.oas.models.media.Schema;
import java.io.IOException;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/**
 * What a JSON request body must be: the {@code application/json} schema of an operation's
 * {@code requestBody}, compiled once at deploy with networknt's json-schema-validator (draft 4 rules
 * for OpenAPI 3.0, whose schemas are close to it; 2020-12 for OpenAPI 3.1, whose schemas are it).
 * A problem names the field as a JSON path: {@code $.items[0].qty: must have a minimum value of 1}.
 */
final class BodySchema implements FrontDoor.BodyCheck {

    /** The largest body read for a check: a bigger one is refused with 413 before it is parsed. */
    static final int MAX_BYTES = 1 << 20;

    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().pathType(PathType.JSON_PATH)
            .failFast(false).build();

    private final JsonSchema schema;
    private final String where;

    private BodySchema(JsonSchema schema, String where) {
        this.schema = schema;
        this.where = where;
    }

    /** @param openApi31 whether the document is OpenAPI 3.1 (JSON Schema 2020-12) rather than 3.0 */
    static BodySchema of(Schema<?> schema, boolean openApi31, String where) {
        JsonNode tree = (openApi31 ? io.swagger.v3.core.util.Json31.mapper() : io.swagger.v3.core.util.Json.mapper()).valueToTree(schema);
        SpecVersion.VersionFlag draft = openApi31 ? SpecVersion.VersionFlag.V202012 : SpecVersion.VersionFlag.V4;
        return new BodySchema(JsonSchemaFactory.getInstance(draft).getSchema(tree, CONFIG), where);
    }

    static boolean isOpenApi31(io.swagger.v3.oas.models.OpenAPI api) {
        return api.getSpecVersion() != null && !(api.getSpecVersion() == io.swagger.v3.oas.models.SpecVersion.V30);
    }

    @Override
    public int maxBytes() {
        return MAX_BYTES;
    }

    /** A 400 naming the field when the body does not fit; 415 when it is not sent as JSON. An empty body is for {@code required} to refuse. */
    @Override
    public Optional<FrontDoor.Answer> check(FrontDoor.Head head, byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        String type = head.header("content-type");
        if (type != null && !type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            return Optional.of(ApiGate.error(head, 415, "api.media_type_unsupported", where + " takes a JSON body, not " + type,
                    "send Content-Type: application/json"));
        }
        return problem(body).map(p -> ApiGate.error(head, 400, "api.body_invalid", p,
                "see the requestBody schema of " + where + " in the API's OpenAPI document"));
    }

    /** What is wrong with {@code body}, the first problem by place in the document; empty when it fits. */
    Optional<String> problem(byte[] body) {
        JsonNode value;
        try {
            value = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            return Optional.of("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return Optional.of("the body is not JSON: " + e.getMessage());
        }
        if (value == null || value.isMissingNode()) {
            return Optional.of("the body is empty; it must be JSON");
        }
        Set<ValidationMessage> problems = schema.validate(value);
        return problems.stream().min(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString()))
                .map(ValidationMessage::getMessage);
    }
}
