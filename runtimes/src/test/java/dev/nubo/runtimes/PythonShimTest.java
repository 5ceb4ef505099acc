package dev.nubo.runtimes;

import static dev.nubo.runtimes.FunctionProcess.Shim.PYTHON;
import static dev.nubo.runtimes.FunctionProcess.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Python shim (nubo_python.py) run by a real python3, serving functions written into a temporary directory. */
class PythonShimTest {

    @TempDir
    Path dir;

    Path code;

    @BeforeEach
    void createCodeDirectory() throws IOException {
        code = Files.createDirectories(dir.resolve("code"));
    }

    @Test
    void servesAJsonEventAndReturnsTheResultAsJson() throws IOException {
        write("main.py", """
                import os
                def handler(event, context):
                    return {"greeting": f"Hello, {event['name']}!", "cwd": os.getcwd()}
                """);

        try (FunctionProcess fn = start("main.handler").awaitListening()) {
            HttpResponse<String> response = fn.post("{\"name\":\"Ada\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body()).isEqualTo("{\"greeting\":\"Hello, Ada!\",\"cwd\":" + json(code) + "}");
            assertThat(fn.stdout()).contains("nubo: main.handler ready on port " + fn.port());
        }
    }

    @Test
    void treatsAnEmptyBodyAsAnEmptyEventAndNoResultAsNull() throws IOException {
        write("main.py", """
                def handler(event, context):
                    assert event == {}, event
                """);

        try (FunctionProcess fn = start("main.handler").awaitListening()) {
            HttpResponse<String> response = fn.post(" \n");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("null");
        }
    }

    @Test
    void specialisesAPooledProcessFromTheMessageOnStdin() throws IOException {
        write("main.py", """
                import os
                def handler(event, context):
                    return {"greeting": os.environ["GREETING"], "cwd": os.getcwd(), "pooled": os.environ.get("NUBO_POOL")}
                """);

        try (FunctionProcess fn = FunctionProcess.pooled(PYTHON, dir).awaitWarm()) {
            fn.specialise(Map.of("NUBO_WORKDIR", code.toString(), "NUBO_HANDLER", "main.handler", "NUBO_SERVICE", "hello",
                    "NUBO_REVISION", "hello-00002", "GREETING", "a=b\nc"));
            fn.awaitListening();

            assertThat(fn.post("{}").body())
                    .isEqualTo("{\"greeting\":\"a=b\\nc\",\"cwd\":" + json(code) + ",\"pooled\":null}");
            assertThat(fn.stdout()).containsPattern("nubo: pooled python warmed up in \\d+ ms\n")
                    .containsPattern("nubo: specialised as hello/hello-00002 in [\\d.]+ ms \\(pooled, warmed [\\d.]+ s ago\\)");
            assertThat(fn.stderr()).isEmpty();
        }
    }

    @Test
    void exitsQuietlyWhenThePoolClosesBeforeAMessage() throws IOException {
        try (FunctionProcess fn = FunctionProcess.pooled(PYTHON, dir).awaitWarm()) {
            fn.closeStdin();

            assertThat(fn.awaitExit(Duration.ofSeconds(5))).isZero();
            assertThat(fn.stderr()).isEmpty();
        }
    }

    @Test
    void givesTheHandlerALambdaContext() throws IOException {
        write("main.py", """
                def handler(event, context):
                    return {"id": context.aws_request_id, "name": context.function_name, "version": context.function_version,
                            "memory": context.memory_limit_in_mb, "arn": context.invoked_function_arn,
                            "group": context.log_group_name, "stream": context.log_stream_name,
                            "left": context.get_remaining_time_in_millis()}
                """);

        try (FunctionProcess fn = start("main.handler").awaitListening()) {
            String body = fn.post("{}", "req-42").body();
            String generated = fn.post("{}").body();

            assertThat(body).startsWith("{\"id\":\"req-42\",\"name\":\"hello\",\"version\":\"hello-00001\",\"memory\":256,"
                    + "\"arn\":\"arn:aws:lambda:us-east-1:000000000000:function:hello:hello-00001\",\"group\":\"/nubo/hello\","
                    + "\"stream\":\"hello-00001-x7k2p\",\"left\":");
            assertThat(Integer.parseInt(body.replaceAll(".*\"left\":(\\d+).*", "$1"))).isBetween(1, 5000);
            assertThat(generated).doesNotContain("\"id\":\"\"").doesNotContain("req-42");
        }
    }

    @Test
    void answers500WithTheErrorsTypeAndMessageWhenTheHandlerRaisesAndKeepsServing() throws IOException {
        write("main.py", """
                def handler(event, context):
                    if event.get("fail"):
                        raise LookupError("no such order")
                    return "ok"
                """);

        try (FunctionProcess fn = start("main.handler").awaitListening()) {
            HttpResponse<String> failed = fn.post("{\"fail\":true}", "req-7");

            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).as("Lambda's shape, only the user's frames").matches("\\{\"errorMessage\":\"no such order\","
                    + "\"errorType\":\"LookupError\",\"requestId\":\"req-7\",\"stackTrace\":\\[\"  File \\\\\"[^\"]*/code/main.py\\\\\","
                    + " line 3, in handler\\\\n    raise LookupError\\(\\\\\"no such order\\\\\"\\)\\\\n\"]}");
            assertThat(fn.post("{}").body()).isEqualTo("\"ok\"");
            assertThat(fn.stderr()).contains("[req-7] nubo: main.handler failed: Traceback (most recent call last):\n[req-7]   File ")
                    .contains("[req-7] LookupError: no such order\n");
        }
    }

