package dev.nubo.lambdahttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HttpApiAnswerTest {

    /** What an answer maps to, written out: the response's parts, or the variant otherwise. */
    record Case(String name, Optional<Object> answer, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                new Case("a response with headers, cookies and a text body",
                        json(Map.of("statusCode", 201, "headers", Map.of("content-type", "text/plain"),
                                "cookies", List.of("a=1; Path=/", "b=2"), "body", "made")),
                        "201 {content-type=[text/plain], Set-Cookie=[a=1; Path=/, b=2]} made"),
                new Case("a response whose statusCode is a string, with multi-valued headers and no type",
                        json(ordered("statusCode", " 404", "multiValueHeaders", Map.of("x-tried", List.of("a", "b")),
                                "body", "{\"missing\":true}")),
                        "404 {x-tried=[a, b], Content-Type=[application/json]} {\"missing\":true}"),
                new Case("a header that replaces a multi-valued one, and a null header left out",
                        json(ordered("statusCode", 200, "multiValueHeaders", Map.of("x-v", List.of("1", "2")),
                                "headers", ordered("x-v", "3", "x-none", null))),
                        "200 {x-v=[3]} "),
                new Case("a base64 body",
                        json(Map.of("statusCode", 200, "headers", Map.of("Content-Type", "image/png"),
                                "body", "iVBO\r\nRw==", "isBase64Encoded", true)),
                        "200 {Content-Type=[image/png]} \u0089PNG"),
                new Case("a response without a body",
                        json(Map.of("statusCode", 204)), "204 {} "),
                new Case("a bare object", json(Map.of("id", 7)), "AsSent"),
                new Case("a bare list", json(List.of(1, 2)), "AsSent"),
                new Case("a string", json("hello"), "Text hello"),
                new Case("not JSON", Optional.empty(), "AsSent"),
                new Case("a statusCode out of range", json(Map.of("statusCode", 99)),
                        "BadStatus the handler's response has statusCode 99, which is not an HTTP status (return a number from 100 to 599)"),
                new Case("a statusCode that is no number", json(Map.of("statusCode", "ok")),
                        "BadStatus the handler's response has statusCode ok, which is not an HTTP status (return a number from 100 to 599)"))
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("answers")
    void mapsAnAnswerAsApiGatewayDoes(Case c) {
        assertThat(written(HttpApiAnswer.of(c.answer()))).isEqualTo(c.expected());
    }

    static String written(HttpApiAnswer answer) {
        return switch (answer) {
            case HttpApiAnswer.Response r -> r.status() + " " + r.headers() + " " + new String(r.body(), StandardCharsets.ISO_8859_1);
            case HttpApiAnswer.Text t -> "Text " + t.text();
            case HttpApiAnswer.AsSent a -> "AsSent";
            case HttpApiAnswer.BadStatus b -> "BadStatus " + b.message();
        };
    }

    static Optional<Object> json(Object value) {
        return Optional.of(value);
    }

    /** A JSON object as a JSON library reads it: its members in order, null allowed. */
    static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }
}
