package dev.nubo.runtimeapi;

import static dev.nubo.runtimeapi.Caller.HTTP;
import static dev.nubo.runtimeapi.Caller.accepts;
import static dev.nubo.runtimeapi.Caller.answer;
import static dev.nubo.runtimeapi.Caller.invoke;
import static dev.nubo.runtimeapi.Caller.json;
import static dev.nubo.runtimeapi.Caller.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Runtime API spoken directly, with {@link java.net.http.HttpClient} as the runtime, for what the official client never does. */
class RuntimeApiProtocolTest {

    private static final String API = "/2018-06-01/runtime/";
    private static final long LIMIT = 1024;

    private static Vertx vertx;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger stuck = new AtomicInteger();
    private RuntimeApiBridge bridge;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @AfterEach
    void close() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private void open(Duration timeout, Duration stuckGrace) {
        FunctionInfo function = new FunctionInfo("hello", "hello-00002", "hello-00002-a", timeout, 128, LIMIT);
        bridge = RuntimeApiBridge.open(vertx, function, log::add, stuck::incrementAndGet, stuckGrace);
    }

    private void open() {
        open(Duration.ofSeconds(5), RuntimeApiBridge.DEFAULT_STUCK_GRACE);
    }

    private URI api(String path) {
        return URI.create("http://" + bridge.runtimeApiAddress() + API + path);
    }

    private CompletableFuture<HttpResponse<String>> next() {
        return HTTP.sendAsync(HttpRequest.newBuilder(api("invocation/next")).GET().build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api(path)).POST(BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return answer(HTTP.sendAsync(request.build(), BodyHandlers.ofString()));
    }

    /** A runtime's first poll: it opens the invocation port; the returned poll takes the first invocation. */
    private CompletableFuture<HttpResponse<String>> firstPoll() {
        CompletableFuture<HttpResponse<String>> poll = next();
        await().atMost(Duration.ofSeconds(5)).until(() -> accepts(bridge.invocationPort()));
        return poll;
    }

    @Test
    void nextCarriesTheEventAndLambdasHeadersAndTheAnswerGoesToTheCaller() {
        open();
        assertThat(accepts(bridge.invocationPort())).isFalse();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();

        long before = System.currentTimeMillis();
        CompletableFuture<HttpResponse<String>> caller = invoke(bridge, "req-1", "{\"x\":1}",
                "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
                "Lambda-Runtime-Client-Context", "{\"custom\":{\"k\":\"v\"}}",
                "Lambda-Runtime-Cognito-Identity", "{\"cognitoIdentityId\":\"id-1\"}");
        HttpResponse<String> event = answer(poll);
        long after = System.currentTimeMillis();

        assertThat(event.statusCode()).isEqualTo(200);
        assertThat(event.body()).isEqualTo("{\"x\":1}");
        assertThat(event.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).hasValue("req-1");
        assertThat(Long.parseLong(event.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow()))
                .isBetween(before + 5000, after + 5000);
        assertThat(event.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn"))
                .hasValue("arn:aws:lambda:nubo:000000000000:function:hello:hello-00002");
        assertThat(event.headers().firstValue("Lambda-Runtime-Trace-Id"))
                .hasValue("Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=b7ad6b7169203331;Sampled=0");
        assertThat(event.headers().firstValue("Lambda-Runtime-Client-Context")).hasValue("{\"custom\":{\"k\":\"v\"}}");
        assertThat(event.headers().firstValue("Lambda-Runtime-Cognito-Identity")).hasValue("{\"cognitoIdentityId\":\"id-1\"}");
        assertThat(event.headers().firstValue("Content-Type")).hasValue("application/json");

        HttpResponse<String> accepted = post("invocation/req-1/response", "hi there", "Content-Type", "text/plain");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.body()).isEqualTo("{\"status\":\"OK\"}");
        HttpResponse<String> response = answer(caller);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(response.body()).isEqualTo("hi there");
    }

    @Test
    void aPlainRequestIsApiGatewaysHttpEventAndTheAnswerItsResponse() throws Exception {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> caller = plain(bridge, "/orders?id=7&id=8&q=a%20b", "req-http", "",
                "Cookie", "s=1; t=2");

        JsonNode event = Json.mapper().readTree(answer(poll).body());
        assertThat(event.get("version").asText()).isEqualTo("2.0");
        assertThat(event.get("rawPath").asText()).isEqualTo("/orders");
        assertThat(event.get("rawQueryString").asText()).isEqualTo("id=7&id=8&q=a%20b");
        assertThat(event.get("queryStringParameters")).isEqualTo(Json.mapper().readTree("{\"id\":\"7,8\",\"q\":\"a b\"}"));
        assertThat(event.get("cookies")).isEqualTo(Json.mapper().readTree("[\"s=1\",\"t=2\"]"));
        assertThat(event.get("headers").get("x-request-id").asText()).isEqualTo("req-http");
        assertThat(event.get("headers").has("cookie")).isFalse();
        assertThat(event.get("requestContext").get("http").get("method").asText()).isEqualTo("POST");
        assertThat(event.get("requestContext").get("http").get("sourceIp").asText()).isEqualTo("10.0.0.7");
        assertThat(event.get("requestContext").get("requestId").asText()).isEqualTo("req-http");
        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();

        assertThat(post("invocation/req-http/response", """
                {"statusCode":201,"headers":{"X-A":"b"},"cookies":["a=1; Path=/"],"body":"aGk=","isBase64Encoded":true}""")
                .statusCode()).isEqualTo(202);
        HttpResponse<String> response = answer(caller);
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("x-a")).hasValue("b");
        assertThat(response.headers().allValues("set-cookie")).containsExactly("a=1; Path=/");
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("hi");
    }

