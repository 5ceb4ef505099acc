package dev.nubo.runtimeapi;

import static dev.nubo.runtimeapi.Caller.accepts;
import static dev.nubo.runtimeapi.Caller.answer;
import static dev.nubo.runtimeapi.Caller.invoke;
import static dev.nubo.runtimeapi.Caller.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge serving the official AWS Lambda Java runtime interface client (2.8.7), run as a child
 * process exactly as a user's {@code runtime: provided} instance runs it.
 */
class OfficialRuntimeClientTest {

    private static final Duration START = Duration.ofSeconds(15);

    private static Vertx vertx;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger stuck = new AtomicInteger();
    private final List<LambdaRuntimeProcess> processes = new ArrayList<>();
    private RuntimeApiBridge bridge;
    private FunctionInfo function;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @AfterEach
    void stop() {
        for (LambdaRuntimeProcess process : processes) {
            process.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    private void open(Duration timeout, Duration stuckGrace) {
        function = new FunctionInfo("hello", "hello-00001", "hello-00001-a", timeout, 256, 6 << 20);
        bridge = RuntimeApiBridge.open(vertx, function, log::add, stuck::incrementAndGet, stuckGrace);
    }

    private LambdaRuntimeProcess start(Class<?> handler) {
        return start(handler.getName());
    }

    private LambdaRuntimeProcess start(String handlerClass) {
        LambdaRuntimeProcess process = LambdaRuntimeProcess.start(bridge, function, handlerClass);
        processes.add(process);
        return process;
    }

    private void awaitReady(LambdaRuntimeProcess process) {
        await().atMost(START).failFast("the runtime exited:\n" + process.output(), () -> !process.isAlive())
                .until(() -> accepts(bridge.invocationPort()));
    }

    @Test
    void servesAJsonEventWithLambdasContextOnceTheRuntimePolls() {
        open(Duration.ofSeconds(30), RuntimeApiBridge.DEFAULT_STUCK_GRACE);
        assertThat(accepts(bridge.invocationPort())).as("ready before any runtime polled").isFalse();

        LambdaRuntimeProcess runtime = start(EchoHandler.class);
        awaitReady(runtime);
        HttpResponse<String> response = answer(invoke(bridge, "req-echo-1", "{\"name\":\"Ada\",\"n\":3}",
                "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonObject body = json(response);
        assertThat(body.getJsonObject("event").getMap()).containsEntry("name", "Ada").containsEntry("n", 3);
        assertThat(body.getString("requestId")).isEqualTo("req-echo-1");
        assertThat(body.getString("functionName")).isEqualTo("hello");
        assertThat(body.getString("functionVersion")).isEqualTo("hello-00001");
        assertThat(body.getInteger("memoryLimitInMB")).isEqualTo(256);
        assertThat(body.getString("invokedFunctionArn")).isEqualTo("arn:aws:lambda:nubo:000000000000:function:hello:hello-00001");
        assertThat(body.getLong("remainingTimeInMillis")).isPositive().isLessThanOrEqualTo(30_000);
        assertThat(body.getString("traceHeader"))
                .isEqualTo("Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1");
        assertThat(bridge.liveInvocations()).isZero();
    }

    @Test
    void aThrownExceptionIs500WithItsTypeAndMessageAndTheStackGoesToTheLogAndTheServersCaller() {
        open(Duration.ofSeconds(30), RuntimeApiBridge.DEFAULT_STUCK_GRACE);
        awaitReady(start(ThrowingHandler.class));

        HttpResponse<String> response = answer(invoke(bridge, "req-throw-1", "{\"name\":\"Ada\"}"));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(json(response).getMap())
                .containsEntry("errorType", "java.lang.IllegalStateException")
                .containsEntry("errorMessage", "no soup for Ada");
        assertThat(response.body()).as("nubo invoke's caller sees the stack; a URL's caller does not (RuntimeApiProtocolTest)")
                .contains("ThrowingHandler");
        assertThat(log).contains("[runtime-api] invocation req-throw-1 failed: java.lang.IllegalStateException: no soup for Ada");
        assertThat(log).anyMatch(line -> line.startsWith("[runtime-api]     at dev.nubo.runtimeapi.ThrowingHandler.handleRequest"));
    }

    @Test
    void aStreamHandlerGetsTheRawEventBytes() {
        open(Duration.ofSeconds(30), RuntimeApiBridge.DEFAULT_STUCK_GRACE);
        awaitReady(start(UppercaseStreamHandler.class));

        HttpResponse<String> response = answer(invoke(bridge, "req-stream-1", "{\"shout\":\"hello\"}"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"SHOUT\":\"HELLO\"}");
    }

    /**
     * The 2.8.7 client does not treat a missing handler class as an init error: it polls (so the instance
     * turns ready) and fails every invocation with {@code ClassNotFoundException}, without exiting.
     */
    @Test
    void anUnknownHandlerClassFailsEveryInvocationWithClassNotFound() {
        open(Duration.ofSeconds(30), RuntimeApiBridge.DEFAULT_STUCK_GRACE);
        awaitReady(start("dev.nubo.runtimeapi.NoSuchHandler"));

        for (String id : List.of("req-missing-1", "req-missing-2")) {
            HttpResponse<String> response = answer(invoke(bridge, id, "{}"));
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(json(response).getMap())
                    .containsEntry("errorType", "java.lang.ClassNotFoundException")
                    .containsEntry("errorMessage", "Class not found: dev.nubo.runtimeapi.NoSuchHandler");
        }
        assertThat(bridge.initError()).isEmpty();
    }

    @Test
    void aHandlerThatFailsToInitialiseReportsAnInitErrorAndTheRuntimeExits() throws InterruptedException {
        open(Duration.ofSeconds(30), RuntimeApiBridge.DEFAULT_STUCK_GRACE);
        LambdaRuntimeProcess runtime = start(BrokenInitHandler.class);

        assertThat(runtime.exitCode(START)).isEqualTo(1);
        assertThat(bridge.initError())
                .hasValue("java.lang.ExceptionInInitializerError: Error loading class dev.nubo.runtimeapi.BrokenInitHandler");
        assertThat(runtime.output()).contains("Caused by: java.lang.IllegalStateException: DATABASE_URL is not set");
        assertThat(log).anyMatch(line -> line.startsWith("[runtime-api] the runtime failed to initialise: "));
        assertThat(accepts(bridge.invocationPort())).as("ready although init failed").isFalse();
    }

    @Test
    void lambdaLoggerLinesReachTheLogWhileTheInvocationRuns() {
        open(Duration.ofSeconds(30), RuntimeApiBridge.DEFAULT_STUCK_GRACE);
        LambdaRuntimeProcess runtime = start(LoggingHandler.class);
        awaitReady(runtime);

        CompletableFuture<HttpResponse<String>> call = invoke(bridge, "req-log", "{\"sleepMs\":3000}");

        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(runtime.output())
                .contains("logged early in req-log to /nubo/hello/hello-00001-a"));
        assertThat(call).isNotDone();
        assertThat(answer(call).body()).isEqualTo("\"done\"");
    }

    @Test
    void concurrentInvocationsAreAllAnsweredOneAfterTheOther() {
        open(Duration.ofSeconds(30), RuntimeApiBridge.DEFAULT_STUCK_GRACE);
        awaitReady(start(SleepingHandler.class));

        CompletableFuture<HttpResponse<String>> first = invoke(bridge, "req-a", "{\"sleepMs\":300}");
        CompletableFuture<HttpResponse<String>> second = invoke(bridge, "req-b", "{\"sleepMs\":300}");
        JsonObject a = json(answer(first));
        JsonObject b = json(answer(second));

        assertThat(a.getString("requestId")).isEqualTo("req-a");
        assertThat(b.getString("requestId")).isEqualTo("req-b");
        JsonObject earlier = a.getLong("startedAt") <= b.getLong("startedAt") ? a : b;
        JsonObject later = earlier == a ? b : a;
        assertThat(later.getLong("startedAt")).isGreaterThanOrEqualTo(earlier.getLong("finishedAt"));
        assertThat(bridge.liveInvocations()).isZero();
    }

    @Test
    void aRuntimeKilledMidInvocationFailsItsCallers502AndARestartedRuntimeServesAgain() {
        open(Duration.ofSeconds(30), RuntimeApiBridge.DEFAULT_STUCK_GRACE);
        LambdaRuntimeProcess first = start(SleepingHandler.class);
        awaitReady(first);
        CompletableFuture<HttpResponse<String>> running = invoke(bridge, "req-running", "{\"sleepMs\":20000}");
        await().atMost(START).until(() -> first.printed("sleeping in req-running"));
        CompletableFuture<HttpResponse<String>> queued = invoke(bridge, "req-queued", "{\"sleepMs\":0}");
        await().atMost(Duration.ofSeconds(5)).until(() -> bridge.liveInvocations() == 2);

        first.kill();
        bridge.runtimeGone();

        for (HttpResponse<String> response : List.of(answer(running), answer(queued))) {
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(json(response).getJsonObject("error").getString("type")).isEqualTo("RuntimeExited");
        }
        // Awaited, not read once: one read flaked once in a clean-clone run, not understood yet. One possible
        // cause: a connect to a free loopback port in the ephemeral range can meet itself and seem accepted.
        await().atMost(Duration.ofSeconds(5)).until(() -> !accepts(bridge.invocationPort()));
        assertThat(bridge.liveInvocations()).isZero();

        awaitReady(start(SleepingHandler.class));
        HttpResponse<String> again = answer(invoke(bridge, "req-again", "{\"sleepMs\":0}"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).getString("requestId")).isEqualTo("req-again");
    }

    @Test
    void anInvocationPastItsDeadlineTimesOutAndAStuckRuntimeIsReportedOnce() {
        open(Duration.ofMillis(800), Duration.ofMillis(300));
        awaitReady(start(SleepingHandler.class));

        long sent = System.nanoTime();
        HttpResponse<String> late = answer(invoke(bridge, "req-slow", "{\"sleepMs\":2500}"));
        long waitedMs = (System.nanoTime() - sent) / 1_000_000;

        assertThat(late.statusCode()).isEqualTo(504);
        assertThat(json(late).getJsonObject("error").getString("message")).isEqualTo(
                "Task timed out after 0.80 seconds (the function's timeout)");
        assertThat(waitedMs).isBetween(700L, 2000L);
        await().atMost(Duration.ofSeconds(3)).until(() -> stuck.get() == 1);
        assertThat(log).anyMatch(line -> line.contains("invocation req-slow is still unanswered 300 ms after its deadline"));

        // the runtime's late answer is taken and dropped, and it carries on with the next invocation
        await().atMost(Duration.ofSeconds(5)).until(() -> bridge.liveInvocations() == 0);
        HttpResponse<String> next = answer(invoke(bridge, "req-next", "{\"sleepMs\":0}"));
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(stuck.get()).isEqualTo(1);
        assertThat(bridge.liveInvocations()).isZero();
    }
}
