package dev.nubo.javaruntime;

import dev.nubo.function.Context;
import dev.nubo.function.Handler;
import dev.nubo.function.HttpHandler;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;
import java.util.LinkedHashMap;
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
}
