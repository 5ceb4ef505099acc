package dev.nubo.javaruntime;

import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;

/**
 * The user's handler, constructed, behind one call shape whichever interface it implements. An
 * exception thrown by the handler propagates; answering it is the endpoint's job.
 */
sealed interface UserFunction
        permits JsonFunction, HttpFunction, LambdaFunction {

    HttpResponse invoke(HttpRequest request, InvocationContext context) throws Exception;

    /** The answer to an invocation whose handler threw {@code thrown} (host frames already stripped). */
    default HttpResponse failed(Throwable thrown, HttpRequest request) {
        return ErrorBody.of(thrown).response(500);
    }

    /** For messages, and for its class loader, which is the context class loader during calls. */
    Class<?> handlerClass();
}
