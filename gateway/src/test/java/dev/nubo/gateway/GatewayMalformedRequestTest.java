package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Heads the gateway must not forward, over raw sockets. The gateway's decoder checks no header
 * syntax itself (see {@link Listener#decoderConfig()}), so every refusal here is {@link RequestHead}'s.
 */
class GatewayMalformedRequestTest {

    private static final String HOST = "Host: hello.localhost\r\n";
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: hello.localhost\r\n\r\n";

    private final Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void refusesMalformedHeadsWith400AndForwardsNothing() throws IOException {
        Harness.Instance hello = h.instance("hello-1", req -> req.response().end("ok " + req.path()));
        h.route("hello", List.of(), hello);
        Map<String, String> heads = new LinkedHashMap<>();
        heads.put("header name 'X Foo' has a space", "POST / HTTP/1.1\r\n" + HOST + "X Foo: bar\r\nContent-Length: 3\r\n\r\nabc");
        heads.put("header name 'Transfer-Encoding ' has a space",
                "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding : chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        heads.put("header name 'Content-Length ' has a space",
                "POST / HTTP/1.1\r\n" + HOST + "Content-Length : " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED);
        heads.put("header X-A has a control character (0x0d) in its value", "GET / HTTP/1.1\r\n" + HOST + "X-A: a\rX-B: b\r\n\r\n");
        heads.put("header X-A has a control character (0x00) in its value", "GET / HTTP/1.1\r\n" + HOST + "X-A: a\0b\r\n\r\n");
        heads.put("header name 'X\\x00A' has a control character (0x00)", "GET / HTTP/1.1\r\n" + HOST + "X\0A: a\r\n\r\n");
        heads.put("a header has an empty name", "GET / HTTP/1.1\r\n" + HOST + ": a\r\n\r\n");
        heads.put("it has 2 Host headers", "GET / HTTP/1.1\r\n" + HOST + "Host: other.localhost\r\n\r\n");
        heads.put("an HTTP/1.1 request needs a Host header", "GET /hello HTTP/1.1\r\n\r\n");
        heads.put("Transfer-Encoding must be 'chunked' alone, once (got 'chunked, identity')",
                "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        heads.put("Transfer-Encoding must be 'chunked' alone, once (got 'identity' in a second header)",
                "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        heads.put("the request target has a control character (0x00) at position 2", "GET /a\0b HTTP/1.1\r\n" + HOST + "\r\n");

        List<String> answered = new ArrayList<>();
        for (Map.Entry<String, String> head : heads.entrySet()) {
            try (Socket socket = h.socket()) {
                RawHttp.write(socket.getOutputStream(), head.getValue());
                InputStream in = socket.getInputStream();
                RawHttp.Response response = RawHttp.read(in);

                assertThat(response.status()).as(head.getKey()).isEqualTo(400);
                assertThat(response.header("connection")).as(head.getKey()).isEqualTo("close");
                JsonNode error = Json.mapper().readTree(response.body()).path("error");
                assertThat(error.path("code").asText()).isEqualTo("request.malformed");
                String message = error.path("message").asText();
                assertThat(message).as(head.getKey()).startsWith("the gateway refuses this request: " + head.getKey());
                assertThat(in.read()).as("%s: the connection closes after the answer", head.getKey()).isEqualTo(-1);
                answered.add(head.getKey());
            }
        }

        assertThat(answered).hasSize(heads.size());
        assertThat(h.get("hello.localhost", "/fine").body()).isEqualTo("ok /fine");
        assertThat(hello.requests().get()).as("only the well-formed request reached the instance").isEqualTo(1);
    }

    @Test
    void forwardsWhatIsUnusualButWellFormed() throws IOException {
        Harness.Instance hello = h.instance("hello-1", req -> req.response()
                .end(req.getHeader("x-a") + "|" + req.getHeader("x-b") + "|" + req.getHeader("x-c")));
        h.route("hello", List.of(), hello);

        try (Socket socket = h.socket()) {
            RawHttp.write(socket.getOutputStream(), "GET / HTTP/1.1\r\n" + HOST + "X-A: a\tb\r\nX-B: caf\u00e9\r\nX-C: one\r\n two\r\n\r\n");
            RawHttp.Response response = RawHttp.read(socket.getInputStream());

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("a\tb|caf\u00e9|one two");
        }
    }

    @Test
    void neverHandsAVictimTheAnswerToARequestSmuggledOnAPooledConnection() throws Exception {
        try (LenientInstance lenient = new LenientInstance()) {
            h.route("hello", Duration.ofSeconds(10), 1 << 20, List.of(), lenient.endpoint("hello-1"));
            String smuggled = "GET " + LenientInstance.HELD + " HTTP/1.1\r\nHost: x\r\n\r\n";

            RawHttp.Response attack;
            try (Socket attacker = h.socket()) {
                RawHttp.write(attacker.getOutputStream(), "POST / HTTP/1.1\r\n" + HOST + "X Foo: bar\r\nContent-Length: "
                        + smuggled.length() + "\r\n\r\n" + smuggled);
                attack = RawHttp.read(attacker.getInputStream());
            }
            // Victims on fresh connections, several per listener: one of them shares the attacker's pool.
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4 * Runtime.getRuntime().availableProcessors(); i++) {
                try (Socket victim = h.socket()) {
                    RawHttp.write(victim.getOutputStream(), "GET /victim-" + i + " HTTP/1.1\r\n" + HOST + "\r\n");
                    answers.add(RawHttp.read(victim.getInputStream()).body());
                }
            }

            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i)).isEqualTo("answer to /victim-" + i);
            }
            assertThat(attack.status()).isEqualTo(400);
            assertThat(lenient.paths).noneMatch(p -> p.equals("/") || p.equals(LenientInstance.HELD));
        }
    }
}
