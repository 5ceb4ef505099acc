package dev.nubo.examples.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain AWS Lambda handler: nothing in it knows about Nubo. Deployed as `runtime: java` it runs
 * in Nubo's Java host (examples/hello-lambda); as `runtime: provided` it runs under AWS's own
 * runtime interface client, which polls Nubo's Lambda Runtime API (examples/hello-lambda-ric).
 */
public class Hello implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Object name = event == null ? null : event.get("name");
        if ("error".equals(name)) {
            throw new IllegalArgumentException("no greeting for 'error'");
        }
        context.getLogger().log("greeting " + name);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("message", System.getenv().getOrDefault("GREETING", "Hello") + ", " + (name == null ? "world" : name) + "!");
        result.put("requestId", context.getAwsRequestId());
        result.put("function", context.getFunctionName());
        result.put("version", context.getFunctionVersion());
        result.put("memoryMb", context.getMemoryLimitInMB());
        result.put("remainingMs", context.getRemainingTimeInMillis());
        return result;
    }
}
