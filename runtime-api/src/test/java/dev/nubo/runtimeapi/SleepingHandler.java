package dev.nubo.runtimeapi;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/**
 * A Lambda handler that sleeps for the event's {@code sleepMs}, saying so on stdout first (so a test can
 * tell that the runtime has the invocation), and answers with when it ran.
 */
public class SleepingHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        long started = System.currentTimeMillis();
        System.out.println("sleeping in " + context.getAwsRequestId());
        System.out.flush();
        try {
            Thread.sleep(((Number) event.getOrDefault("sleepMs", 0)).longValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Map.of("requestId", context.getAwsRequestId(), "startedAt", started, "finishedAt", System.currentTimeMillis());
    }
}
