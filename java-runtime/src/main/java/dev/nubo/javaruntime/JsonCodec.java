package dev.nubo.javaruntime;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nubo.function.HttpResponse;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * How a Nubo {@code Handler}'s request body becomes its input, and its result the response: strict
 * JSON with nothing after the value; an empty body is a {@code null} input, a result is the JSON body
 * of a 200 ({@code null} is {@code null}). Unknown properties are ignored, so that callers can send
 * more than a function reads. (Lambda's handlers get AWS's own serialization: {@link LambdaSerializers}.)
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

    /*
     * One mapper per process, built on first use (so an HttpHandler never loads Jackson), which is
     * during warm-up in a pooled host: specialising then only introspects the input type.
     */

    private static final class NuboMapper {
        static final JsonMapper MAPPER = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
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
