package dev.nubo.runtimeapi;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** Logs a line through Lambda's logger, then takes its time: the line must reach the log before the answer. */
public class LoggingHandler implements RequestHandler<Map<String, Object>, String> {

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        context.getLogger().log("logged early in " + context.getAwsRequestId() + " to " + context.getLogGroupName() + "/"
                + context.getLogStreamName() + "\n");
        try {
            Thread.sleep(((Number) event.getOrDefault("sleepMs", 0)).longValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "done";
    }
}
