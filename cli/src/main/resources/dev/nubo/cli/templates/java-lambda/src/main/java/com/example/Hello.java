package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/**
 * An AWS Lambda handler, unchanged. A request to its URL arrives as API Gateway's HTTP event, so
 * {@code GET /?name=Ada} gets {@code {"message": "Hello, Ada"}}; so does
 * {@code nubo invoke NAME -d '{"name": "Ada"}'}, whose JSON is the event itself.
 */
public class Hello implements RequestHandler<Map<String, Object>, Map<String, String>> {

    @Override
    public Map<String, String> handleRequest(Map<String, Object> event, Context context) {
        Object name = event == null ? null
                : event.get("queryStringParameters") instanceof Map<?, ?> query ? query.get("name") : event.get("name");
        return Map.of("message", "Hello, " + (name == null ? "world" : name));
    }
}
