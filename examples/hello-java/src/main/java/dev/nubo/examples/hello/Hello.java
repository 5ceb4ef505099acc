package dev.nubo.examples.hello;

import dev.nubo.function.Context;
import dev.nubo.function.Handler;

/**
 * The README's first function: {@code {"name":"Ada"}} in, {@code {"message":"Hello, Ada!",
 * "revision":"hello-java-00001"}} out. The greeting comes from {@code GREETING} in nubo.yaml, so
 * changing it and deploying again makes a new revision without touching the code.
 */
public final class Hello implements Handler<Hello.Request, Hello.Greeting> {

    /** The request body; {@code name} may be left out. */
    public record Request(String name) {}

    /** The response body; {@code revision} shows which deployed revision answered. */
    public record Greeting(String message, String revision) {}

    @Override
    public Greeting handle(Request request, Context context) {
        String name = request == null || request.name() == null || request.name().isBlank() ? "world" : request.name();
        String greeting = context.env().getOrDefault("GREETING", "Hello");
        context.logger().log("greeting " + name);
        return new Greeting(greeting + ", " + name + "!", context.revision());
    }
}
