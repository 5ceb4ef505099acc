package dev.nubo.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's files as a browser gets them, from a real Vert.x server on a loopback port. */
class ConsoleFilesTest {

    static final Path WEB = Path.of("src/main/resources/dev/nubo/console/web");
    static Vertx vertx;
    static HttpServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void serve() {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        Console.mount(router);
        router.route().handler(ctx -> ctx.response().setStatusCode(401).end("token needed")); // as the API's check would
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void consoleWithoutTheSlashRedirectsToThePageItsRelativeLinksNeed() throws Exception {
        HttpResponse<String> r = get("/console");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).contains("/console/");
    }

    @Test
    void servesThePageWithoutATokenAndWithAPolicyThatAllowsOnlyItsOwnFiles() throws Exception {
        HttpResponse<String> r = get("/console/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(r.headers().firstValue("Content-Security-Policy")).contains(Console.POLICY);
        assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(r.body()).contains("<script type=\"module\" src=\"app.js\"></script>");
        assertThat(get("/console/app.js").headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
        assertThat(get("/console/console.css").headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
    }

    @Test
    void servesNothingButTheConsolesOwnFiles() throws Exception {
        for (String path : List.of("/console/nope.js", "/console/..%2Fpom.xml", "/console/Console.class", "/console/web/app.js")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).contains("the console starts at /console/");
        }
        assertThat(get("/v1/services").statusCode()).as("the rest is the API's").isEqualTo(401);
        // Vert.x resolves the dots first: this asks for /Console.class, which is the API's to refuse.
        assertThat(get("/console/%2e%2e/Console.class").statusCode()).isEqualTo(401);
    }

    @Test
    void everyModuleAPageImportsIsServed() throws Exception {
        Pattern from = Pattern.compile("from '\\./([^']+)'");
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.list(WEB)) {
            for (Path js : files.filter(f -> f.toString().endsWith(".js")).toList()) {
                Matcher m = from.matcher(Files.readString(js));
                while (m.find()) {
                    if (get("/console/" + m.group(1)).statusCode() != 200) {
                        missing.add(js.getFileName() + " imports " + m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThat(missing).isEmpty();
    }
}
