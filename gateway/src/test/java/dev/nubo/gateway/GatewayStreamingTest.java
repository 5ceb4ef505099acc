package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.model.EventHeader;
import io.vertx.core.MultiMap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayStreamingTest {

    private final Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void relaysServerSentEventsAsTheyAreWritten() throws Exception {
        AtomicLong secondWrittenAt = new AtomicLong();
        h.route("events", List.of(), h.instance("events-1", req -> {
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            req.response().write("data: one\n\n");
            h.vertx.setTimer(500, t -> {
                secondWrittenAt.set(System.nanoTime());
                req.response().end("data: two\n\n");
            });
        }));

        HttpResponse<Stream<String>> response = h.http.send(h.request("events.localhost", "/").build(), HttpResponse.BodyHandlers.ofLines());
        Iterator<String> lines = response.body().iterator();

        assertThat(lines.next()).isEqualTo("data: one");
        long firstSeenAt = System.nanoTime();
        assertThat(secondWrittenAt.get()).as("second event not yet written when the first arrived").isZero();
        assertThat(lines.next()).isEmpty();
        assertThat(lines.next()).isEqualTo("data: two");
        assertThat(secondWrittenAt.get()).isGreaterThan(firstSeenAt);
        assertThat(response.headers().firstValue("content-type")).contains("text/event-stream");
    }

    @Test
    void carriesLargeBodiesBothWaysIntact() {
        // The instance reads the whole body before answering: java.net.http does not read an answer
        // while it is still sending, so a streaming echo would stall on back-pressure (as it should).
        h.route("echo", List.of(), h.instance("echo-1", req -> req.body().onSuccess(b -> req.response().end(b))));
        byte[] body = new byte[24 << 20];
        new Random(7).nextBytes(body);

        HttpResponse<byte[]> sized = sendBytes(h.request("echo.localhost", "/").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        HttpResponse<byte[]> chunked = sendBytes(h.request("echo.localhost", "/")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertThat(sized.statusCode()).isEqualTo(200);
        assertThat(sized.body()).isEqualTo(body);
        assertThat(chunked.statusCode()).isEqualTo(200);
        assertThat(chunked.body()).isEqualTo(body);
    }

    @Test
    void holdsTheCallerBackWhileTheInstanceIsNotReading() throws Exception {
        long total = 192L << 20;
        AtomicLong received = new AtomicLong();
        h.route("sink", Duration.ofSeconds(20), total, List.of(), h.instance("sink-1", req -> {
            req.pause();
            req.handler(chunk -> received.addAndGet(chunk.length()));
            req.endHandler(v -> req.response().end(Long.toString(received.get())));
            h.vertx.setTimer(1_500, t -> req.resume());
        }).endpoint());
        AtomicLong written = new AtomicLong();

        try (Socket socket = h.socket()) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    RawHttp.write(out, "POST / HTTP/1.1\r\nHost: sink.localhost\r\nContent-Length: " + total + "\r\n\r\n");
                    byte[] block = new byte[64 << 10];
                    for (long sent = 0; sent < total; sent += block.length) {
                        out.write(block);
                        written.addAndGet(block.length);
                    }
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_000);
            long writtenWhileInstancePaused = written.get();
            RawHttp.Response response = RawHttp.read(socket.getInputStream());
            writer.join();

            // Socket buffers on both hops hold some megabytes (7-9 MiB measured); the rest waited in the caller.
            assertThat(writtenWhileInstancePaused).isLessThan(32L << 20);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(Long.toString(total));
        }
    }

    @Test
    void dropsHopByHopHeadersBothWaysAndKeepsRepeatedOnes() throws Exception {
        AtomicReference<MultiMap> seen = new AtomicReference<>();
        h.route("hello", List.of(), h.instance("hello-1", req -> {
            seen.set(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
            req.response().headers().add("Set-Cookie", "a=1; Path=/").add("Set-Cookie", "b=2; Path=/");
            req.response()
                    .putHeader("Keep-Alive", "timeout=5")
                    .putHeader("Proxy-Authenticate", "Basic")
                    .putHeader("Connection", "X-Private")
                    .putHeader("X-Private", "secret")
                    .putHeader("X-Public", "yes")
                    .end("ok");
        }));

        RawHttp.Response response;
        try (Socket socket = h.socket()) {
            RawHttp.write(socket.getOutputStream(), """
                    GET / HTTP/1.1\r
                    Host: hello.localhost\r
                    Connection: keep-alive, X-Hop\r
                    Keep-Alive: timeout=5\r
                    TE: trailers\r
                    Proxy-Authorization: Basic Zm9v\r
                    Upgrade: websocket\r
                    X-Hop: 1\r
                    X-Kept: 2\r
                    X-Kept: 3\r
                    \r
                    """);
            response = RawHttp.read(socket.getInputStream());
        }

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(seen.get().getAll("x-kept")).containsExactly("2", "3");
        for (String dropped : List.of("keep-alive", "te", "proxy-authorization", "upgrade", "x-hop")) {
            assertThat(seen.get().contains(dropped)).as(dropped).isFalse();
        }
        assertThat(response.all("set-cookie")).containsExactly("a=1; Path=/", "b=2; Path=/");
        assertThat(response.header("x-public")).isEqualTo("yes");
        for (String dropped : List.of("keep-alive", "proxy-authenticate", "x-private")) {
            assertThat(response.header(dropped)).as(dropped).isNull();
        }
    }

    @Test
    void tellsTheInstanceWhoAskedAndTagsTheRequest() {
        AtomicReference<MultiMap> seen = new AtomicReference<>();
        h.route("hello", List.of(), h.instance("hello-1", req -> {
            seen.set(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
            req.response().end();
        }));
        String host = "hello.localhost:" + h.gateway.port();

        HttpResponse<String> response = h.get(host, "/");

        MultiMap headers = seen.get();
        assertThat(headers.get("host")).isEqualTo(host);
        assertThat(headers.get("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(headers.get("x-forwarded-host")).isEqualTo(host);
        assertThat(headers.get("x-forwarded-proto")).isEqualTo("http");
        assertThat(headers.get("x-request-id")).matches("[0-9a-f]{32}")
                .isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
        assertThat(headers.get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void passesNuboEventOnlyFromTheServerItselfAndNeverItsKey() {
        AtomicReference<MultiMap> seen = new AtomicReference<>();
        h.route("hello", List.of(), h.instance("hello-1", req -> {
            seen.set(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
            req.response().end();
        }));

        h.send(h.request("hello.localhost", "/").header("Nubo-Event", "direct").header("Nubo-Event-Key", "guessed").build());
        assertThat(seen.get().contains("nubo-event")).as("a caller cannot make its request an invocation").isFalse();
        assertThat(seen.get().contains("nubo-event-key")).isFalse();

        h.send(h.request("hello.localhost", "/").header("Nubo-Event", "direct").header("Nubo-Event-Key", EventHeader.key()).build());
        assertThat(seen.get().get("nubo-event")).isEqualTo("direct");
        assertThat(seen.get().contains("nubo-event-key")).as("the key stays in the server").isFalse();
    }

    @Test
    void keepsTheCallersRequestIdAndTraceButGivesTheInstanceItsOwnParentSpan() {
        AtomicReference<MultiMap> seen = new AtomicReference<>();
        h.route("hello", List.of(), h.instance("hello-1", req -> {
            seen.set(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
            req.response().end();
        }));

        HttpResponse<String> response = h.send(h.request("hello.localhost", "/")
                .header("X-Request-Id", "abc-123")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
                .header("tracestate", "congo=t61rcWkgMzE")
                .header("X-Forwarded-For", "10.0.0.1")
                .build());

        MultiMap headers = seen.get();
        assertThat(headers.get("x-request-id")).isEqualTo("abc-123");
        assertThat(response.headers().firstValue("x-request-id")).contains("abc-123");
        assertThat(headers.get("traceparent")).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00")
                .doesNotContain("00f067aa0ba902b7");
        assertThat(headers.get("tracestate")).isEqualTo("congo=t61rcWkgMzE");
        assertThat(headers.get("x-forwarded-for")).isEqualTo("10.0.0.1, 127.0.0.1");
    }

    @Test
    void reusesPooledConnectionsToAnInstance() {
        Harness.Instance hello = h.instance("hello-1", req -> req.response().end("hi"));
        h.route("hello", List.of(), hello);

        for (int i = 0; i < 20; i++) {
            assertThat(h.get("hello.localhost", "/").body()).isEqualTo("hi");
        }

        assertThat(hello.connections().get()).isEqualTo(1);
    }

    @Test
    void answersExpectContinueOnceAnInstanceIsConnected() {
        AtomicReference<MultiMap> seen = new AtomicReference<>();
        h.route("echo", List.of(), h.instance("echo-1", req -> {
            seen.set(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
            req.response().send(req);
        }));

        HttpResponse<String> response = h.send(h.request("echo.localhost", "/")
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString("payload"))
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("payload");
        assertThat(seen.get().contains("expect")).isFalse();
    }

    @Test
    void relaysAHeadAnswerWithoutABody() throws Exception {
        h.route("hello", List.of(), h.instance("hello-1", req -> req.response().putHeader("content-length", "42").end()));

        try (Socket socket = h.socket()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            RawHttp.write(out, "HEAD / HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
            String head = new String(in.readNBytes(12));
            assertThat(head).isEqualTo("HTTP/1.1 200");
            // The same connection then serves a GET: nothing of a body was left behind on it.
            byte[] rest = readUntilBlankLine(in);
            assertThat(new String(rest)).containsIgnoringCase("content-length: 42");
            RawHttp.write(out, "GET /missing HTTP/1.1\r\nHost: nothing.localhost\r\n\r\n");
            assertThat(RawHttp.read(in).status()).isEqualTo(404);
        }
    }

    private static byte[] readUntilBlankLine(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int c = in.read();
            out.write(c);
            matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return out.toByteArray();
    }

    private HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
        try {
            return h.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
