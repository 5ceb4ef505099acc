package dev.nubo.javaruntime;

import static dev.nubo.javaruntime.HostProcess.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Unmodified AWS Lambda handlers, served by a real host process: invoked directly
 * ({@code Nubo-Event: direct}, as {@code nubo invoke} and asynchronous invocations reach them) and
 * by plain HTTP requests, which they get as API Gateway's HTTP event.
 */
class LambdaHandlersTest {

    private static final Map<String, String> PLATFORM = Map.of("NUBO_SERVICE", "orders", "NUBO_REVISION", "orders-00004",
            "NUBO_INSTANCE", "orders-00004-x7k2p", "NUBO_MEMORY_MB", "512", "NUBO_TIMEOUT_MS", "60000");

    @Test
    void requestHandlerGetsTheEventAndAFaithfulContext() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.LambdaReport.class, PLATFORM)) {
            HttpResponse<String> response = post(host, "req-42", "{\"order\":7,\"items\":[\"a\"]}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(response.body()).matches("\\{\"event\":\\{\"order\":7,\"items\":\\[\"a\"]},"
                    + "\"requestId\":\"req-42\",\"logGroup\":\"/nubo/orders\",\"logStream\":\"orders-00004-x7k2p\","
                    + "\"function\":\"orders\",\"version\":\"orders-00004\","
                    + "\"arn\":\"arn:aws:lambda:us-east-1:000000000000:function:orders:orders-00004\","
                    + "\"memory\":512,\"remainingMs\":(5\\d{4}|60000),\"identityAndClient\":true}");
            assertThat(host.stdout().lines()).contains("[req-42] lambda says hi");
        }
    }

    @Test
    void pojoInputIsDecodedAsLambdaDoesAndNullPropertiesAreLeftOut() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.LambdaOrders.class, Map.of())) {
            HttpResponse<String> response = post(host, "r1", "{\"id\":\"o-1\",\"quantity\":3,\"tags\":\"gift\",\"coupon\":\"X\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).as("unknown property ignored, one tag taken as a list, null note left out")
                    .isEqualTo("{\"orderId\":\"o-1\",\"items\":3}");
            assertThat(post(host, "r2", "").body()).as("empty body is a null input").isEqualTo("null");
            HttpResponse<String> broken = post(host, "r3", "{\"id\":");
            assertThat(broken.statusCode()).isEqualTo(400);
            assertThat(broken.body()).startsWith("{\"errorMessage\":\"the event is not valid JSON for"
                    + " SampleHandlers.LambdaOrders.Order: ").endsWith("\"errorType\":\"InvalidInput\"}");
        }
    }

    @Test
    void streamHandlerReadsTheBodyAndWritesTheResponse() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.LambdaStream.class, PLATFORM)) {
            HttpResponse<String> response = post(host, "req-s", "[1,2]");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(response.body()).matches("\\{\"requestId\":\"req-s\",\"function\":\"orders\",\"version\":\"orders-00004\","
                    + "\"memory\":512,\"remainingMs\":(5\\d{4}|60000),\"logStream\":\"orders-00004-x7k2p\",\"body\":\\[1,2]}");
        }
    }

    @Test
    void acceptsLambdasClassAndMethodHandlerSyntax() throws Exception {
        String greeter = SampleHandlers.LambdaGreeter.class.getName();
        try (HostProcess host = HostProcess.serve(SampleHandlers.LambdaGreeter.class,
                Map.of("NUBO_HANDLER", greeter + "::handleRequest"))) {
            assertThat(post(host, "r", "\"Ada\"").body()).as("a String result is a JSON string").isEqualTo("\"Hello, Ada\"");
            assertThat(post(host, "r", "").body()).isEqualTo("\"Hello, nobody\"");
        }
        String plain = SampleHandlers.LambdaPlain.class.getName();
        try (HostProcess host = HostProcess.serve(SampleHandlers.LambdaPlain.class, Map.of("NUBO_HANDLER", plain + "::greet"))) {
            assertThat(post(host, "req-p", "{\"name\":\"Bo\"}").body()).isEqualTo("\"Hi Bo (req-p)\"");
        }
    }

    @Test
    void lambdaHandlerExceptionBecomes500AndTheHostKeepsServing() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.LambdaFailing.class, Map.of())) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> response = post(host, "req-f", "{}");
                assertThat(response.statusCode()).isEqualTo(500);
                assertThat(response.body()).as("Lambda's shape, with the trace for a caller holding the admin token")
                        .startsWith("{\"errorMessage\":\"no such order\",\"errorType\":\"java.lang.IllegalArgumentException\","
                                + "\"stackTrace\":[\"dev.nubo.javaruntime.SampleHandlers$LambdaFailing.handleRequest(SampleHandlers.java:");
            }
            HttpResponse<String> overHttp = CLIENT.send(HttpRequest.newBuilder(host.uri("/")).GET().build(), BodyHandlers.ofString());
            assertThat(overHttp.statusCode()).isEqualTo(500);
            assertThat(overHttp.body()).as("no trace for a caller of the URL")
                    .isEqualTo("{\"errorMessage\":\"no such order\",\"errorType\":\"java.lang.IllegalArgumentException\"}");
            assertThat(host.stderr().lines()).contains("[req-f] java.lang.IllegalArgumentException: no such order")
                    .anyMatch(line -> line.startsWith("[req-f] \tat nubo-function//dev.nubo.javaruntime.SampleHandlers$LambdaFailing.handleRequest("));
        }
    }

    @Test
    void httpRequestIsApiGatewaysHttpEventAndTheResultItsResponse() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.LambdaHttp.class, PLATFORM)) {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(host.uri("/orders/7?b=2&a=1&a=x%20y"))
                    .header("X-Request-Id", "req-h").header("Cookie", "s=1; t=2").header("X-Multi", "v1")
                    .header("X-Forwarded-For", "203.0.113.9, 127.0.0.1").header("traceparent",
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                    .header("Content-Type", "text/plain").POST(BodyPublishers.ofString("hello")).build(), BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.headers().allValues("set-cookie")).containsExactly("a=1; Path=/", "b=2");
            assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");
            assertThat(response.body()).isEqualTo("version=2.0 method=POST rawPath=/orders/7 rawQuery=b=2&a=1&a=x%20y"
                    + " query={b=2, a=1,x y} cookies=[s=1, t=2] multi=v1 ip=127.0.0.1 requestId=req-h"
                    + " body=hello base64=false trace=Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1");
        }
    }

    @Test
    void bareResultOverHttpIsA200JsonBodyAndAStringItsText() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.LambdaGreeter.class, Map.of())) {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(host.uri("/")).GET().build(), BodyHandlers.ofString());
            assertThat(response.statusCode()).as("an HTTP event is no String: Lambda fails the same way").isEqualTo(400);
        }
        try (HostProcess host = HostProcess.serve(SampleHandlers.LambdaReport.class, Map.of())) {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(host.uri("/x")).GET().build(), BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(response.body()).startsWith("{\"event\":{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"/x\"");
        }
    }

    @Test
    void triggerDeliveryIsTheWholeCloudEventWithItsAttributesDecoded() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.LambdaReport.class, Map.of())) {
            HttpRequest.Builder delivery = HttpRequest.newBuilder(host.uri("/")).header("Nubo-Event", "cloudevent")
                    .header("ce-specversion", "1.0").header("ce-id", "e1").header("ce-source", "/shop").header("ce-type", "order.created")
                    .header("ce-price", "%E2%82%AC5").header("ce-rate", "100%2541");
            String json = CLIENT.send(delivery.header("Content-Type", "application/json").POST(BodyPublishers.ofString("{\"n\":1}")).build(),
                    BodyHandlers.ofString()).body();
            String text = CLIENT.send(HttpRequest.newBuilder(host.uri("/")).headers(delivery.build().headers().map().entrySet().stream()
                            .filter(h -> !h.getKey().equalsIgnoreCase("content-type"))
                            .flatMap(h -> h.getValue().stream().flatMap(v -> java.util.stream.Stream.of(h.getKey(), v))).toArray(String[]::new))
                    .header("Content-Type", "text/plain").POST(BodyPublishers.ofString("hi")).build(), BodyHandlers.ofString()).body();

            assertThat(json).startsWith("{\"event\":{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/shop\",\"type\":\"order.created\","
                    + "\"price\":\"€5\",\"rate\":\"100%41\",\"datacontenttype\":\"application/json\",\"data\":{\"n\":1}},");
            assertThat(text).as("non-JSON data is delivered as a string").contains("\"data\":\"hi\"");
        }
    }

    /** A direct invocation, as the server makes it for {@code nubo invoke}: the body is the event. */
    private static HttpResponse<String> post(HostProcess host, String requestId, String body)
            throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(host.uri("/")).header("X-Request-Id", requestId).header("Nubo-Event", "direct")
                .POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }
}
