package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.nubo.function.Handler;
import dev.nubo.function.HttpHandler;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * One small function of each kind the host runs, for {@link WarmUp}. They are loaded from the host's
 * code in a function class loader, so they must use nothing of the host but the APIs that loader
 * shares, and they must not log (a pooled host prints one line while it waits).
 */
final class WarmUpSamples {

    private WarmUpSamples() {}

    public static final class Greeter implements Handler<Greeter.Request, Greeter.Greeting> {
        public record Request(String name, List<Integer> numbers) {}

        public record Greeting(String message, int count, long remainingMs) {}

        @Override
        public Greeting handle(Request request, dev.nubo.function.Context context) {
            return new Greeting("Hello, " + request.name(), request.numbers().size(), context.remainingTime().toMillis());
        }
    }

    public static final class Echo implements HttpHandler {
        @Override
        public HttpResponse handle(HttpRequest request, dev.nubo.function.Context context) {
            return HttpResponse.of(200, "text/plain", request.body()).withHeader("X-Path", request.path());
        }
    }

    /** A bean rather than a record, the usual shape of a Lambda event class. */
    public static final class Named {
        private String name;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }
    }

    public static final class LambdaGreeter implements RequestHandler<Named, String> {
        @Override
        public String handleRequest(Named input, Context context) {
            return "Hello, " + input.getName() + " from " + context.getFunctionName() + " ("
                    + context.getRemainingTimeInMillis() + " ms left)";
        }
    }

    public static final class LambdaEcho implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            input.transferTo(output);
        }
    }

    public static final class LambdaMethod {
        public Map<String, Object> greet(Map<String, Object> event, Context context) {
            return Map.of("message", "Hello, " + event.get("name"), "requestId", context.getAwsRequestId());
        }
    }
}
