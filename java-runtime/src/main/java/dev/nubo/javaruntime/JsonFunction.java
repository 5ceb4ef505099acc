package dev.nubo.javaruntime;

import com.fasterxml.jackson.core.JacksonException;
import dev.nubo.function.Handler;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;

/**
 * Nubo's {@link Handler}, which takes and returns JSON: the request body is decoded into the
 * handler's input type ({@link JsonCodec}), and the result is encoded as the JSON body of a 200.
 * (Lambda's {@code RequestHandler} is a {@link LambdaFunction}.)
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
