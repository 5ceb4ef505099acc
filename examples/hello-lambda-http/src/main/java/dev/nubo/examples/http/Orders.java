package dev.nubo.examples.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain handler for API Gateway HTTP APIs and function URLs, written against AWS's event classes
 * only. {@code /env} answers with the Lambda variables and trace the function sees; any other path
 * with 201, a cookie, and what it read from the event. It builds its JSON by hand so that its only
 * libraries are AWS's.
 */
public class Orders implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final List<String> VARIABLES = List.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME", "_HANDLER", "LAMBDA_TASK_ROOT");

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        context.getLogger().log("http " + event.getRequestContext().getHttp().getMethod() + " " + event.getRawPath());
        Map<String, Object> body = new LinkedHashMap<>();
        if ("/env".equals(event.getRawPath())) {
            VARIABLES.forEach(name -> body.put(name, System.getenv(name)));
            body.put("xrayTraceId", context.getXrayTraceId());
            body.put("xraySystemProperty", System.getProperty("com.amazonaws.xray.traceHeader"));
            return APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                    .withHeaders(Map.of("Content-Type", "application/json")).withBody(json(body)).build();
        }
        body.put("path", event.getRawPath());
        body.put("query", event.getQueryStringParameters());
        body.put("cookies", event.getCookies());
        body.put("method", event.getRequestContext().getHttp().getMethod());
        return APIGatewayV2HTTPResponse.builder().withStatusCode(201)
                .withHeaders(Map.of("Content-Type", "application/json")).withCookies(List.of("a=1; Path=/"))
                .withBody(json(body)).build();
    }

    private static String json(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?> map) {
            List<String> fields = new ArrayList<>();
            map.forEach((k, v) -> fields.add(json(k) + ":" + json(v)));
            return "{" + String.join(",", fields) + "}";
        }
        if (value instanceof List<?> list) {
            return "[" + String.join(",", list.stream().map(Orders::json).toList()) + "]";
        }
        String s = value.toString().replace("\\", "\\\\").replace("\"", "\\\"");
        return "\"" + s + "\"";
    }
}
