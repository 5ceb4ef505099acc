package dev.nubo.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * One request to a static site, answered by the gateway: look the path up ({@link SiteFiles}: from
 * memory when known, else on its disk threads and back on the event loop), decide the answer from
 * the request's headers ({@link SiteReply}), and send it: a small file from memory, a large one as a
 * file region on a plain connection (zero-copy), else read off the loop first (TLS, HTTP/2).
 */
final class SiteAnswer {

    /** Up to this size a file a region cannot carry is read whole, off the loop; larger ones are streamed. */
    static final int READ_WHOLE = 1 << 20;
    private static final int PIECE = 64 * 1024;

    private final Exchange exchange;
    private final SiteFiles files;
    private final Site site;

    SiteAnswer(Exchange exchange, SiteFiles files, Site site) {
        this.exchange = exchange;
        this.files = files;
        this.site = site;
    }

    void start() {
        HttpMethod method = exchange.request().method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            exchange.reject(GatewayError.notReadable(exchange.service(), method.name()));
            return;
        }
        String path = Gateway.path(exchange.request().uri());
        var known = files.known(site, path);
        if (known.isPresent()) {
            answer(known.get(), path);
            return;
        }
        var loop = exchange.caller().channel().eventLoop();
        files.find(site, path).whenComplete((found, failure) -> loop.execute(() -> {
            if (!exchange.done()) {
                answer(failure == null ? found : SiteLookup.MISSING, path);
            }
        }));
    }

    private void answer(SiteLookup lookup, String path) {
        switch (lookup) {
            case SiteLookup.Refused refused -> exchange.reject(GatewayError.outsideSite(exchange.service(), refused.why()));
            case SiteLookup.Missing missing -> exchange.reject(GatewayError.notInSite(exchange.service(), path));
            case SiteLookup.Found found -> send(SiteReply.of(found, exchange.request().headers()));
        }
    }

    private void send(SiteReply reply) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(reply.status());
        var version = exchange.request().protocolVersion();
        boolean head = exchange.request().method().equals(HttpMethod.HEAD);
        if (reply.body().isEmpty() || head) {
            FullHttpResponse response = new DefaultFullHttpResponse(version, status, Unpooled.EMPTY_BUFFER, reply.headers(),
                    io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
            if (reply.body().isPresent()) {
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, reply.length());  // what a GET would have carried
            } else if (reply.status() != 304) {
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);  // else a keep-alive caller reads until the connection closes
            }
            exchange.replyWhole(response, "static");
            return;
        }
        SiteFile file = reply.body().get();
        reply.headers().set(HttpHeaderNames.CONTENT_LENGTH, reply.length());
        if (file.bytes().isPresent()) {
            exchange.replyWhole(new DefaultFullHttpResponse(version, status,
                    Unpooled.wrappedBuffer(file.bytes().get(), (int) reply.offset(), (int) reply.length()), reply.headers(),
                    io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE), "static");
        } else if (zeroCopy()) {
            HttpResponse response = new DefaultHttpResponse(version, status, reply.headers());
            exchange.replyFile(response, new DefaultFileRegion(file.path().toFile(), reply.offset(), reply.length()), true, "static");
        } else if (reply.length() > READ_WHOLE && !exchange.bodyPending()) {
            streamFrom(file, reply, new DefaultHttpResponse(version, status, reply.headers()));
        } else {
            var loop = exchange.caller().channel().eventLoop();
            files.read(file.path(), reply.offset(), reply.length()).whenComplete((bytes, failure) -> loop.execute(() -> {
                if (exchange.done()) {
                    return;
                }
                if (failure != null) {
                    exchange.reject(GatewayError.notInSite(exchange.service(), Gateway.path(exchange.request().uri())));
                    return;
                }
                exchange.replyWhole(new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(bytes), reply.headers(),
                        io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE), "static");
            }));
        }
    }

    /**
     * A large file where a file region cannot go (TLS, HTTP/2): read in pieces as the caller takes them
     * ({@link ChunkedWriteHandler}, put before this connection's handler on first use), so memory holds
     * one piece per connection, not the file. Each piece is a small read from the page cache on the loop.
     */
    private void streamFrom(SiteFile file, SiteReply reply, HttpResponse head) {
        var caller = exchange.caller();
        ChunkedNioFile chunks;
        try {
            chunks = new ChunkedNioFile(java.nio.channels.FileChannel.open(file.path()), reply.offset(), reply.length(), PIECE);
        } catch (java.io.IOException e) {
            exchange.reject(GatewayError.notInSite(exchange.service(), Gateway.path(exchange.request().uri())));
            return;
        }
        if (caller.pipeline().get(ChunkedWriteHandler.class) == null) {
            caller.pipeline().addBefore(caller.name(), "site-chunks", new ChunkedWriteHandler());
        }
        exchange.replyFile(head, new HttpChunkedInput(chunks), false, "static");
    }

    /** A file region goes straight from the page cache to the socket: not through TLS, nor into HTTP/2 frames. */
    private boolean zeroCopy() {
        var caller = exchange.caller();
        return caller.channel() instanceof SocketChannel && caller.pipeline().get(SslHandler.class) == null && !exchange.bodyPending();
    }
}
