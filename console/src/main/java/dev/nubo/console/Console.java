package dev.nubo.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console (docs/CONSOLE.md): static HTML, CSS and JavaScript modules shipped in this jar and
 * served at {@code /console} on the control API's address, so a browser is all a user needs beside
 * {@code nubo server}. The pages hold no secret: they are served without a token and call the control
 * API with the token the user signs in with, as any other client does.
 *
 * <pre>{@code
 * Console.mount(router); // before the API's bearer-token check
 * }</pre>
 */
public final class Console {

    /** The only names served: one flat folder, so no path can climb out of it. */
    private static final Pattern FILE = Pattern.compile("[a-z][a-z0-9-]*\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
    /**
     * Scripts and styles only from these files (no inline script, nothing from elsewhere), and calls only
     * to this origin: a service's name or a log line that reached the page as markup could not run.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, Buffer> LOADED = new ConcurrentHashMap<>();

    private Console() {}

    /** Adds the console's routes; mount them before any route that asks for a token. */
    public static void mount(Router router) {
        // Vert.x matches "/console" and "/console/" alike; the pages' relative links need the slash.
        router.get("/console").handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                serve(ctx, "index.html");
            } else {
                ctx.redirect("/console/");
            }
        });
        router.get("/console/:file").handler(ctx -> serve(ctx, ctx.pathParam("file")));
        router.route("/console/*").handler(Console::notFound);
    }

    private static void serve(RoutingContext ctx, String file) {
        Optional<Buffer> content = FILE.matcher(file).matches() ? load(file) : Optional.empty();
        if (content.isEmpty()) {
            notFound(ctx);
            return;
        }
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, TYPES.get(file.substring(file.lastIndexOf('.') + 1)))
                // Revalidated on every load, so that an upgraded server never runs against yesterday's pages.
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("Content-Security-Policy", POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .end(content.get());
    }

    private static void notFound(RoutingContext ctx) {
        ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end("no console page " + ctx.request().path() + "; the console starts at /console/\n");
    }

    /** A file of the console, read from the jar once (they are a few kilobytes each) and kept. */
    private static Optional<Buffer> load(String file) {
        Buffer cached = LOADED.get(file);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = Console.class.getResourceAsStream("web/" + file)) {
            if (in == null) {
                return Optional.empty();
            }
            Buffer read = Buffer.buffer(in.readAllBytes());
            LOADED.put(file, read);
            return Optional.of(read);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's " + file + " from its jar", e);
        }
    }
}
