package dev.nubo.runtimes;

import static dev.nubo.runtimes.FunctionProcess.Shim.NODE;
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

/** The Node shim (nubo-node.mjs) run by a real node, serving functions written into a temporary directory. */
class NodeShimTest {

    @TempDir
    Path dir;

    Path code;

    @BeforeEach
    void createCodeDirectory() throws IOException {
        code = Files.createDirectories(dir.resolve("code"));
    }

    @Test
    void servesAJsonEventAndReturnsTheResultAsJson() throws IOException {
        write("index.mjs", "export const handler = async (event) => ({ greeting: `Hello, ${event.name}!`, cwd: process.cwd() });");

        try (FunctionProcess fn = start("index.handler").awaitListening()) {
            HttpResponse<String> response = fn.post("{\"name\":\"Ada\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body()).isEqualTo("{\"greeting\":\"Hello, Ada!\",\"cwd\":" + json(code) + "}");
            assertThat(fn.stdout()).contains("nubo: index.handler ready on port " + fn.port());
        }
    }

    @Test
    void treatsAnEmptyBodyAsAnEmptyEventAndNoResultAsNull() throws IOException {
        write("index.mjs", "export const handler = async (event) => { if (Object.keys(event).length) throw new Error('not empty'); };");

        try (FunctionProcess fn = start("index.handler").awaitListening()) {
            HttpResponse<String> response = fn.post(" \n");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("null");
        }
    }

    @Test
    void specialisesAPooledProcessFromTheMessageOnStdin() throws IOException {
        write("index.mjs", "export const handler = async () => ({ greeting: process.env.GREETING, cwd: process.cwd(),"
                + " pooled: process.env.NUBO_POOL ?? null });");

        try (FunctionProcess fn = FunctionProcess.pooled(NODE, dir).awaitWarm()) {
            fn.specialise(Map.of("NUBO_WORKDIR", code.toString(), "NUBO_HANDLER", "index.handler", "NUBO_SERVICE", "hello",
                    "NUBO_REVISION", "hello-00002", "GREETING", "a=b\nc"));
            fn.awaitListening();

            assertThat(fn.post("{}").body())
                    .isEqualTo("{\"greeting\":\"a=b\\nc\",\"cwd\":" + json(code) + ",\"pooled\":null}");
            assertThat(fn.stdout()).containsPattern("nubo: pooled node warmed up in \\d+ ms\n")
                    .containsPattern("nubo: specialised as hello/hello-00002 in [\\d.]+ ms \\(pooled, warmed [\\d.]+ s ago\\)");
            assertThat(fn.stderr()).isEmpty();
        }
    }

    @Test
    void exitsQuietlyWhenThePoolClosesBeforeAMessage() throws IOException {
        try (FunctionProcess fn = FunctionProcess.pooled(NODE, dir).awaitWarm()) {
            fn.closeStdin();

            assertThat(fn.awaitExit(Duration.ofSeconds(5))).isZero();
            assertThat(fn.stderr()).isEmpty();
        }
    }

    @Test
    void givesTheHandlerALambdaContext() throws IOException {
        write("index.mjs", """
                export const handler = async (event, context) => ({
                  id: context.awsRequestId, name: context.functionName, version: context.functionVersion,
                  memory: context.memoryLimitInMB, arn: context.invokedFunctionArn, group: context.logGroupName,
                  stream: context.logStreamName, left: context.getRemainingTimeInMillis(),
                  waits: context.callbackWaitsForEmptyEventLoop,
                });
                """);

        try (FunctionProcess fn = start("index.handler").awaitListening()) {
            String body = fn.post("{}", "req-42").body();
            String generated = fn.post("{}").body();

            assertThat(body).startsWith("{\"id\":\"req-42\",\"name\":\"hello\",\"version\":\"hello-00001\",\"memory\":\"256\","
                    + "\"arn\":\"arn:aws:lambda:us-east-1:000000000000:function:hello:hello-00001\",\"group\":\"/nubo/hello\","
                    + "\"stream\":\"hello-00001-x7k2p\",\"left\":").endsWith(",\"waits\":true}");
            assertThat(Integer.parseInt(body.replaceAll(".*\"left\":(\\d+).*", "$1"))).isBetween(1, 5000);
            assertThat(generated).doesNotContain("\"id\":\"\"").doesNotContain("req-42");
        }
    }

    @Test
    void answers500WithTheErrorsTypeAndMessageWhenTheHandlerThrowsAndKeepsServing() throws IOException {
        write("index.mjs", "export const handler = async (event) => { if (event.fail) throw new TypeError('no such order'); return 'ok'; };");

        try (FunctionProcess fn = start("index.handler").awaitListening()) {
            HttpResponse<String> failed = fn.post("{\"fail\":true}", "req-7");

            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).as("Lambda's shape, only the user's frames")
                    .matches("\\{\"errorType\":\"TypeError\",\"errorMessage\":\"no such order\",\"trace\":\\[\"TypeError: no such order\","
                            + "\"    at handler \\(file://[^\"]*/code/index.mjs:1:\\d+\\)\"]}");
            assertThat(fn.post("{}").body()).isEqualTo("\"ok\"");
            assertThat(fn.stderr()).contains("[req-7] nubo: index.handler failed: TypeError: no such order\n[req-7]     at ");
        }
    }

