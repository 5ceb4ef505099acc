package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lambda-style functions and CloudEvents against the packaged server (docs/LAMBDA.md): the event a
 * Node, Python or Java function (examples/hello-lambda-http, a jar with lib/*.jar as Lambda packages
 * Java) gets from each source (HTTP through the gateway, {@code nubo invoke}, a trigger), the Lambda
 * variables and trace it sees, and CloudEvents conformance cases (1.0 and 0.3, binary and
 * structured, extensions with non-ASCII and '%') sent with the official JavaScript and Java SDKs by a
 * producer holding only a broker's producer token, delivered to a plain app and to a Lambda-style
 * function.
 */
class LambdaCompatibilityTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final List<String> LAMBDA_VARIABLES = List.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "_HANDLER", "LAMBDA_TASK_ROOT", "_X_AMZN_TRACE_ID");

    @TempDir
    static Path home;

    @TempDir
    static Path apps;

    static TestNubo nubo;
    static Path received;

    @BeforeAll
    static void start() throws Exception {
        // Unsandboxed: the functions report what they received by appending to a file of this test's.
        nubo = TestNubo.start(home, "--pool-size", "1", "--sandbox", "off");
        received = apps.resolve("received.jsonl");
        String variables = String.join("', '", LAMBDA_VARIABLES);
        deploy(TestNubo.app(apps, "lambda-node", """
                name: lambda-node
                runtime: node
                handler: index.handler
                env: {OUT: %s}
                """.formatted(received), Map.of("index.mjs", """
                import fs from 'node:fs';
                export const handler = async (event, context) => {
                  if (event.specversion) { fs.appendFileSync(process.env.OUT, JSON.stringify(event) + '\\n'); return {}; }
                  if (event.env) return Object.fromEntries(['%s'].map((k) => [k, process.env[k] ?? null]));
                  console.log('http', event.rawPath);
                  return { statusCode: 201, headers: { 'Content-Type': 'application/json' }, cookies: ['a=1; Path=/'],
                    body: JSON.stringify({ path: event.rawPath, query: event.queryStringParameters, cookies: event.cookies,
                      method: event.requestContext.http.method }) };
                };
                """.formatted(variables))));
        deploy(TestNubo.app(apps, "lambda-python", """
                name: lambda-python
                runtime: python
                handler: main.handler
                env: {AWS_REGION: eu-west-1}
                """, Map.of("main.py", """
                import json, logging, os
                logger = logging.getLogger()
                def handler(event, context):
                    if event.get('env'):
                        logger.info('env asked')
                        return {k: os.environ.get(k) for k in ['%s']}
                    if event.get('boto3'):
                        try:
                            import boto3
                        except ImportError:
                            return {'boto3': None}
                        # What AWS's blank-python sample does at import, and where it met NoRegionError.
                        return {'boto3': boto3.client('lambda').meta.region_name}
                    return {'statusCode': 201, 'headers': {'Content-Type': 'application/json'}, 'cookies': ['a=1; Path=/'],
                            'body': json.dumps({'path': event['rawPath'], 'query': event.get('queryStringParameters'),
                                                'cookies': event.get('cookies'), 'method': event['requestContext']['http']['method']})}
                """.formatted(variables))));
        deploy(TestNubo.example("hello-lambda-http"));
        deploy(TestNubo.app(apps, "ce-sink", """
                name: ce-sink
                runtime: process
                command: [node, sink.js]
                scale: {min: 1, max: 1}
                """, Map.of("sink.js", """
                const seen = [];
                require('node:http').createServer((req, res) => {
                  if (req.method === 'GET') { res.setHeader('Content-Type', 'application/json'); res.end(JSON.stringify(seen)); return; }
                  const chunks = [];
                  req.on('data', (c) => chunks.push(c));
                  req.on('end', () => { seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('base64') }); res.end(); });
                }).listen(process.env.PORT, '127.0.0.1');
                """)));
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    @Test
    void httpRequestsAreApiGatewaysHttpEventAndTheAnswerTheResponse() throws Exception {
        for (String service : List.of("lambda-node", "lambda-python", "hello-lambda-http")) {
            HttpResponse<String> r = nubo.send(service, "/orders?id=7&id=8", HttpRequest.newBuilder().GET(), Map.of("Cookie", "s=1; t=2"));

            assertThat(r.statusCode()).as(service + ": " + r.body()).isEqualTo(201);
            assertThat(r.headers().allValues("set-cookie")).containsExactly("a=1; Path=/");
            assertThat(Json.mapper().readTree(r.body())).isEqualTo(Json.mapper().readTree(
                    "{\"path\":\"/orders\",\"query\":{\"id\":\"7,8\"},\"cookies\":[\"s=1\",\"t=2\"],\"method\":\"GET\"}"));
        }
    }

    @Test
    void functionsSeeLambdasVariablesAndAnInvocationsTrace() throws Exception {
        for (String service : List.of("lambda-node", "lambda-python")) {
            HttpResponse<String> r = nubo.invoke(service, "{\"env\":true}", Map.of("traceparent", TRACEPARENT, "X-Request-Id", "req-" + service));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode env = Json.mapper().readTree(r.body());
            String region = service.equals("lambda-python") ? "eu-west-1" : "us-east-1";
            assertThat(env.get("AWS_REGION").asText()).isEqualTo(region);
            assertThat(env.get("AWS_DEFAULT_REGION").asText()).isEqualTo(region);
            assertThat(env.get("AWS_LAMBDA_FUNCTION_NAME").asText()).isEqualTo(service);
            assertThat(env.get("AWS_LAMBDA_FUNCTION_VERSION").asText()).isEqualTo(service + "-00001");
            assertThat(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asText()).isEqualTo("256");
            assertThat(env.get("AWS_LAMBDA_LOG_GROUP_NAME").asText()).isEqualTo("/nubo/" + service);
            assertThat(env.get("AWS_LAMBDA_LOG_STREAM_NAME").asText()).startsWith(service + "-00001-");
            assertThat(env.get("_HANDLER").asText()).isIn("index.handler", "main.handler");
            assertThat(Path.of(env.get("LAMBDA_TASK_ROOT").asText())).isDirectory();
            assertThat(env.get("_X_AMZN_TRACE_ID").asText()).as("the caller's trace, continued by the gateway")
                    .matches("Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=[0-9a-f]{16};Sampled=1");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(nubo.nubo("logs", "lambda-python").out())
                .as("Python's logger.info is kept, with the request id").containsPattern("\\[INFO]\\t\\S+\\treq-lambda-python\\tenv asked"));
    }

    @Test
    void awsOwnPythonSdkFindsItsRegion() throws Exception {
        JsonNode r = Json.mapper().readTree(nubo.invoke("lambda-python", "{\"boto3\":true}", Map.of()).body());

        assumeTrue(!r.get("boto3").isNull(), "boto3 is not installed for this machine's python3");
        assertThat(r.get("boto3").asText()).as("a client made as AWS's samples make it, without NoRegionError").isEqualTo("eu-west-1");
    }

    @Test
    void aJavaHandlerPackagedAsOnLambdaSeesLambdasVariablesAndTheTraceInItsContext() throws Exception {
        HttpResponse<String> r = nubo.send("hello-lambda-http", "/env", HttpRequest.newBuilder().GET(), Map.of("traceparent", TRACEPARENT));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode env = Json.mapper().readTree(r.body());
        assertThat(env.get("AWS_REGION").asText()).isEqualTo("us-east-1");
        assertThat(env.get("AWS_DEFAULT_REGION").asText()).isEqualTo("us-east-1");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_NAME").asText()).isEqualTo("hello-lambda-http");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_VERSION").asText()).isEqualTo("hello-lambda-http-00001");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asText()).isEqualTo("256");
        assertThat(env.get("AWS_LAMBDA_LOG_GROUP_NAME").asText()).isEqualTo("/nubo/hello-lambda-http");
        assertThat(env.get("AWS_LAMBDA_LOG_STREAM_NAME").asText()).startsWith("hello-lambda-http-00001-");
        assertThat(env.get("_HANDLER").asText()).isEqualTo("dev.nubo.examples.http.Orders::handleRequest");
        assertThat(Path.of(env.get("LAMBDA_TASK_ROOT").asText()).resolve("target/lib")).as("lib/*.jar beside the jar").isDirectory();
        String trace = "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=[0-9a-f]{16};Sampled=1";
        assertThat(env.get("xrayTraceId").asText()).as("the caller's trace in the Context").matches(trace);
        assertThat(env.get("xraySystemProperty").asText()).as("and for the X-Ray SDK").isEqualTo(env.get("xrayTraceId").asText());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(nubo.nubo("logs", "hello-lambda-http").out())
                .as("LambdaLogger lines carry the request id").containsPattern("\\[[0-9a-f]{32}] http GET /env"));
    }

    @Test
    void cloudEventsFromTheOfficialSdksArriveWholeWithAProducerToken() throws Exception {
        assertThat(nubo.api("PUT", "/v1/brokers/conf", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody()).statusCode())
                .isIn(200, 201);
        TestNubo.CliResult issued = nubo.nubo("broker", "token", "conf");
        assertThat(issued.exitCode()).as(issued.toString()).isZero();
        String token = issued.out().strip();
        assertThat(token).startsWith("nubo_pt_");
        for (String target : List.of("ce-sink", "lambda-node")) {
            HttpResponse<String> trigger = nubo.api("POST", "/v1/triggers", nubo.server().adminToken(), HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\"conf-" + target + "\",\"broker\":\"conf\",\"to\":\"" + target + "\"}"), "application/json");
            assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(201);
        }
        String ingest = nubo.server().apiUrl() + "/v1/brokers/conf/events";

        assertThat(post(ingest, "Bearer " + token + "x", Map.of(), "{}").statusCode()).as("a wrong token").isEqualTo(401);
        assertThat(post(nubo.server().apiUrl() + "/v1/brokers/default/events", "Bearer " + token, Map.of(), "{}").statusCode())
                .as("another broker's token").isEqualTo(401);
        assertThat(nubo.api("GET", "/v1/services", token, HttpRequest.BodyPublishers.noBody()).statusCode())
                .as("a producer token is no admin token").isEqualTo(401);

        List<String> ids = new ArrayList<>(sendWithJavaScriptSdk(ingest, token));
        ids.addAll(sendWithJavaSdk(ingest, token));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sinkSeen().keySet()).containsAll(ids));
        Map<String, JsonNode> sink = sinkSeen();
        for (String id : ids) {
            JsonNode headers = sink.get(id).get("headers");
            assertThat(headers.get("ce-specversion").asText()).as(id + ": stored and delivered as 1.0").isEqualTo("1.0");
            assertThat(headers.get("ce-price").asText()).as(id + ": percent-encoded on the wire").isEqualTo("%E2%82%AC5");
            assertThat(headers.get("ce-rate").asText()).as(id).isEqualTo("100%2541");
            if (id.contains("-03-")) {
                assertThat(headers.get("ce-dataschema").asText()).as(id + ": 0.3's schemaurl").isEqualTo("https://example.com/s");
                assertThat(headers.has("ce-schemaurl")).isFalse();
            }
        }
        assertThat(Base64.getDecoder().decode(sink.get("js-10-binary-text").get("body").asText())).asString().isEqualTo("hi");
        assertThat(Base64.getDecoder().decode(sink.get("js-10-binary-bytes").get("body").asText())).containsExactly(255, 0, 1);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lambdaSeen().keySet()).containsAll(ids));
        Map<String, JsonNode> lambda = lambdaSeen();
        for (String id : ids) {
            JsonNode event = lambda.get(id);
            assertThat(event.get("specversion").asText()).isEqualTo("1.0");
            assertThat(event.get("price").asText()).as(id + ": the whole envelope, attributes decoded").isEqualTo("€5");
            assertThat(event.get("rate").asText()).as(id).isEqualTo("100%41");
            assertThat(event.get("type").asText()).isEqualTo("conformance");
        }
        assertThat(lambda.get("js-10-binary").get("data")).isEqualTo(Json.mapper().readTree("{\"n\":1}"));
        assertThat(lambda.get("js-10-structured").get("data")).isEqualTo(Json.mapper().readTree("{\"n\":2}"));
        assertThat(lambda.get("js-10-binary-text").get("data").asText()).as("non-JSON data is delivered").isEqualTo("hi");
        assertThat(lambda.get("js-10-binary-bytes").get("data_base64").asText()).isEqualTo("/wAB");
        assertThat(lambda.get("java-03-binary").get("dataschema").asText()).isEqualTo("https://example.com/s");
    }

    /** The JavaScript SDK's cases (dist/src/test/resources/cloudevents/send.cjs); their ids. */
    private static List<String> sendWithJavaScriptSdk(String ingest, String token) throws Exception {
        Path script = Path.of(LambdaCompatibilityTest.class.getResource("/cloudevents/send.cjs").toURI());
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), ingest, token).redirectErrorStream(true);
        builder.environment().put("NODE_PATH", NpmPackages.install("cloudevents@10.0.0").toString());
        Process sender = builder.start();
        String out = new String(sender.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sender.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sender.exitValue()).as(out).isZero();
        List<String> ids = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            JsonNode result = Json.mapper().readTree(line);
            assertThat(result.get("status").asInt()).as(line).isEqualTo(202);
            ids.add(result.get("id").asText());
        }
        assertThat(ids).hasSize(6);
        return ids;
    }

    /** The Java SDK's cases: 1.0 and 0.3, binary and structured (JSON format); their ids. */
    private static List<String> sendWithJavaSdk(String ingest, String token) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String version : List.of("10", "03")) {
            for (boolean binary : List.of(true, false)) {
                String id = "java-" + version + "-" + (binary ? "binary" : "structured");
                CloudEventBuilder builder = version.equals("10") ? CloudEventBuilder.v1() : CloudEventBuilder.v03();
                builder.withId(id).withType("conformance").withSource(URI.create("/conformance/java"))
                        .withExtension("price", "€5").withExtension("rate", "100%41")
                        .withDataContentType("application/json").withData("{\"n\":5}".getBytes(StandardCharsets.UTF_8));
                if (version.equals("03")) {
                    builder.withDataSchema(URI.create("https://example.com/s"));
                }
                CloudEvent event = builder.build();
                Map<String, String> headers = new LinkedHashMap<>();
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                var writer = HttpMessageFactory.createWriter(headers::put, bytes -> body.writeBytes(bytes == null ? new byte[0] : bytes));
                if (binary) {
                    writer.writeBinary(event);
                } else {
                    writer.writeStructured(event, JsonFormat.CONTENT_TYPE);
                }
                Map<String, String> encoded = new LinkedHashMap<>();
                headers.forEach((name, value) -> encoded.put(name, name.toLowerCase().startsWith("ce-") ? percentEncode(value) : value));
                HttpResponse<String> r = post(ingest, "Bearer " + token, encoded, body.toString(StandardCharsets.UTF_8));
                assertThat(r.statusCode()).as(id + ": " + r.body()).isEqualTo(202);
                ids.add(id);
            }
        }
        return ids;
    }

    /** The HTTP binding's encoding of a ce-* value, which the SDKs leave to the caller. */
    private static String percentEncode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            out.append(c > 0x20 && c < 0x7f && c != '"' && c != '%' ? String.valueOf((char) c) : String.format("%%%02X", c));
        }
        return out.toString();
    }

    private static HttpResponse<String> post(String url, String authorization, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", authorization).timeout(Duration.ofSeconds(30));
        if (!headers.containsKey("content-type") && !headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/cloudevents+json");
        }
        headers.forEach(b::header);
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** What the plain app received, by event id. */
    private static Map<String, JsonNode> sinkSeen() throws IOException {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode request : Json.mapper().readTree(nubo.get("ce-sink", "/seen").body())) {
            byId.put(request.get("headers").path("ce-id").asText(), request);
        }
        return byId;
    }

    /** What the Lambda-style function got as its event, by id. */
    private static Map<String, JsonNode> lambdaSeen() throws IOException {
        Map<String, JsonNode> byId = new HashMap<>();
        if (Files.exists(received)) {
            for (String line : Files.readAllLines(received)) {
                JsonNode event = Json.mapper().readTree(line);
                byId.put(event.get("id").asText(), event);
            }
        }
        return byId;
    }

    private static void deploy(Path dir) {
        TestNubo.CliResult deploy = nubo.nubo("deploy", dir.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }
}
