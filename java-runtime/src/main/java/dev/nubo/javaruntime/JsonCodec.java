package dev.nubo.javaruntime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nubo.function.HttpResponse;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * How a JSON function's request body becomes its input, and its result the response: an empty
 * body is a {@code null} input, a result is the JSON body of a 200 ({@code null} is {@code null}).
 * Unknown properties are ignored either way, so that callers can send more than a function reads.
 *
 * <p>Two dialects. Nubo's {@code Handler} gets strict JSON with nothing after the value. Lambda's
 * handlers get what AWS's Java runtime does (its aws-lambda-java-serialization {@code JacksonFactory}),
 * as far as it is cheap to copy: lenient syntax (single quotes, unquoted names, leading zeros, NaN),
 * {@code null} for missing primitives, a single value where an array is expected, {@code ""} as a
 * null object, unknown enum constants as null, standard bean names ({@code getURL} is {@code URL}),
 * and no null properties in the output. Not copied: its Joda/java.time modules and its special
 * handling of the aws-lambda-java-events classes.
 */
final class JsonCodec {

    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final String inputName;

    private JsonCodec(JsonMapper mapper, Type input) {
        // Built now, during start-up, so the first request does not pay for introspecting the type.
        this.reader = mapper.readerFor(mapper.constructType(input));
        this.writer = mapper.writer();
        this.inputName = HandlerInputType.describe(input);
    }

    static JsonCodec nubo(Type input) {
        return new JsonCodec(NuboMapper.MAPPER, input);
    }

    static JsonCodec lambda(Type input) {
        return new JsonCodec(LambdaMapper.MAPPER, input);
    }

    /*
     * One mapper per dialect and process, built on first use (so an HttpHandler never loads Jackson),
     * which is during warm-up in a pooled host: specialising then only introspects the input type.
     */

    private static final class NuboMapper {
        static final JsonMapper MAPPER = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    private static final class LambdaMapper {
        static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                        .enable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
                        .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
                        .enable(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
                        .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
                        .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
                        .build())
                .enable(MapperFeature.USE_STD_BEAN_NAMING)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .enable(DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT)
                .enable(DeserializationFeature.ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT)
                .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .enable(DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS))
                .build();
    }

    /** The input, {@code null} for an empty body; a body that does not fit the input type throws {@link JacksonException}. */
    Object decode(byte[] body) throws IOException {
        return isBlank(body) ? null : reader.readValue(body);
    }

    /** The 400 for a body {@link #decode} refused. */
    HttpResponse invalidInput(JacksonException e) {
        return new ErrorBody("InvalidInput", "request body is not valid JSON for " + inputName + ": "
                + e.getOriginalMessage()).response(400);
    }

    /** The 200 with the result as JSON, or a 500 {@code InvalidOutput} naming what to return instead. */
    HttpResponse encode(Object result, Class<?> handlerClass, RequestLog log) {
        try {
            return HttpResponse.of(200, "application/json", writer.writeValueAsBytes(result));
        } catch (JacksonException e) {
            String message = "the result of " + handlerClass.getName() + " (a " + result.getClass().getName()
                    + ") cannot be written as JSON: " + e.getOriginalMessage()
                    + " (return a record, a Map, a List, a String, a number or a boolean)";
            log.error("nubo: " + message);
            return new ErrorBody("InvalidOutput", message).response(500);
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