    @Test
    void aBinaryBodyIsBase64AndABareAnswerA200JsonBody() throws Exception {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> caller = HTTP.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + bridge.invocationPort() + "/up")).header("X-Request-Id", "req-bin")
                .header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0, 1})).build(), BodyHandlers.ofString());

        JsonNode event = Json.mapper().readTree(answer(poll).body());
        assertThat(event.get("body").asText()).isEqualTo("/wAB");
        assertThat(event.get("isBase64Encoded").asBoolean()).isTrue();
        assertThat(event.get("requestContext").get("http").get("method").asText()).isEqualTo("POST");

        assertThat(post("invocation/req-bin/response", "\"stored\"").statusCode()).isEqualTo(202);
        HttpResponse<String> response = answer(caller);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).as("a JSON string's text, as API Gateway answers it").isEqualTo("stored");
    }

    @Test
    void aTriggersDeliveryIsTheWholeCloudEventWithItsAttributesDecoded() throws Exception {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> caller = HTTP.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + bridge.invocationPort() + "/")).header("X-Request-Id", "req-ce")
                .header("Nubo-Event", "cloudevent").header("ce-specversion", "1.0").header("ce-id", "e1")
                .header("ce-source", "/orders").header("ce-type", "order.placed").header("ce-price", "%E2%82%AC5")
                .header("Content-Type", "text/plain").POST(BodyPublishers.ofString("hi")).build(), BodyHandlers.ofString());

        assertThat(Json.mapper().readTree(answer(poll).body())).isEqualTo(Json.mapper().readTree("""
                {"specversion":"1.0","id":"e1","source":"/orders","type":"order.placed","price":"€5",
                 "datacontenttype":"text/plain","data":"hi"}"""));
        assertThat(post("invocation/req-ce/response", "{}").statusCode()).isEqualTo(202);
        assertThat(answer(caller).statusCode()).isEqualTo(200);
    }

    @Test
    void aCallerWithoutIdOrTraceGetsAFreshIdAndAnUnsampledTrace() {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        HttpRequest plain = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.invocationPort() + "/any/path?q=1"))
                .method("PUT", BodyPublishers.ofString("{}")).build();
        CompletableFuture<HttpResponse<String>> caller = HTTP.sendAsync(plain, BodyHandlers.ofString());

        HttpResponse<String> event = answer(poll);
        String id = event.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(event.headers().firstValue("Lambda-Runtime-Trace-Id").orElseThrow())
                .matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0");
        assertThat(event.headers().map()).doesNotContainKeys("lambda-runtime-client-context", "lambda-runtime-cognito-identity");

        assertThat(post("invocation/" + id + "/response", "{\"ok\":true}").statusCode()).isEqualTo(202);
        HttpResponse<String> response = answer(caller);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void anAnswerForAnUnknownOrAlreadyAnsweredIdIs400InvalidRequestId() {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> caller = invoke(bridge, "req-1", "{}");
        answer(poll);

        HttpResponse<String> unknown = post("invocation/req-nope/response", "{}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(unknown.body()).getString("errorType")).isEqualTo("InvalidRequestID");
        assertThat(unknown.headers().firstValue("content-type")).hasValue("application/json");

        assertThat(post("invocation/req-1/response", "{\"n\":1}").statusCode()).isEqualTo(202);
        HttpResponse<String> again = post("invocation/req-1/error", "{\"errorMessage\":\"late\",\"errorType\":\"X\"}");
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(again.body()).getString("errorType")).isEqualTo("InvalidRequestID");
        assertThat(answer(caller).body()).isEqualTo("{\"n\":1}");
        assertThat(log).contains("[runtime-api] the runtime sent a response for request id 'req-nope', which no invocation"
                + " waits for (unknown, or already answered): 400 InvalidRequestID");
    }

    @Test
    void aResponseOverTheLimitIs413ForTheRuntimeAnd502ForTheCaller() {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> caller = invoke(bridge, "req-big", "{}");
        answer(poll);

        HttpResponse<String> refused = post("invocation/req-big/response", "x".repeat((int) LIMIT + 1));
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(refused.body()).getMap())
                .containsEntry("errorType", "RequestEntityTooLarge")
                .containsEntry("errorMessage", "Exceeded maximum allowed payload size (1024 bytes).");
        HttpResponse<String> response = answer(caller);
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(json(response).getJsonObject("error").getString("type")).isEqualTo("ResponseTooLarge");
        assertThat(json(response).getJsonObject("error").getString("message")).contains("limit of 1024 bytes");

        // exactly at the limit is fine, and the connection kept working
        CompletableFuture<HttpResponse<String>> poll2 = next();
        CompletableFuture<HttpResponse<String>> caller2 = invoke(bridge, "req-fits", "{}");
        answer(poll2);
        assertThat(post("invocation/req-fits/response", "y".repeat((int) LIMIT)).statusCode()).isEqualTo(202);
        assertThat(answer(caller2).body()).hasSize((int) LIMIT);
        assertThat(bridge.liveInvocations()).isZero();
    }

    @Test
    void aReportedErrorIs500ForTheCallerWithItsStackOnlyInTheLog() {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> caller = plain(bridge, "/", "req-err", "{}");
        answer(poll);

        HttpResponse<String> accepted = post("invocation/req-err/error",
                "{\"errorMessage\":\"bad input\",\"errorType\":\"InputError\",\"stackTrace\":[\"app.Main.run(Main.java:7)\"]}",
                "Lambda-Runtime-Function-Error-Type", "Runtime.UserException");
        assertThat(accepted.statusCode()).isEqualTo(202);
        HttpResponse<String> response = answer(caller);
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).as("Lambda's shape; the stack only for the server's own callers")
                .isEqualTo("{\"errorMessage\":\"bad input\",\"errorType\":\"InputError\"}");
        assertThat(log).containsSubsequence("[runtime-api] invocation req-err failed: InputError: bad input",
                "[runtime-api]     at app.Main.run(Main.java:7)");

        // a body that is not JSON: the header's type, the body as the message
        CompletableFuture<HttpResponse<String>> poll2 = next();
        CompletableFuture<HttpResponse<String>> caller2 = invoke(bridge, "req-err2", "{}");
        answer(poll2);
        post("invocation/req-err2/error", "segfault", "Lambda-Runtime-Function-Error-Type", "Runtime.ExitError");
        assertThat(json(answer(caller2)).getMap())
                .containsEntry("errorType", "Runtime.ExitError").containsEntry("errorMessage", "segfault");
    }

    @Test
    void anInitErrorIsAcceptedAndRememberedAsTypeAndMessage() {
        open();
        HttpResponse<String> accepted = post("init/error", "{\"errorMessage\":\"cannot load app.py\",\"errorType\":\"Runtime.ImportModuleError\"}",
                "Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError");

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(bridge.initError()).hasValue("Runtime.ImportModuleError: cannot load app.py");
        assertThat(log).contains("[runtime-api] the runtime failed to initialise: Runtime.ImportModuleError: cannot load app.py");
        assertThat(accepts(bridge.invocationPort())).isFalse();
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405WithAJsonBody() {
        open();
        HttpResponse<String> unknown = answer(HTTP.sendAsync(HttpRequest.newBuilder(api("restore/next")).build(),
                BodyHandlers.ofString()));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(unknown.body()).getString("errorType")).isEqualTo("NotFound");

        HttpResponse<String> wrongMethod = post("invocation/next", "{}");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("GET");
        assertThat(new JsonObject(wrongMethod.body()).getString("errorType")).isEqualTo("MethodNotAllowed");

        HttpResponse<String> getResponse = answer(HTTP.sendAsync(HttpRequest.newBuilder(api("invocation/x/response")).build(),
                BodyHandlers.ofString()));
        assertThat(getResponse.statusCode()).isEqualTo(405);
        assertThat(accepts(bridge.invocationPort())).as("only /next means initialised").isFalse();
    }

    @Test
    void aCallerThatHangsUpWhileQueuedIsNeverDelivered() throws IOException {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> busy = invoke(bridge, "req-busy", "{}");
        answer(poll);
        Socket gone = rawInvocation("req-gone");
        await().atMost(Duration.ofSeconds(5)).until(() -> bridge.liveInvocations() == 2);
        gone.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> bridge.liveInvocations() == 1);
        CompletableFuture<HttpResponse<String>> later = invoke(bridge, "req-later", "{}");

        post("invocation/req-busy/response", "{}");
        HttpResponse<String> event = answer(next());
        assertThat(event.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).hasValue("req-later");
        post("invocation/req-later/response", "{\"later\":true}");
        assertThat(answer(later).body()).isEqualTo("{\"later\":true}");
        assertThat(answer(busy).statusCode()).isEqualTo(200);
        assertThat(bridge.liveInvocations()).isZero();
    }

    @Test
    void aLateAnswerAfterTheCallerHungUpIsAcceptedAndDropped() throws IOException {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        Socket gone = rawInvocation("req-gone");
        assertThat(answer(poll).headers().firstValue("Lambda-Runtime-Aws-Request-Id")).hasValue("req-gone");
        gone.close();

        assertThat(post("invocation/req-gone/response", "{}").statusCode()).isEqualTo(202);
        assertThat(bridge.liveInvocations()).isZero();
    }

    @Test
    void atTheDeadlineCallersGet504AndARuntimeThatNeverAnswersIsStuckOnce() {
        open(Duration.ofMillis(400), Duration.ofMillis(200));
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> delivered = invoke(bridge, "req-held", "{}");
        answer(poll);
        CompletableFuture<HttpResponse<String>> queued = invoke(bridge, "req-queued", "{}");

        for (HttpResponse<String> response : List.of(answer(delivered), answer(queued))) {
            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(json(response).getJsonObject("error").getString("type")).isEqualTo("Timeout");
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> stuck.get() == 1);
        assertThat(bridge.liveInvocations()).as("the stuck one, still in the runtime's hands").isEqualTo(1);

        assertThat(post("invocation/req-held/response", "{}").statusCode()).isEqualTo(202);
        assertThat(post("invocation/req-queued/response", "{}").statusCode()).as("never delivered").isEqualTo(400);
        assertThat(bridge.liveInvocations()).isZero();
        assertThat(stuck.get()).isEqualTo(1);
    }

    @Test
    void aStreamedResponseReachesTheCallerAsTheRuntimeWritesIt() throws Exception {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        HttpRequest invocation = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.invocationPort() + "/"))
                .header("X-Request-Id", "req-stream").POST(BodyPublishers.ofString("{}")).build();
        CompletableFuture<HttpResponse<InputStream>> caller = HTTP.sendAsync(invocation, BodyHandlers.ofInputStream());
        answer(poll);

        // a raw socket as the runtime, so that each chunk goes out when the test says
        try (Socket runtime = new Socket("127.0.0.1", runtimeApiPort())) {
            runtime.setSoTimeout(10_000);
            OutputStream upload = runtime.getOutputStream();
            upload.write(("POST " + API + "invocation/req-stream/response HTTP/1.1\r\nHost: runtime\r\n"
                    + "Lambda-Runtime-Function-Response-Mode: streaming\r\nContent-Type: text/event-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunk("data: one\n\n")).getBytes(StandardCharsets.US_ASCII));
            upload.flush();

            HttpResponse<InputStream> response = answer(caller);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
            InputStream body = response.body();
            assertThat(answer(CompletableFuture.supplyAsync(() -> readN(body, 11)))).isEqualTo("data: one\n\n");

            upload.write((chunk("data: two\n\n") + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            upload.flush();
            assertThat(answer(CompletableFuture.supplyAsync(() -> readN(body, Integer.MAX_VALUE)))).isEqualTo("data: two\n\n");
            String accepted = new String(runtime.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(accepted).isEqualTo("HTTP/1.1 202");
        }
        assertThat(bridge.liveInvocations()).isZero();
    }

    private int runtimeApiPort() {
        return Integer.parseInt(bridge.runtimeApiAddress().substring("127.0.0.1:".length()));
    }

    private static String chunk(String data) {
        return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
    }

    private static String readN(InputStream in, int n) {
        try {
            return new String(in.readNBytes(n), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void runtimeGoneFailsEveryInvocationHangsUpOnItsPollsAndClosesThePortUntilTheNextRuntimePolls() throws IOException {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> delivered = invoke(bridge, "req-1", "{}");
        answer(poll);
        // a raw socket, because HttpClient would retry the GET when the bridge hangs up on it
        try (Socket orphanPoll = new Socket("127.0.0.1", runtimeApiPort())) {
            orphanPoll.setSoTimeout(5_000);
            orphanPoll.getOutputStream().write(("GET " + API + "invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(5)).until(() -> bridge.waitingPolls() == 1);

            bridge.runtimeGone();

            assertThat(orphanPoll.getInputStream().read()).as("the poll of the gone runtime is hung up on").isEqualTo(-1);
        }
        HttpResponse<String> failed = answer(delivered);
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(json(failed).getJsonObject("error").getString("type")).isEqualTo("RuntimeExited");
        assertThat(accepts(bridge.invocationPort())).isFalse();
        assertThat(log).contains("[runtime-api] the runtime exited with 1 invocation(s) unanswered; their callers got 502");
        assertThat(post("invocation/req-1/response", "{}").statusCode()).isEqualTo(400);
        assertThat(bridge.liveInvocations()).isZero();
        assertThat(bridge.waitingPolls()).isZero();

        CompletableFuture<HttpResponse<String>> restarted = firstPoll();
        CompletableFuture<HttpResponse<String>> fresh = invoke(bridge, "req-2", "{}");
        assertThat(answer(restarted).headers().firstValue("Lambda-Runtime-Aws-Request-Id")).hasValue("req-2");
        post("invocation/req-2/response", "{}");
        assertThat(answer(fresh).statusCode()).isEqualTo(200);
    }

    @Test
    void closeFailsPendingInvocationsAndFreesBothPorts() {
        open();
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> delivered = invoke(bridge, "req-1", "{}");
        answer(poll);
        int runtimeApiPort = runtimeApiPort();

        bridge.close();

        HttpResponse<String> response = answer(delivered);
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(json(response).getJsonObject("error").getString("type")).isEqualTo("InstanceStopped");
        assertThat(accepts(bridge.invocationPort())).isFalse();
        assertThat(accepts(runtimeApiPort)).isFalse();
    }

    @Test
    void aBridgeOwnsAnEventLoopAsAVertxDeploymentOfItsOwnUntilClosed() {
        Set<String> before = Set.copyOf(vertx.deploymentIDs());
        open();
        assertThat(vertx.deploymentIDs()).hasSize(before.size() + 1).containsAll(before);

        bridge.close();

        assertThat(vertx.deploymentIDs()).isEqualTo(before);
    }

    @Test
    void closingVertxClosesTheBridgeAsCloseDoes() {
        Vertx own = Vertx.vertx();
        bridge = RuntimeApiBridge.open(own, new FunctionInfo("hello", "hello-00002", "hello-00002-a", Duration.ofSeconds(5),
                128, LIMIT), log::add, stuck::incrementAndGet);
        CompletableFuture<HttpResponse<String>> poll = firstPoll();
        CompletableFuture<HttpResponse<String>> delivered = invoke(bridge, "req-1", "{}");
        answer(poll);
        int runtimeApiPort = runtimeApiPort();

        own.close().await();

        HttpResponse<String> response = answer(delivered);
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(json(response).getJsonObject("error").getString("type")).isEqualTo("InstanceStopped");
        assertThat(accepts(bridge.invocationPort())).isFalse();
        assertThat(accepts(runtimeApiPort)).isFalse();
    }

    /** An invocation from a caller that can hang up at will: a raw socket. */
    private Socket rawInvocation(String requestId) throws IOException {
        Socket socket = new Socket("127.0.0.1", bridge.invocationPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST / HTTP/1.1\r\nHost: instance\r\nX-Request-Id: " + requestId
                + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }
}
