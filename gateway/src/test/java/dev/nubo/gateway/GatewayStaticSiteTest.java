package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A revision of {@code runtime: static}: the gateway answers from its directory, with no instance. */
class GatewayStaticSiteTest {

    private final Harness h = new Harness();
    @TempDir
    Path dir;
    private Path root;
    private String host = "web.localhost";

    @BeforeEach
    void site() throws IOException {
        root = Files.createDirectories(dir.resolve("site"));
        write("index.html", "<h1>home</h1>");
        write("app.3f9a1c.js", "console.log('v1')");
        write("style.css", "body{}");
        write("docs/index.html", "<h1>docs</h1>");
        Files.createDirectories(root.resolve("empty"));
        write("404.html", "<h1>lost</h1>");
        write("data.json", "{\"a\":1}");
        write("data.json.gz", "GZIP-BYTES");
        write("data.json.br", "BROTLI-BYTES");
        Files.writeString(dir.resolve("secret.txt"), "top secret");
        Files.createSymbolicLink(root.resolve("leak.txt"), dir.resolve("secret.txt"));
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void servesFilesWithTheirContentTypeAndCachingByName() {
        route("web", new Site(root, false, Optional.empty()));

        HttpResponse<String> index = get("/", Map.of());
        HttpResponse<String> script = get("/app.3f9a1c.js", Map.of());
        HttpResponse<String> css = get("/style.css", Map.of());

        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).isEqualTo("<h1>home</h1>");
        assertThat(index.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(index.headers().firstValue("cache-control")).contains("no-cache");
        assertThat(script.body()).isEqualTo("console.log('v1')");
        assertThat(script.headers().firstValue("content-type")).contains("text/javascript; charset=utf-8");
        assertThat(script.headers().firstValue("cache-control")).contains("public, max-age=31536000, immutable");
        assertThat(css.headers().firstValue("content-type")).contains("text/css; charset=utf-8");
        assertThat(css.headers().firstValue("cache-control")).contains("no-cache");
        assertThat(css.headers().firstValue("etag")).isPresent();
        assertThat(css.headers().firstValue("last-modified")).isPresent();
    }

    @Test
    void fingerprintsAreHashesBeforeTheExtensionNotVersionsOrPlainNames() {
        assertThat(SiteReply.cacheControl("app.3f9a1c.js")).isEqualTo(SiteReply.IMMUTABLE);
        assertThat(SiteReply.cacheControl("index-BxK3a9Qz.js")).isEqualTo(SiteReply.IMMUTABLE);
        assertThat(SiteReply.cacheControl("main.8e3b2a11.chunk.css")).isEqualTo(SiteReply.REVALIDATE);
        assertThat(SiteReply.cacheControl("index.html")).isEqualTo(SiteReply.REVALIDATE);
        assertThat(SiteReply.cacheControl("logo-square.png")).isEqualTo(SiteReply.REVALIDATE);
    }

    @Test
    void answers304WhenTheCallersCopyIsCurrent() {
        route("web", new Site(root, false, Optional.empty()));
        HttpResponse<String> first = get("/style.css", Map.of());
        String etag = first.headers().firstValue("etag").orElseThrow();
        String modified = first.headers().firstValue("last-modified").orElseThrow();

        HttpResponse<String> byTag = get("/style.css", Map.of("if-none-match", etag));
        HttpResponse<String> byDate = get("/style.css", Map.of("if-modified-since", modified));
        HttpResponse<String> otherTag = get("/style.css", Map.of("if-none-match", "\"other\""));

        assertThat(byTag.statusCode()).isEqualTo(304);
        assertThat(byTag.body()).isEmpty();
        assertThat(byTag.headers().firstValue("etag")).contains(etag);
        assertThat(byDate.statusCode()).isEqualTo(304);
        assertThat(otherTag.statusCode()).isEqualTo(200);
        assertThat(otherTag.body()).isEqualTo("body{}");
    }

    @Test
    void servesAPrecompressedSiblingTheCallerAccepts() {
        route("web", new Site(root, false, Optional.empty()));

        HttpResponse<String> brotli = get("/data.json", Map.of("accept-encoding", "gzip, br"));
        HttpResponse<String> gzip = get("/data.json", Map.of("accept-encoding", "gzip, br;q=0"));
        HttpResponse<String> identity = get("/data.json", Map.of("accept-encoding", "identity"));

        assertThat(brotli.body()).isEqualTo("BROTLI-BYTES");
        assertThat(brotli.headers().firstValue("content-encoding")).contains("br");
        assertThat(brotli.headers().firstValue("content-type")).contains("application/json");
        assertThat(brotli.headers().firstValue("vary")).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("accept-encoding"));
        assertThat(gzip.body()).isEqualTo("GZIP-BYTES");
        assertThat(gzip.headers().firstValue("content-encoding")).contains("gzip");
        assertThat(identity.body()).isEqualTo("{\"a\":1}");
        assertThat(identity.headers().firstValue("content-encoding")).isEmpty();
        assertThat(List.of(brotli, gzip, identity).stream().map(r -> r.headers().firstValue("etag").orElseThrow()).distinct()).hasSize(3);
    }

