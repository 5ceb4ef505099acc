package dev.nubo.server;

import dev.nubo.apis.ApiGate;
import dev.nubo.model.EventHeader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * How an API's custom authorizer reaches its Nubo function: a direct invocation through this
 * server's own gateway (as {@code nubo invoke} makes it), so the function is started from zero, held
 * and limited like any request to it, and a Lambda-style one gets the event itself. 10 s at most.
 */
final class ApiFunctionCalls {

    private static final long TIMEOUT_MS = 10_000;

    private ApiFunctionCalls() {}

    static ApiGate.FunctionCaller through(Vertx vertx, String domain, int gatewayPort) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAliveTimeout(30));
        return (function, event) -> {
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/")
                    .setServer(SocketAddress.inetSocketAddress(gatewayPort, "127.0.0.1"))
                    .setHost(function + "." + domain).setPort(gatewayPort).setIdleTimeout(TIMEOUT_MS)
                    .putHeader("content-type", "application/json")
                    .putHeader(EventHeader.NAME, EventHeader.DIRECT).putHeader(EventHeader.KEY, EventHeader.key());
            CompletableFuture<ApiGate.FunctionReply> reply = new CompletableFuture<>();
            client.request(options)
                    .compose(r -> r.send(Buffer.buffer(event)))
                    .compose(resp -> resp.body().map(b -> new ApiGate.FunctionReply(resp.statusCode(), b.getBytes())))
                    .onComplete(r -> {
                        if (r.succeeded()) {
                            reply.complete(r.result());
                        } else {
                            reply.completeExceptionally(r.cause());
                        }
                    });
            return reply;
        };
    }
}
