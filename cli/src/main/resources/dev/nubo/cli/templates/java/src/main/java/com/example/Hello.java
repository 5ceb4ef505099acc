package com.example;

import dev.nubo.function.Context;
import dev.nubo.function.Handler;
import java.util.Map;

/** A function: the request body is the JSON {@code {"name": "Ada"}}, the answer {@code {"message": "Hello, Ada"}}. */
public class Hello implements Handler<Hello.Request, Map<String, String>> {

    public record Request(String name) {}

    @Override
    public Map<String, String> handle(Request request, Context context) {
        String name = request == null || request.name() == null ? "world" : request.name();
        return Map.of("message", "Hello, " + name);
    }
}
