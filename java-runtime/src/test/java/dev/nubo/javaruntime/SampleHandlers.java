package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.nubo.function.Context;
import dev.nubo.function.Handler;
import dev.nubo.function.HttpHandler;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Functions for the tests. The host loads them from target/test-classes through {@code NUBO_CODE},
 * in its isolated class loader, exactly as it loads a user's code.
 */
public final class SampleHandlers {

    private SampleHandlers() {}

    public static final class Greeter implements Handler<Greeter.Request, Greeter.Greeting> {
        public record Request(String name, int times) {}

        public record Greeting(String message, int times) {}

        @Override
        public Greeting handle(Request request, Context context) {
            return request == null ? null : new Greeting("Hello, " + request.name(), request.times());
        }
    }

    public static final class Echo implements HttpHandler {
        @Override
        public HttpResponse handle(HttpRequest request, Context context) {
            String text = "method=" + request.method() + "\npath=" + request.path() + "\nquery=" + request.query()
                    + "\nx-test=" + request.headers().get("x-test") + "\nbody=" + request.bodyAsString();
            return HttpResponse.of(201, "text/plain", text).withHeader("X-Echo", "yes");
        }
    }

    /** Misbehaves as the query asks: {@code ?null} returns null, {@code ?header} an unsendable header. */
    public static final class Misbehaving implements HttpHandler {
        @Override
        public HttpResponse handle(HttpRequest request, Context context) {
            return switch (request.query()) {
                case "null" -> null;
                case "header" -> HttpResponse.ok("x").withHeader("x-injected", "a\r\nSet-Cookie: evil=1");
                default -> HttpResponse.ok("fine");
            };
        }
    }

    public static final class ContextReport implements Handler<Object, Map<String, Object>> {
        @Override
        public Map<String, Object> handle(Object event, Context context) {
            context.logger().log("reporting\nsecond line");
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("requestId", context.requestId());
            report.put("functionName", context.functionName());
            report.put("revision", context.revision());
            report.put("remainingMs", context.remainingTime().toMillis());
            report.put("env", context.env());
            report.put("getenvGreeting", System.getenv("GREETING"));
            report.put("getenvUnlisted", System.getenv("UNLISTED"));
            report.put("contextLoaderIsOwn", Thread.currentThread().getContextClassLoader() == getClass().getClassLoader());
            return report;
        }
    }

    public static final class Failing implements Handler<Object, Object> {
        @Override
        public Object handle(Object event, Context context) {
            throw new IllegalStateException("boom: \"quoted\"");
        }
    }

    public static final class ConstructorThrows implements Handler<Object, Object> {
        public ConstructorThrows() {
            throw new IllegalStateException("boom");
        }

        @Override
        public Object handle(Object event, Context context) {
            return event;
        }
    }

    public static final class NotAHandler {}

    public static final class NoDefaultConstructor implements Handler<Object, Object> {
        public NoDefaultConstructor(String greeting) {}

        @Override
        public Object handle(Object event, Context context) {
            return event;
        }
    }

    /** Returns how many invocations were in flight at once, at most, so far. */
    public static final class Sleeper implements Handler<Object, Integer> {
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger peak = new AtomicInteger();

        @Override
        public Integer handle(Object event, Context context) throws InterruptedException {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            context.logger().log("sleeping");
            Thread.sleep(500);
            inFlight.decrementAndGet();
            return peak.get();
        }
    }

    /** Reports which classes its own class loader can see. */
    public static final class ClassVisibility implements Handler<Object, Map<String, String>> {
        @Override
        public Map<String, String> handle(Object event, Context context) {
            Map<String, String> seen = new LinkedHashMap<>();
            for (String name : new String[] {"com.fasterxml.jackson.databind.ObjectMapper",
                    "dev.nubo.javaruntime.JavaHost", "dev.nubo.function.HttpResponse", "java.net.http.HttpClient"}) {
                try {
                    Class.forName(name, false, getClass().getClassLoader());
                    seen.put(name, "visible");
                } catch (ClassNotFoundException e) {
                    seen.put(name, e.getClass().getSimpleName());
                }
            }
            seen.put("loader", getClass().getClassLoader().getName());
            return seen;
        }
    }

