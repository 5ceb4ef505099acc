package dev.nubo.lambdahttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HttpApiEventTest {

    static final Instant ARRIVAL = Instant.parse("2026-12-03T10:15:30.123Z");

    record Case(String name, HttpApiRequest request, Map<String, Object> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                new Case("a GET with a query and cookies",
                        new HttpApiRequest("GET", "/orders", "b=2&a=1&a=x%20y&flag",
                                headers("host", "orders.nubo.localhost:8080", "cookie", "s=1; t=2", "x-multi", "v1",
                                        "x-forwarded-for", "10.0.0.9, 192.0.2.7", "user-agent", "curl/8", "nubo-event", "x"),
                                new byte[0], "127.0.0.1"),
                        event("GET", "/orders", "b=2&a=1&a=x%20y&flag", List.of("s=1", "t=2"),
                                Map.of("host", "orders.nubo.localhost:8080", "x-multi", "v1",
                                        "x-forwarded-for", "10.0.0.9, 192.0.2.7", "user-agent", "curl/8"),
                                Map.of("b", "2", "a", "1,x y", "flag", ""), "orders.nubo.localhost", "192.0.2.7", "curl/8",
                                null, false)),
                new Case("a text body",
                        new HttpApiRequest("POST", "/", "", headers("content-type", "application/json; charset=utf-8"),
                                "{\"n\":1}".getBytes(StandardCharsets.UTF_8), "10.1.2.3"),
                        event("POST", "/", "", null, Map.of("content-type", "application/json; charset=utf-8"), null,
                                "orders", "10.1.2.3", "", "{\"n\":1}", false)),
                new Case("a binary body",
                        new HttpApiRequest("PUT", "/img", "", headers("content-type", "image/png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'},
                                "127.0.0.1"),
                        event("PUT", "/img", "", null, Map.of("content-type", "image/png"), null, "orders", "127.0.0.1", "",
                                "iVBORw==", true)))
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("requests")
    void buildsApiGatewaysPayloadFormatTwoEvent(Case c) {
        assertThat(HttpApiEvent.of(c.request(), "req-1", "orders", ARRIVAL)).isEqualTo(c.expected());
    }

    @ParameterizedTest
    @MethodSource("requests")
    void keepsTheHeadersInTheOrderTheyCame(Case c) {
        Map<?, ?> headers = (Map<?, ?>) HttpApiEvent.of(c.request(), "req-1", "orders", ARRIVAL).get("headers");
        assertThat(headers.keySet().stream().map(String::valueOf).toList()).containsExactlyElementsOf(c.request().headers().keySet().stream()
                .filter(n -> !n.equals("cookie") && !n.equals("nubo-event")).toList());
    }

    @Test
    void aBodyWithoutATypeIsTextOnlyWhenItIsUtf8() {
        assertThat(HttpApiEvent.isText("", "héllo".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(HttpApiEvent.isText("", new byte[] {(byte) 0xff, 0})).isFalse();
        assertThat(HttpApiEvent.isText("application/x-www-form-urlencoded", "a=1".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(HttpApiEvent.isText("application/problem+json", new byte[0])).isTrue();
    }

    /** Names and values in turn, in order. */
    static Map<String, List<String>> headers(String... namesAndValues) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
        }
        return headers;
    }

    static Map<String, Object> event(String method, String path, String query, List<String> cookies, Map<String, String> headers,
            Map<String, String> parameters, String domain, String sourceIp, String userAgent, String body, boolean base64) {
        Map<String, Object> event = new HashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", path);
        event.put("rawQueryString", query);
        if (cookies != null) {
            event.put("cookies", cookies);
        }
        event.put("headers", headers);
        if (parameters != null) {
            event.put("queryStringParameters", parameters);
        }
        event.put("requestContext", Map.of("accountId", "000000000000", "apiId", "orders", "domainName", domain,
                "domainPrefix", domain.split("\\.", 2)[0],
                "http", Map.of("method", method, "path", path, "protocol", "HTTP/1.1", "sourceIp", sourceIp, "userAgent", userAgent),
                "requestId", "req-1", "routeKey", "$default", "stage", "$default", "time", "03/Dec/2026:10:15:30 +0000",
                "timeEpoch", ARRIVAL.toEpochMilli()));
        if (body != null) {
            event.put("body", body);
        }
        event.put("isBase64Encoded", base64);
        return event;
    }
}
