package dev.nubo.javaruntime;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nubo.function.Handler;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;
import java.lang.reflect.Type;

/**
 * A {@link Handler}: the request body is decoded as JSON into the handler's input type, and the
 * result is encoded as the JSON body of a 200. An empty body is a {@code null} input; a {@code null}
 * result is the body {@code null}.
 *
 * <p>Unknown properties in the body are ignored, so that callers can send more than a function
 * reads; trailing content after the JSON value is an error.
 */
final class JsonFunction implements UserFunction {

    private final Handler<Object, Object> handler;
    private final String inputName;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    @SuppressWarnings("unchecked")
    JsonFunction(Handler<?, ?> handler) {
        this.handler = (Handler<Object, Object>) handler;
        Type input = HandlerInputType.of(handler.getClass());
        this.inputName = HandlerInputType.describe(input);
        JsonMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        // Built now, during start-up, so the first request does not pay for introspecting the type.
        this.reader = mapper.readerFor(mapper.constructType(input));
        this.writer = mapper.writer();
    }

    @Override
    public HttpResponse invoke(HttpRequest request, InvocationContext context) throws Exception {
        Object event;
        try {
            event = isBlank(request.body()) ? null : reader.readValue(request.body());
        } catch (JacksonException e) {
            return new ErrorBody("InvalidInput", "request body is not valid JSON for " + inputName + ": "
                    + e.getOriginalMessage()).response(400);
        }
        Object result = handler.handle(event, context);
        try {
            return HttpResponse.of(200, "application/json", writer.writeValueAsBytes(result));
        } catch (JacksonException e) {
            String message = "the result of " + handlerClass().getName() + " (a " + result.getClass().getName()
                    + ") cannot be written as JSON: " + e.getOriginalMessage()
                    + " (return a record, a Map, a List, a String, a number or a boolean)";
            context.logger().error("nubo: " + message);
            return new ErrorBody("InvalidOutput", message).response(500);
        }
    }

    @Override
    public Class<?> handlerClass() {
        return handler.getClass();
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