    /** What a pooled host's function sees of its environment. */
    public static final class EnvReport implements Handler<Object, Map<String, Object>> {
        @Override
        public Map<String, Object> handle(Object event, Context context) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("getenv", System.getenv("POOLED_ONLY"));
            report.put("getenvMap", System.getenv().get("POOLED_ONLY"));
            report.put("childEnv", new ProcessBuilder().environment().get("POOLED_ONLY"));
            report.put("multiline", System.getenv("MULTILINE"));
            report.put("pool", System.getenv("NUBO_POOL"));
            report.put("env", context.env());
            return report;
        }
    }

    /** Lambda's view of an invocation, and the event it was given. */
    public static final class LambdaReport implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> event, com.amazonaws.services.lambda.runtime.Context context) {
            context.getLogger().log("lambda says hi");
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("event", event);
            report.put("requestId", context.getAwsRequestId());
            report.put("logGroup", context.getLogGroupName());
            report.put("logStream", context.getLogStreamName());
            report.put("function", context.getFunctionName());
            report.put("version", context.getFunctionVersion());
            report.put("arn", context.getInvokedFunctionArn());
            report.put("memory", context.getMemoryLimitInMB());
            report.put("remainingMs", context.getRemainingTimeInMillis());
            report.put("identityAndClient", context.getIdentity() == null && context.getClientContext() == null);
            return report;
        }
    }

    /** A Lambda POJO handler: a bean in, a bean out. */
    public static final class LambdaOrders implements RequestHandler<LambdaOrders.Order, LambdaOrders.Receipt> {
        public static final class Order {
            private String id;
            private int quantity;
            private List<String> tags;

            public String getId() {
                return id;
            }

            public void setId(String id) {
                this.id = id;
            }

            public int getQuantity() {
                return quantity;
            }

            public void setQuantity(int quantity) {
                this.quantity = quantity;
            }

            public List<String> getTags() {
                return tags;
            }

            public void setTags(List<String> tags) {
                this.tags = tags;
            }
        }

        public static final class Receipt {
            private final String orderId;
            private final int items;
            private final String note;

            Receipt(String orderId, int items, String note) {
                this.orderId = orderId;
                this.items = items;
                this.note = note;
            }

            public String getOrderId() {
                return orderId;
            }

            public int getItems() {
                return items;
            }

            public String getNote() {
                return note;
            }
        }

        @Override
        public Receipt handleRequest(Order order, com.amazonaws.services.lambda.runtime.Context context) {
            return order == null ? null : new Receipt(order.getId(), order.getQuantity() * order.getTags().size(), null);
        }
    }

    public static final class LambdaGreeter implements RequestHandler<String, String> {
        @Override
        public String handleRequest(String name, com.amazonaws.services.lambda.runtime.Context context) {
            return "Hello, " + (name == null ? "nobody" : name);
        }
    }

    /** Writes the Context's values and the body back as JSON. */
    public static final class LambdaStream implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, com.amazonaws.services.lambda.runtime.Context context)
                throws IOException {
            String body = new String(input.readAllBytes(), StandardCharsets.UTF_8);
            String json = "{\"requestId\":\"" + context.getAwsRequestId() + "\",\"function\":\"" + context.getFunctionName()
                    + "\",\"version\":\"" + context.getFunctionVersion() + "\",\"memory\":" + context.getMemoryLimitInMB()
                    + ",\"remainingMs\":" + context.getRemainingTimeInMillis() + ",\"logStream\":\""
                    + context.getLogStreamName() + "\",\"body\":" + body + "}";
            output.write(json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** No interface at all: Lambda calls it as {@code LambdaPlain::greet}. */
    public static final class LambdaPlain {
        public String greet(Map<String, String> event, com.amazonaws.services.lambda.runtime.Context context) {
            return "Hi " + event.get("name") + " (" + context.getAwsRequestId() + ")";
        }

        public static String shout(String text) {
            return text.toUpperCase(java.util.Locale.ROOT);
        }
    }

    /** Reads API Gateway's HTTP event as a Map (no aws-lambda-java-events needed) and answers a structured response. */
    public static final class LambdaHttp implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Object> handleRequest(Map<String, Object> event, com.amazonaws.services.lambda.runtime.Context context) {
            Map<String, Object> request = (Map<String, Object>) event.get("requestContext");
            Map<String, Object> http = (Map<String, Object>) request.get("http");
            Map<String, Object> headers = (Map<String, Object>) event.get("headers");
            String body = "version=" + event.get("version") + " method=" + http.get("method") + " rawPath=" + event.get("rawPath")
                    + " rawQuery=" + event.get("rawQueryString") + " query=" + event.get("queryStringParameters")
                    + " cookies=" + event.get("cookies") + " multi=" + headers.get("x-multi") + " ip=" + http.get("sourceIp")
                    + " requestId=" + request.get("requestId") + " body=" + event.get("body")
                    + " base64=" + event.get("isBase64Encoded") + " trace=" + context.getXrayTraceId();
            return Map.of("statusCode", 201, "headers", Map.of("Content-Type", "text/plain"),
                    "cookies", List.of("a=1; Path=/", "b=2"), "body", body);
        }
    }

    public static final class LambdaFailing implements RequestHandler<Object, Object> {
        @Override
        public Object handleRequest(Object event, com.amazonaws.services.lambda.runtime.Context context) {
            throw new IllegalArgumentException("no such order");
        }
    }

    /** Both kinds of handler at once: the host cannot tell which to call. */
    public static final class NuboAndLambda implements Handler<Object, Object>, RequestHandler<Object, Object> {
        @Override
        public Object handle(Object event, Context context) {
            return event;
        }

        @Override
        public Object handleRequest(Object event, com.amazonaws.services.lambda.runtime.Context context) {
            return event;
        }
    }

    /** Ignores interruption and never returns: only recycling the host ends it. */
    public static final class Spinner implements Handler<Object, Object> {
        @Override
        public Object handle(Object event, Context context) {
            long spins = 0;
            while (spins >= 0) {
                spins++;
                Thread.onSpinWait();
            }
            return spins;
        }
    }

    /** Waits far past any timeout, but stops when interrupted, as a well-behaved handler does. */
    public static final class Patient implements Handler<Object, String> {
        @Override
        public String handle(Object event, Context context) {
            try {
                Thread.sleep(60_000);
                return "slept";
            } catch (InterruptedException e) {
                return "interrupted";
            }
        }
    }
}
