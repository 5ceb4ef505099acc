package dev.nubo.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing end to end within the module: exchanges in, spans kept and exported over OTLP/HTTP to a loopback
 * receiver that decodes them with the protocol's own classes (no collector is installable on this machine).
 */
class TracingTest {

    private final LinkedBlockingQueue<ExportTraceServiceRequest> received = new LinkedBlockingQueue<>();
    private final List<String> paths = new java.util.concurrent.CopyOnWriteArrayList<>();
    private HttpServer receiver;
    private Tracing tracing;

    @AfterEach
    void stop() {
        if (tracing != null) {
            tracing.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private URI receiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type"));
            received.add(ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes()));
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        receiver.start();
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort());
    }

    @Test
    void exportsAnExchangesSpansOverOtlpHttpWithTheirIdsAndParents() throws Exception {
        tracing = Tracing.start(TracingConfig.defaults().withOtlp(receiver()).withEvery(Duration.ofMillis(50)), InstantSource.system());
        tracing.instanceStarted("shop-00001-ab", Instant.now().minusMillis(5), Instant.now(), true);

        tracing.gateway().exchange(GatewaySpansTest.coldCall(GatewaySpansTest.CALLER, GatewaySpansTest.UPSTREAM));

        List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
        ResourceSpans resource = null;
        while (spans.size() < 4) {
            ExportTraceServiceRequest request = received.poll(30, TimeUnit.SECONDS);
            assertThat(request).as("an export within 30s").isNotNull();
            resource = request.getResourceSpans(0);
            resource.getScopeSpansList().forEach(scope -> spans.addAll(scope.getSpansList()));
        }
        assertThat(paths).first().isEqualTo("POST /v1/traces application/x-protobuf");
        assertThat(resource.getResource().getAttributesList()).extracting(KeyValue::getKey).contains("service.name");
        assertThat(value(resource.getResource().getAttributesList(), "service.name")).isEqualTo("nubo");
        assertThat(spans).extracting(io.opentelemetry.proto.trace.v1.Span::getName)
                .containsExactly("GET /hello", "hold", "cold start", "call instance");
        HexFormat hex = HexFormat.of();
        assertThat(spans).extracting(s -> hex.formatHex(s.getTraceId().toByteArray())).containsOnly("4bf92f3577b34da6a3ce929d0e0e4736");
        io.opentelemetry.proto.trace.v1.Span server = spans.get(0);
        io.opentelemetry.proto.trace.v1.Span call = spans.get(3);
        assertThat(hex.formatHex(server.getParentSpanId().toByteArray())).isEqualTo("00f067aa0ba902b7");
        assertThat(hex.formatHex(call.getSpanId().toByteArray())).isEqualTo("1111222233334444");
        assertThat(call.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(call.getKind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(value(server.getAttributesList(), "nubo.service")).isEqualTo("shop");
        assertThat(value(server.getAttributesList(), "http.response.status_code")).isEqualTo("200");
        assertThat(server.getEndTimeUnixNano() - server.getStartTimeUnixNano()).isEqualTo(900);
        assertThat(tracing.trace("4bf92f3577b34da6a3ce929d0e0e4736")).extracting(Span::name)
                .as("kept as well as exported").containsExactlyInAnyOrder("GET /hello", "hold", "cold start", "call instance");
    }

    @Test
    void keepsWhatJustEndedForReadersWithoutAnExporter() {
        tracing = Tracing.start(TracingConfig.defaults().withEvery(Duration.ofHours(1)), InstantSource.system());
        Span delivery = new Span("4bf92f3577b34da6a3ce929d0e0e4736", "aaaabbbbccccdddd", Optional.empty(), "deliver", Span.Kind.CONSUMER,
                "shop", 1, 2, false, Map.of());

        tracing.record(delivery);

        assertThat(tracing.trace("4bf92f3577b34da6a3ce929d0e0e4736")).containsExactly(delivery);
        assertThat(tracing.recent(Optional.of("shop"), 5)).extracting(TraceSummary::traceId).containsExactly(delivery.traceId());
        assertThat(tracing.trace("0af7651916cd43dd8448eb211c80319c")).isEmpty();
    }

    @Test
    void exportsOnlyTheTracesItsRatioChoosesByTraceIdAndKeepsThemAll() throws Exception {
        tracing = Tracing.start(TracingConfig.defaults().withOtlp(receiver()).withEvery(Duration.ofHours(1)).withExportRatio(0.5),
                InstantSource.system());
        String chosen = "4bf92f3577b34da60000000000000001";   // its random part, 1, is below half of Long.MAX_VALUE
        String passed = "4bf92f3577b34da67fffffffffffffff";   // Long.MAX_VALUE is not
        for (String trace : List.of(chosen, passed)) {
            tracing.record(new Span(trace, "aaaabbbbccccdddd", Optional.empty(), "deliver", Span.Kind.CLIENT, "shop", 1, 2, false, Map.of()));
        }

        assertThat(tracing.trace(passed)).as("kept for nubo trace though not exported").hasSize(1);
        tracing.close();  // exports what is queued
        ExportTraceServiceRequest request = received.poll(30, TimeUnit.SECONDS);
        assertThat(request).as("an export within 30s").isNotNull();
        assertThat(request.getResourceSpans(0).getScopeSpans(0).getSpansList())
                .extracting(span -> HexFormat.of().formatHex(span.getTraceId().toByteArray())).containsExactly(chosen);
        assertThat(received).isEmpty();
        assertThat(TracingConfig.defaults().withExportRatio(0.1).exports(chosen)).isTrue();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> TracingConfig.defaults().withExportRatio(0)))
                .hasMessage("the OTLP export ratio must be above 0 and at most 1, such as 0.1 for one trace in ten (got 0.0)");
    }

    @Test
    void sendsToTheTracesPathOfTheEndpointGiven() {
        assertThat(Tracing.tracesUrl(URI.create("http://h:4318"))).isEqualTo("http://h:4318/v1/traces");
        assertThat(Tracing.tracesUrl(URI.create("http://h:4318/"))).isEqualTo("http://h:4318/v1/traces");
        assertThat(Tracing.tracesUrl(URI.create("http://h:4318/v1/traces"))).isEqualTo("http://h:4318/v1/traces");
    }

    private static String value(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(a -> a.getKey().equals(key)).findFirst().orElseThrow().getValue().getStringValue();
    }
}
