package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.JacksonException;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;
import java.io.IOException;

/**
 * An unmodified AWS Lambda {@link RequestHandler}: the body is decoded into its {@code I} and its
 * result encoded as the JSON body of a 200, with Lambda's serialization rules (see
 * {@link JsonCodec#lambda}). A {@code String} result is a JSON string, as on Lambda.
 */
final class LambdaFunction implements UserFunction {

    private final RequestHandler<Object, Object> handler;
    private final JsonCodec codec;

    @SuppressWarnings("unchecked")
    LambdaFunction(RequestHandler<?, ?> handler) {
        this.handler = (RequestHandler<Object, Object>) handler;
        this.codec = JsonCodec.lambda(HandlerInputType.of(handler.getClass(), RequestHandler.class));
    }

    @Override
    public HttpResponse invoke(HttpRequest request, InvocationContext context) throws IOException {
        Object event;
        try {
            event = codec.decode(request.body());
        } catch (JacksonException e) {
            return codec.invalidInput(e);
        }
        return codec.encode(handler.handleRequest(event, new LambdaContext(context)), handlerClass(), context.logger());
    }

    @Override
    public Class<?> handlerClass() {
        return handler.getClass();
    }
}
