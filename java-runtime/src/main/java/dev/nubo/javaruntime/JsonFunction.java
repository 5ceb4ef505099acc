package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.JacksonException;
import dev.nubo.function.Handler;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;

/**
 * A handler that takes and returns JSON: the request body is decoded into the handler's input type,
 * and the result is encoded as the JSON body of a 200. Nubo's {@link Handler} and Lambda's
 * {@link RequestHandler} differ only in their serialization rules ({@link JsonCodec#nubo},
 * {@link JsonCodec#lambda}: trailing content after the value is an error for the first, a
 * {@code String} result is a JSON string for the second, as on Lambda) and in the context they get.
 */
final class JsonFunction implements UserFunction {

    /** The handler's own call. */
    private interface Call {
        Object handle(Object event, InvocationContext context) throws Exception;
    }

    private final Class<?> handlerClass;
    private final JsonCodec codec;
    private final Call call;

    private JsonFunction(Class<?> handlerClass, JsonCodec codec, Call call) {
        this.handlerClass = handlerClass;
        this.codec = codec;
        this.call = call;
    }

    @SuppressWarnings("unchecked")
    static JsonFunction nubo(Handler<?, ?> handler) {
        Handler<Object, Object> h = (Handler<Object, Object>) handler;
        return new JsonFunction(handler.getClass(), JsonCodec.nubo(HandlerInputType.of(handler.getClass())), h::handle);
    }

    @SuppressWarnings("unchecked")
    static JsonFunction lambda(RequestHandler<?, ?> handler) {
        RequestHandler<Object, Object> h = (RequestHandler<Object, Object>) handler;
        return new JsonFunction(handler.getClass(), JsonCodec.lambda(HandlerInputType.of(handler.getClass(), RequestHandler.class)),
                (event, context) -> h.handleRequest(event, new LambdaContext(context)));
    }

    @Override
    public HttpResponse invoke(HttpRequest request, InvocationContext context) throws Exception {
        Object event;
        try {
            event = codec.decode(request.body());
        } catch (JacksonException e) {
            return codec.invalidInput(e);
        }
        return codec.encode(call.handle(event, context), handlerClass, context.logger());
    }

    @Override
    public Class<?> handlerClass() {
        return handlerClass;
    }
}
