package dev.nubo.javaruntime;

import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;

/**
 * The user's handler, constructed, behind one call shape whichever interface it implements. An
 * exception thrown by the handler propagates; answering it is the endpoint's job.
 */
sealed interface UserFunction
        permits JsonFunction, HttpFunction, LambdaStreamFunction, LambdaMethodFunction {

    HttpResponse invoke(HttpRequest request, InvocationContext context) throws Exception;

    /** For messages, and for its class loader, which is the context class loader during calls. */
    Class<?> handlerClass();
}