    @Test
    void answers400WhenTheBodyIsNotJsonAnd500WhenTheResultCannotBeEncoded() throws IOException {
        write("index.mjs", "export const handler = async () => ({ big: 10n });");

        try (FunctionProcess fn = start("index.handler").awaitListening()) {
            HttpResponse<String> invalid = fn.post("{\"name\":");
            HttpResponse<String> unencodable = fn.post("{}");

            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(invalid.body()).startsWith("{\"errorType\":\"InvalidInput\",\"errorMessage\":\"request body is not valid JSON: ");
            assertThat(unencodable.statusCode()).isEqualTo(500);
            assertThat(unencodable.body()).isEqualTo("{\"errorType\":\"InvalidOutput\",\"errorMessage\":\"the result of index.handler"
                    + " cannot be encoded as JSON: Do not know how to serialize a BigInt (return a plain object, an array, a string,"
                    + " a number, a boolean or null)\"}");
        }
    }

    static Stream<Arguments> initFailures() {
        return Stream.of(
                Arguments.of("other.mjs", "export const handler = async () => 1;",
                        "nubo: cannot find index.js, index.mjs, index.cjs in "),
                Arguments.of("index.mjs", "export const other = async () => 1;",
                        "nubo: index.mjs exports other but not 'handler' (export it: `export const handler = async (event, context) => {...}`,"
                                + " or `exports.handler = ...` in CommonJS)\n"),
                Arguments.of("index.js", "exports.handler = 'hello';",
                        "nubo: 'handler' exported by index.js is a string, not a function (export a function: "),
                Arguments.of("index.mjs", "throw new Error('DATABASE_URL is not set');",
                        "nubo: index.mjs threw while loading: Error: DATABASE_URL is not set (fix the error in index.mjs;"
                                + " its stack trace follows)\nError: DATABASE_URL is not set\n    at "),
                Arguments.of("index.mjs", "import 'left-pad';",
                        "nubo: index.mjs cannot be loaded: Cannot find package 'left-pad' imported from "));
    }

    @ParameterizedTest
    @MethodSource("initFailures")
    void exitsWith1AndOneLineSayingWhyWhenTheHandlerCannotBeLoaded(String file, String source, String expected) throws IOException {
        write(file, source);

        try (FunctionProcess fn = start("index.handler")) {
            assertThat(fn.awaitExit(Duration.ofSeconds(10))).isEqualTo(1);
            assertThat(fn.stderr()).startsWith(expected);
            assertThat(fn.stdout()).doesNotContain("ready");
        }
    }

