package dev.nubo.javaruntime;

import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;
import dev.nubo.lambdahttp.CloudEventEnvelope;

/**
 * An unmodified Lambda handler (any shape, see {@link LambdaCall}) behind the event Lambda would
 * give it for this request's source ({@link EventSource}): a plain HTTP request becomes API
 * Gateway's HTTP event and the result an HTTP response as API Gateway maps it
 * ({@link HttpApiMapping}); a direct invocation passes the body as the event
 * and the result as the body of a 200; a trigger's CloudEvent becomes its JSON envelope
 * ({@link CloudEventEnvelope}). Failures answer in Lambda's shape ({@link LambdaError}).
 */
record LambdaFunction(Class<?> handlerClass, LambdaCall call) implements UserFunction {

    static final String XRAY_PROPERTY = "com.amazonaws.xray.traceHeader";

    @Override
    public HttpResponse invoke(HttpRequest request, InvocationContext context) throws Exception {
        EventSource source = EventSource.of(request);
        byte[] event = switch (source) {
            case HTTP -> HttpApiMapping.event(request, context);
            case DIRECT -> request.body();
            case CLOUDEVENT -> cloudEvent(request);
        };
        // Lambda's Java runtime hands the X-Ray SDK the trace this way (one invocation at a time there;
        // here, with invocations running at once, the latest one's: Context.getXrayTraceId() is exact).
        System.setProperty(XRAY_PROPERTY, context.lambda().traceHeader());
        byte[] result;
        try {
            result = call.call(event, new LambdaContext(context));
        } catch (LambdaCall.InvalidEvent e) {
            context.logger().error("nubo: " + e.getMessage());
            return LambdaError.response(400, "InvalidInput", e.getMessage());
        }
        return source == EventSource.HTTP ? HttpApiMapping.response(result) : HttpResponse.of(200, "application/json", result);
    }

    /** A trigger's delivery as the whole CloudEvent ({@link CloudEventEnvelope}), through AWS's JSON. */
    private static byte[] cloudEvent(HttpRequest request) {
        return CloudEventEnvelope.structured(request.header("content-type").orElse("")) ? request.body()
                : LambdaJson.write(CloudEventEnvelope.of(request.headers(), request.body(), LambdaJson::read));
    }

    @Override
    public HttpResponse failed(Throwable thrown, HttpRequest request) {
        return LambdaError.response(500, thrown, EventSource.of(request) != EventSource.HTTP);
    }
}
