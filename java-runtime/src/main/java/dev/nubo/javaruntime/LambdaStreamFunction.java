package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * An unmodified AWS Lambda {@link RequestStreamHandler}: it reads the request body and what it
 * writes is the body of a 200, {@code application/json} as Lambda's responses are.
 */
record LambdaStreamFunction(RequestStreamHandler handler) implements UserFunction {

    @Override
    public HttpResponse invoke(HttpRequest request, InvocationContext context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(request.body()), out, new LambdaContext(context));
        return HttpResponse.of(200, "application/json", out.toByteArray());
    }

    @Override
    public Class<?> handlerClass() {
        return handler.getClass();
    }
}
