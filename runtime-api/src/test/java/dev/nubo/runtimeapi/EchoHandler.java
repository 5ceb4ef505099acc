package dev.nubo.runtimeapi;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/** A Lambda handler that answers with its event and what its {@link Context} says. */
public class EchoHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("event", event);
        out.put("requestId", context.getAwsRequestId());
        out.put("functionName", context.getFunctionName());
        out.put("functionVersion", context.getFunctionVersion());
        out.put("memoryLimitInMB", context.getMemoryLimitInMB());
        out.put("remainingTimeInMillis", context.getRemainingTimeInMillis());
        out.put("invokedFunctionArn", context.getInvokedFunctionArn());
        out.put("traceHeader", System.getProperty("com.amazonaws.xray.traceHeader"));
        return out;
    }
}
