package dev.nubo.javaruntime;

import com.fasterxml.jackson.core.JacksonException;
import dev.nubo.function.Handler;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;

/**
 * A {@link Handler}: the request body is decoded as JSON into the handler's input type, and the
 * result is encoded as the JSON body of a 200 (see {@link JsonCodec#nubo}). Trailing content after
 * the JSON value is an error.
 */
final class JsonFunction implements UserFunction {

    private final Handler<Object, Object> handler;
    private final JsonCodec codec;

    @SuppressWarnings("unchecked")
    JsonFunction(Handler<?, ?> handler) {
        this.handler = (Handler<Object, Object>) handler;
        this.codec = JsonCodec.nubo(HandlerInputType.of(handler.getClass()));
    }

    @Override
    public HttpResponse invoke(HttpRequest request, InvocationContext context) throws Exception {
        Object event;
        try {
            event = codec.decode(request.body());
        } catch (JacksonException e) {
            return codec.invalidInput(e);
        }
        return codec.encode(handler.handle(event, context), handlerClass(), context.logger());
    }

    @Override
    public Class<?> handlerClass() {
        return handler.getClass();
    }
}