    @Test
    void answers400WhenTheBodyIsNotJsonAnd500WhenTheResultCannotBeEncoded() throws IOException {
        write("main.py", """
                def handler(event, context):
                    return {"tags": {"a"}}
                """);

        try (FunctionProcess fn = start("main.handler").awaitListening()) {
            HttpResponse<String> invalid = fn.post("{\"name\":");
            HttpResponse<String> unencodable = fn.post("{}");

            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(invalid.body()).startsWith("{\"errorMessage\":\"request body is not valid JSON: ").endsWith("\"errorType\":\"InvalidInput\"}");
            assertThat(unencodable.statusCode()).isEqualTo(500);
            assertThat(unencodable.body()).isEqualTo("{\"errorMessage\":\"the result of main.handler"
                    + " cannot be encoded as JSON: Object of type set is not JSON serializable (return a dict, a list, a str,"
                    + " a number, a bool or None)\",\"errorType\":\"InvalidOutput\"}");
        }
    }

    static Stream<Arguments> initFailures() {
        return Stream.of(
                Arguments.of("other.py", "def handler(event, context): pass\n",
                        "nubo: cannot find main.py in "),
                Arguments.of("main.py", "def other(event, context): pass\n",
                        "nubo: main.py defines other but not 'handler' (define it: def handler(event, context): ...)\n"),
                Arguments.of("main.py", "handler = 'hello'\n",
                        "nubo: 'handler' in main.py is a str, not a function (define it: def handler(event, context): ...)\n"),
                Arguments.of("main.py", "import os\nDATABASE_URL = os.environ['DATABASE_URL']\n",
                        "nubo: main.py raised while loading: KeyError: 'DATABASE_URL' (fix the error in main.py; its stack trace"
                                + " follows)\nTraceback (most recent call last):\n  File \""),
                Arguments.of("main.py", "import left_pad\n",
                        "nubo: main.py cannot be loaded: No module named 'left_pad' (deploy its dependencies with it, e.g."
                                + " pip install -r requirements.txt -t . before nubo deploy)\n"));
    }

    @ParameterizedTest
    @MethodSource("initFailures")
    void exitsWith1AndOneLineSayingWhyWhenTheHandlerCannotBeLoaded(String file, String source, String expected) throws IOException {
        write(file, source);

        try (FunctionProcess fn = start("main.handler")) {
            assertThat(fn.awaitExit(Duration.ofSeconds(10))).isEqualTo(1);
            assertThat(fn.stderr()).startsWith(expected);
            assertThat(fn.stdout()).doesNotContain("ready");
        }
    }

    @Test
    void exits3WhenAnInvocationLoopsPastItsTimeout() throws IOException {
        write("main.py", """
                def handler(event, context):
                    while True:
                        pass
                """);

        assertRecycled();
    }

    @Test
    void exits3WhenAnInvocationSleepsPastItsTimeout() throws IOException {
        write("main.py", """
                import time
                def handler(event, context):
                    time.sleep(3600)
                """);

        assertRecycled();
    }

    private void assertRecycled() throws IOException {
        try (FunctionProcess fn = start("main.handler", Map.of("NUBO_TIMEOUT_MS", "300", "NUBO_RECYCLE_GRACE_MS", "200")).awaitListening()) {
            fn.postAsync("{}", "stuck-1");

            assertThat(fn.awaitExit(Duration.ofSeconds(5))).isEqualTo(3);
            assertThat(fn.stderr()).matches("nubo: invocation stuck-1 still running \\d+ ms after its 300 ms timeout;"
                    + " exiting so that Nubo replaces this instance\n");
        }
    }

    @Test
    void servesManyInvocationsAtOnce() throws IOException {
        write("main.py", """
                import time
                def handler(event, context):
                    time.sleep(0.3)
                    return event["n"]
                """);

        try (FunctionProcess fn = start("main.handler").awaitListening()) {
            long started = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 10)
                    .mapToObj(n -> fn.postAsync("{\"n\":" + n + "}", "n-" + n)).toList();

            assertThat(calls).map(CompletableFuture::join).map(HttpResponse::body)
                    .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void findsTheModuleInAPackageGivenWithSlashesOrDots() throws IOException {
        Files.createDirectories(code.resolve("app"));
        write("app/orders.py", """
                from app import helpers
                def handler(event, context):
                    return helpers.describe(event)
                """);
        write("app/helpers.py", "def describe(event):\n    return {'from': 'app.orders', 'event': event}\n");

        for (String handler : List.of("app/orders.handler", "app.orders.handler")) {
            try (FunctionProcess fn = start(handler).awaitListening()) {
                assertThat(fn.post("{\"a\":[1,true,null]}").body()).isEqualTo("{\"from\":\"app.orders\",\"event\":{\"a\":[1,true,null]}}");
            }
        }
    }

    @Test
    void letsAnInvocationInFlightFinishOnSigterm() throws IOException {
        write("main.py", """
                import time
                def handler(event, context):
                    print("started", flush=True)
                    time.sleep(0.5)
                    return "finished"
                """);

        try (FunctionProcess fn = start("main.handler").awaitListening()) {
            CompletableFuture<HttpResponse<String>> call = fn.postAsync("{}", "drain-1");
            await().atMost(Duration.ofSeconds(5)).until(() -> fn.stdout().contains("started"));

            fn.terminate();

            assertThat(call.join().body()).isEqualTo("\"finished\"");
            assertThat(fn.awaitExit(Duration.ofSeconds(5))).isZero();
        }
    }

    private FunctionProcess start(String handler) throws IOException {
        return start(handler, Map.of());
    }

    private FunctionProcess start(String handler, Map<String, String> env) throws IOException {
        return FunctionProcess.fresh(PYTHON, dir, code, handler, env);
    }

    private void write(String file, String source) throws IOException {
        Files.writeString(code.resolve(file), source);
    }
}
