package dev.nubo.javaruntime;

import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;
import dev.nubo.lambdahttp.HttpApiAnswer;
import dev.nubo.lambdahttp.HttpApiEvent;
import dev.nubo.lambdahttp.HttpApiRequest;
import java.nio.charset.StandardCharsets;

/**
 * API Gateway's payload format 2.0 ({@link HttpApiEvent}, {@link HttpApiAnswer}) on the host's own
 * request and response: the event a Lambda handler gets for a plain HTTP request, and the response its
 * result becomes. A {@code statusCode} that is no HTTP status is the handler's fault.
 */
final class HttpApiMapping {

    private static final String JSON = "application/json";

    /** The gateway reaches the host over loopback; its {@code X-Forwarded-For} names the real caller. */
    private static final String PEER = "127.0.0.1";

    private HttpApiMapping() {}

    static byte[] event(HttpRequest request, InvocationContext context) {
        HttpApiRequest http = new HttpApiRequest(request.method(), request.path(), request.query(), request.headers(),
                request.body(), PEER);
        return LambdaJson.write(HttpApiEvent.of(http, context.requestId(), context.functionName(), context.lambda().arrival()));
    }

    static HttpResponse response(byte[] result) {
        return switch (HttpApiAnswer.of(LambdaJson.read(result))) {
            case HttpApiAnswer.Response r -> new HttpResponse(r.status(), r.headers(), r.body());
            case HttpApiAnswer.Text t -> HttpResponse.of(200, JSON, t.text().getBytes(StandardCharsets.UTF_8));
            case HttpApiAnswer.AsSent a -> HttpResponse.of(200, JSON, result);
            case HttpApiAnswer.BadStatus b -> throw new LambdaCall.InvalidResult(b.message(), null);
        };
    }
}
