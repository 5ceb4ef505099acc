package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** An AWS Lambda handler, unchanged: the event {@code {"name": "Ada"}} gets {@code {"message": "Hello, Ada"}}. */
public class Hello implements RequestHandler<Map<String, Object>, Map<String, String>> {

    @Override
    public Map<String, String> handleRequest(Map<String, Object> event, Context context) {
        Object name = event == null ? null : event.get("name");
        return Map.of("message", "Hello, " + (name == null ? "world" : name));
    }
}
