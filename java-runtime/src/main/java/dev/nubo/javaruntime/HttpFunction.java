package dev.nubo.javaruntime;

import dev.nubo.function.HttpHandler;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;

/** An {@link HttpHandler}: the request goes in and the response comes out as they are. */
record HttpFunction(HttpHandler handler) implements UserFunction {

    @Override
    public HttpResponse invoke(HttpRequest request, InvocationContext context) throws Exception {
        return handler.handle(request, context);
    }

    @Override
    public Class<?> handlerClass() {
        return handler.getClass();
    }
}
