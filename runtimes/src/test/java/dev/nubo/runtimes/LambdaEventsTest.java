package dev.nubo.runtimes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The events a Lambda-style Node or Python function gets from each source, and what becomes of its
 * answer, the same in both runtimes (and as the Java host does it): a request to the URL is API
 * Gateway's HTTP event (payload format 2.0) with the answer mapped back; a trigger's CloudEvent is its
 * whole JSON envelope; log lines carry the request id; the X-Ray trace follows the W3C traceparent.
 */
class LambdaEventsTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String XRAY = "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1";

    /** Echoes the event; over HTTP as the body of a 201 with cookies and the trace id, or bare for /bare and /text. */
    private static final Map<FunctionProcess.Shim, String[]> HANDLERS = Map.of(
            FunctionProcess.Shim.NODE, new String[] {"index.mjs", "index.handler", """
                    export const handler = async (event, context) => {
                      console.log('seen', event.rawPath ?? event.type);
                      if (event.rawPath === '/bare') return { hello: 1 };
                      if (event.rawPath === '/text') return 'plain words';
                      if (!event.rawPath) return event;
                      return { statusCode: 201, headers: { 'Content-Type': 'application/json', 'X-Trace': process.env._X_AMZN_TRACE_ID },
                        cookies: ['a=1; Path=/', 'b=2'], body: JSON.stringify(event) };
                    };
                    """},
            FunctionProcess.Shim.PYTHON, new String[] {"main.py", "main.handler", """
                    import json, logging, os
                    logger = logging.getLogger()
                    def handler(event, context):
                        logger.info('seen %s', event.get('rawPath') or event.get('type'))
                        if event.get('rawPath') == '/bare':
                            return {'hello': 1}
                        if event.get('rawPath') == '/text':
                            return 'plain words'
                        if not event.get('rawPath'):
                            return event
                        return {'statusCode': 201, 'headers': {'Content-Type': 'application/json', 'X-Trace': os.environ['_X_AMZN_TRACE_ID']},
                                'cookies': ['a=1; Path=/', 'b=2'], 'body': json.dumps(event)}
                    """});

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(FunctionProcess.Shim.class)
    void httpRequestIsPayloadFormat2AndTheStructuredAnswerIsTheResponse(FunctionProcess.Shim shim) throws Exception {
        try (FunctionProcess fn = start(shim)) {
            HttpResponse<String> response = fn.send(fn.request("/orders/7?b=2&a=1&a=x%20y").header("X-Request-Id", "req-h")
                    .header("Cookie", "s=1; t=2").header("X-Forwarded-For", "203.0.113.9, 127.0.0.1").header("traceparent", TRACEPARENT)
                    .header("Content-Type", "text/plain").POST(BodyPublishers.ofString("hello")));

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.headers().allValues("set-cookie")).containsExactly("a=1; Path=/", "b=2");
            assertThat(response.headers().firstValue("x-trace")).hasValue(XRAY);
            JsonNode event = Json.mapper().readTree(response.body());
            assertThat(event.get("version").asText()).isEqualTo("2.0");
            assertThat(event.get("routeKey").asText()).isEqualTo("$default");
            assertThat(event.get("rawPath").asText()).isEqualTo("/orders/7");
            assertThat(event.get("rawQueryString").asText()).isEqualTo("b=2&a=1&a=x%20y");
            assertThat(event.get("queryStringParameters")).isEqualTo(Json.mapper().readTree("{\"b\":\"2\",\"a\":\"1,x y\"}"));
            assertThat(event.get("cookies")).isEqualTo(Json.mapper().readTree("[\"s=1\",\"t=2\"]"));
            assertThat(event.get("headers").get("content-type").asText()).isEqualTo("text/plain");
            assertThat(event.get("headers").has("cookie")).isFalse();
            JsonNode context = event.get("requestContext");
            assertThat(context.get("http").get("method").asText()).isEqualTo("POST");
            assertThat(context.get("http").get("path").asText()).isEqualTo("/orders/7");
            assertThat(context.get("http").get("sourceIp").asText()).isEqualTo("127.0.0.1");
            assertThat(context.get("requestId").asText()).isEqualTo("req-h");
            assertThat(context.get("apiId").asText()).isEqualTo("hello");
            assertThat(context.get("time").asText()).matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
            assertThat(event.get("body").asText()).isEqualTo("hello");
            assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(FunctionProcess.Shim.class)
    void binaryBodyIsBase64AndABareAnswerIsA200JsonBody(FunctionProcess.Shim shim) throws Exception {
        try (FunctionProcess fn = start(shim)) {
            HttpResponse<String> binary = fn.send(fn.request("/bin").header("Content-Type", "application/octet-stream")
                    .POST(BodyPublishers.ofByteArray(new byte[] {0, 1, (byte) 0xff})));
            HttpResponse<String> bare = fn.send(fn.request("/bare").GET());
            HttpResponse<String> text = fn.send(fn.request("/text").GET());

            JsonNode event = Json.mapper().readTree(binary.body());
            assertThat(event.get("body").asText()).isEqualTo(Base64.getEncoder().encodeToString(new byte[] {0, 1, (byte) 0xff}));
            assertThat(event.get("isBase64Encoded").asBoolean()).isTrue();
            assertThat(bare.statusCode()).isEqualTo(200);
            assertThat(bare.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(bare.body()).isEqualTo("{\"hello\":1}");
            assertThat(text.body()).as("a string is the body itself").isEqualTo("plain words");
        }
    }

    @ParameterizedTest
    @EnumSource(FunctionProcess.Shim.class)
    void triggerDeliveryIsTheWholeCloudEventWithItsAttributesDecoded(FunctionProcess.Shim shim) throws Exception {
        try (FunctionProcess fn = start(shim)) {
            HttpResponse<String> json = fn.send(cloudEvent(fn).header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofString("{\"n\":1}")));
            HttpResponse<String> text = fn.send(cloudEvent(fn).header("Content-Type", "text/plain").POST(BodyPublishers.ofString("hi")));
            HttpResponse<String> bytes = fn.send(cloudEvent(fn).header("Content-Type", "application/octet-stream")
                    .POST(BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0})));

            assertThat(Json.mapper().readTree(json.body())).isEqualTo(Json.mapper().readTree("""
                    {"specversion":"1.0","id":"e1","source":"/shop","type":"order.created","price":"€5","rate":"100%41",
                     "datacontenttype":"application/json","data":{"n":1}}"""));
            assertThat(Json.mapper().readTree(text.body()).get("data").asText()).isEqualTo("hi");
            assertThat(Json.mapper().readTree(bytes.body()).get("data_base64").asText()).isEqualTo("/wA=");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fn.stdout())
                    .as("log lines carry the request id, in each runtime's Lambda format")
                    .containsPattern(shim == FunctionProcess.Shim.NODE ? "\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\tev-1\\tINFO\\tseen order.created\\n"
                            : "\\[INFO]\\t\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\tev-1\\tseen order.created\\n"));
        }
    }

    private static java.net.http.HttpRequest.Builder cloudEvent(FunctionProcess fn) {
        return fn.request("/").header("Nubo-Event", "cloudevent").header("X-Request-Id", "ev-1").header("ce-specversion", "1.0")
                .header("ce-id", "e1").header("ce-source", "/shop").header("ce-type", "order.created")
                .header("ce-price", "%E2%82%AC5").header("ce-rate", "100%2541");
    }

    private FunctionProcess start(FunctionProcess.Shim shim) throws IOException {
        String[] handler = HANDLERS.get(shim);
        Path code = Files.createDirectories(dir.resolve("code"));
        Files.writeString(code.resolve(handler[0]), handler[2]);
        return FunctionProcess.fresh(shim, dir, code, handler[1], Map.of()).awaitListening();
    }
}