    @Test
    void pointsAtTheLineOfASyntaxErrorInAnEsModule() throws IOException {
        write("index.mjs", "export const handler = async () => {\n  return 1 +;\n};\n");

        try (FunctionProcess fn = start("index.handler")) {
            assertThat(fn.awaitExit(Duration.ofSeconds(10))).isEqualTo(1);
            assertThat(fn.stderr()).startsWith("nubo: index.mjs threw while loading: SyntaxError: Unexpected token ';' (fix the"
                    + " error in index.mjs; its stack trace follows)\n" + code.resolve("index.mjs") + ":2\n  return 1 +;\n");
        }
    }

    @Test
    void exits3WhenAnInvocationBlocksTheEventLoopPastItsTimeout() throws IOException {
        write("index.mjs", "export const handler = async () => { while (true) {} };");

        assertRecycled();
    }

    @Test
    void exits3WhenAnInvocationNeverSettles() throws IOException {
        write("index.mjs", "export const handler = () => new Promise(() => {});");

        assertRecycled();
    }

    private void assertRecycled() throws IOException {
        try (FunctionProcess fn = start("index.handler", Map.of("NUBO_TIMEOUT_MS", "300", "NUBO_RECYCLE_GRACE_MS", "200")).awaitListening()) {
            fn.postAsync("{}", "stuck-1");

            assertThat(fn.awaitExit(Duration.ofSeconds(5))).isEqualTo(3);
            assertThat(fn.stderr()).matches("nubo: invocation stuck-1 still running \\d+ ms after its 300 ms timeout;"
                    + " exiting so that Nubo replaces this instance\n");
        }
    }

    @Test
    void servesManyInvocationsAtOnce() throws IOException {
        write("index.mjs", "export const handler = async (event) => { await new Promise((r) => setTimeout(r, 300)); return event.n; };");

        try (FunctionProcess fn = start("index.handler").awaitListening()) {
            long started = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 10)
                    .mapToObj(n -> fn.postAsync("{\"n\":" + n + "}", "n-" + n)).toList();

            assertThat(calls).map(CompletableFuture::join).map(HttpResponse::body)
                    .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void supportsCallbackStyleCommonJsHandlersAsLambdaDoes() throws IOException {
        write("index.js", """
                exports.handler = (event, context, callback) => {
                  setTimeout(() => event.fail ? callback(new RangeError('too far')) : callback(null, { via: 'callback' }), 10);
                };
                """);

        try (FunctionProcess fn = start("index.handler").awaitListening()) {
            assertThat(fn.post("{}").body()).isEqualTo("{\"via\":\"callback\"}");
            assertThat(fn.post("{\"fail\":true}").body()).startsWith("{\"errorType\":\"RangeError\",\"errorMessage\":\"too far\",\"trace\":[");
        }
    }

    @Test
    void findsCommonJsAndEsModulesUnderAPathPrefix() throws IOException {
        Files.createDirectories(code.resolve("src"));
        write("src/app.cjs", "module.exports = { handler: async (event) => ({ from: 'cjs', event }) };");
        write("src/esm.mjs", "export const routes = { orders: async () => ({ from: 'esm' }) };");

        try (FunctionProcess fn = start("src/app.handler").awaitListening()) {
            assertThat(fn.post("{\"a\":[1,true,null]}").body()).isEqualTo("{\"from\":\"cjs\",\"event\":{\"a\":[1,true,null]}}");
        }
        try (FunctionProcess fn = start("src/esm.routes.orders").awaitListening()) {
            assertThat(fn.post("{}").body()).isEqualTo("{\"from\":\"esm\"}");
        }
    }

    @Test
    void letsAnInvocationInFlightFinishOnSigterm() throws IOException {
        write("index.mjs", "export const handler = async () => { console.log('started'); await new Promise((r) => setTimeout(r, 500)); return 'finished'; };");

        try (FunctionProcess fn = start("index.handler").awaitListening()) {
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
        return FunctionProcess.fresh(NODE, dir, code, handler, env);
    }

    private void write(String file, String source) throws IOException {
        Files.writeString(code.resolve(file), source);
    }
}
