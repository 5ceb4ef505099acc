package dev.nubo.runtimeapi;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** A Lambda handler that always throws. */
public class ThrowingHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        throw new IllegalStateException("no soup for " + event.get("name"));
    }
}
