package dev.nubo.function;

/**
 * A function that sees the whole HTTP request and shapes the whole response: method, path, query,
 * headers and raw body. Use it for webhooks, form posts, or anything that is not JSON.
 *
 * <pre>{@code
 * public final class Echo implements HttpHandler {
 *     public HttpResponse handle(HttpRequest request, Context context) {
 *         return HttpResponse.of(200, "text/plain", request.body());
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request, Context context) throws Exception;
}