    @Test
    void answersOneRangeWith206AndARangePastTheEndWith416() {
        route("web", new Site(root, false, Optional.empty()));

        HttpResponse<String> part = get("/index.html", Map.of("range", "bytes=1-2"));
        HttpResponse<String> tail = get("/index.html", Map.of("range", "bytes=-5"));
        HttpResponse<String> past = get("/index.html", Map.of("range", "bytes=100-"));
        HttpResponse<String> several = get("/index.html", Map.of("range", "bytes=0-1,3-4"));

        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo("h1");
        assertThat(part.headers().firstValue("content-range")).contains("bytes 1-2/13");
        assertThat(tail.body()).isEqualTo("</h1>");
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("content-range")).contains("bytes */13");
        assertThat(past.headers().firstValue("content-length")).as("framed, so the connection stays usable").contains("0");
        assertThat(several.statusCode()).isEqualTo(200);
        assertThat(several.body()).isEqualTo("<h1>home</h1>");
    }

    @Test
    void sendsALargeFileWholeAndInRangesWithoutKeepingItInMemory() throws IOException {
        byte[] big = new byte[SiteFiles.SMALL * 4 + 7];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        Files.write(root.resolve("big.txt"), big);
        route("web", new Site(root, false, Optional.empty()));

        HttpResponse<String> whole = get("/big.txt", Map.of());
        HttpResponse<String> part = get("/big.txt", Map.of("range", "bytes=100000-100009"));

        assertThat(whole.body()).isEqualTo(new String(big, StandardCharsets.US_ASCII));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(new String(big, 100000, 10, StandardCharsets.US_ASCII));
    }

    @Test
    void streamsALargeFileOverHttp2InPieces() throws Exception {
        byte[] big = new byte[SiteAnswer.READ_WHOLE * 3 + 11];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        Files.write(root.resolve("big.txt"), big);
        route("web", new Site(root, false, Optional.empty()));
        java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI base = URI.create("http://127.0.0.1:" + h.gateway.port());
        h2.send(HttpRequest.newBuilder(base.resolve("/index.html")).header("Host", "web.localhost").build(), HttpResponse.BodyHandlers.ofString());

        HttpResponse<byte[]> whole = h2.send(HttpRequest.newBuilder(base.resolve("/big.txt")).header("Host", "web.localhost").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> part = h2.send(HttpRequest.newBuilder(base.resolve("/big.txt")).header("Host", "web.localhost")
                .header("Range", "bytes=2000000-2000009").build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(whole.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
        assertThat(whole.body()).isEqualTo(big);
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(new String(part.body(), StandardCharsets.US_ASCII)).isEqualTo(new String(big, 2000000, 10, StandardCharsets.US_ASCII));
    }

    @Test
    void fallsBackToIndexHtmlForAppRoutesOfASinglePageApp() {
        route("app", new Site(root, true, Optional.empty()));

        HttpResponse<String> route = get("/users/42", Map.of());
        HttpResponse<String> missingAsset = get("/missing.js", Map.of());

        assertThat(route.statusCode()).isEqualTo(200);
        assertThat(route.body()).isEqualTo("<h1>home</h1>");
        assertThat(route.headers().firstValue("cache-control")).contains("no-cache");
        assertThat(missingAsset.statusCode()).isEqualTo(404);
        assertThat(Harness.error(missingAsset).path("code").asText()).isEqualTo("static.not_found");
    }

    @Test
    void answersMissingFilesWithTheSitesOwn404Page() {
        route("web", new Site(root, false, Optional.of("404.html")));

        HttpResponse<String> missing = get("/nope", Map.of());

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("<h1>lost</h1>");
        assertThat(missing.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
    }

    @Test
    void servesADirectorysIndexAndNeverListsOne() {
        route("web", new Site(root, false, Optional.empty()));

        assertThat(get("/docs/", Map.of()).body()).isEqualTo("<h1>docs</h1>");
        assertThat(get("/docs", Map.of()).body()).isEqualTo("<h1>docs</h1>");
        HttpResponse<String> empty = get("/empty/", Map.of());
        assertThat(empty.statusCode()).isEqualTo(404);
        assertThat(Harness.error(empty).path("code").asText()).isEqualTo("static.not_found");
    }

    @Test
    void refusesDotDotSegments() throws IOException {
        route("web", new Site(root, false, Optional.empty()));

        RawHttp.Response response = raw("GET /../secret.txt HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("static.bad_path").doesNotContain("top secret");
    }

    @Test
    void refusesEncodedDotDotSegments() throws IOException {
        route("web", new Site(root, false, Optional.empty()));

        RawHttp.Response lower = raw("GET /%2e%2e/secret.txt HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");
        RawHttp.Response mixed = raw("GET /docs/%2E./..%2fsecret.txt HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");

        assertThat(lower.status()).isEqualTo(400);
        assertThat(lower.body()).doesNotContain("top secret");
        assertThat(mixed.status()).isEqualTo(400);
        assertThat(mixed.body()).doesNotContain("top secret");
    }

    @Test
    void doesNotFollowSymbolicLinksOutOfTheRoot() {
        route("web", new Site(root, false, Optional.empty()));

        HttpResponse<String> leak = get("/leak.txt", Map.of());

        assertThat(leak.statusCode()).isEqualTo(404);
        assertThat(leak.body()).doesNotContain("top secret");
    }

    @Test
    void answersHeadWithTheLengthAndNoBodyAndRefusesWrites() throws IOException {
        route("web", new Site(root, false, Optional.empty()));

        RawHttp.Response head;
        try (Socket socket = new Socket("127.0.0.1", h.gateway.port())) {
            RawHttp.write(socket.getOutputStream(), "HEAD /style.css HTTP/1.1\r\nHost: web.localhost\r\n\r\n"
                    + "GET /index.html HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");
            InputStream in = socket.getInputStream();
            head = headOnly(in);
            RawHttp.Response next = RawHttp.read(in);
            assertThat(next.body()).isEqualTo("<h1>home</h1>");  // nothing of the HEAD's body came before it
        }
        HttpResponse<String> post = h.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.gateway.port() + "/"))
                .header("Host", "web.localhost").POST(HttpRequest.BodyPublishers.ofString("x")).build());

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).isEqualTo("6");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(Harness.error(post).path("code").asText()).isEqualTo("static.method_not_allowed");
    }

    @Test
    void splitsTrafficBetweenTwoRevisionsOfASite() throws IOException {
        Path v2 = Files.createDirectories(dir.resolve("v2"));
        Files.writeString(v2.resolve("index.html"), "<h1>v2</h1>");
        RevisionRoute one = RevisionRoute.of("web-1", Duration.ofSeconds(10), 1 << 20, List.of()).withSite(new Site(root, false, Optional.empty()));
        RevisionRoute two = RevisionRoute.of("web-2", Duration.ofSeconds(10), 1 << 20, List.of()).withSite(new Site(v2, false, Optional.empty()));
        h.route(new ServiceRoute("web", List.of(), List.of(new ServiceRoute.Share("web-1", 50), new ServiceRoute.Share("web-2", 50)),
                Map.of(), Map.of("web-1", one, "web-2", two)));

        List<String> bodies = java.util.stream.IntStream.range(0, 10).mapToObj(i -> get("/", Map.of()).body()).toList();

        assertThat(bodies).filteredOn("<h1>home</h1>"::equals).hasSize(5);
        assertThat(bodies).filteredOn("<h1>v2</h1>"::equals).hasSize(5);
    }

    private void route(String service, Site site) {
        host = service + ".localhost";
        h.route(ServiceRoute.single(service, List.of(), RevisionRoute.of(service + "-1", Duration.ofSeconds(10), 1 << 20, List.of()).withSite(site)));
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.gateway.port() + path)).header("Host", host);
        headers.forEach(request::header);
        return h.send(request.build());
    }

    private RawHttp.Response raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", h.gateway.port())) {
            OutputStream out = socket.getOutputStream();
            RawHttp.write(out, request);
            return RawHttp.read(socket.getInputStream());
        }
    }

    /** A HEAD answer's head: RawHttp.read would wait for the body its Content-Length announces. */
    private static RawHttp.Response headOnly(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith("\r\n\r\n")) {
            text.append((char) in.read());
        }
        String[] lines = text.toString().split("\r\n");
        List<String[]> headers = java.util.Arrays.stream(lines).skip(1).map(l -> l.split(":\\s*", 2)).toList();
        return new RawHttp.Response(Integer.parseInt(lines[0].split(" ")[1]), headers, "");
    }

    private void write(String name, String content) throws IOException {
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
