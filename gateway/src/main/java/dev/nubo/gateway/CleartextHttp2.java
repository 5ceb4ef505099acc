package dev.nubo.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.List;

/**
 * HTTP/2 from callers in cleartext (h2c), both ways RFC 9113 and curl know: a connection that opens
 * with the HTTP/2 preface ({@code curl --http2-prior-knowledge}, gRPC clients), and an HTTP/1.1 first
 * request that asks {@code Upgrade: h2c} ({@code curl --http2}, the JDK's HttpClient). Each stream then
 * becomes a child channel that looks like an HTTP/1.1 connection carrying one request (Netty's
 * {@link Http2StreamFrameToHttpObjectCodec}) served by its own {@link CallerConnection}, so the
 * request path, limits, holds and timeouts are the same code for both protocols; instances are still
 * spoken to in HTTP/1.1.
 *
 * <p>Both checks leave the pipeline after the connection's first bytes or first request, so an
 * HTTP/1.1 connection pays for them once, not per request.
 */
final class CleartextHttp2 {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
    /** An upgrade request's body is read whole before switching; more than this and the upgrade is declined. */
    private static final int MAX_UPGRADE_BODY = 64 * 1024;
    /** Callers' streams are not counted against the connection cap: their connection is. */
    private static final CallerConnection.Cap STREAMS = new CallerConnection.Cap(Integer.MAX_VALUE, Integer.MAX_VALUE);

    private CleartextHttp2() {
    }

    /**
     * Sets up a caller's connection: HTTP/1.1 with {@code caller} at the end, and the two ways to
     * switch to HTTP/2, whose streams get a {@link CallerConnection} each from {@code streamCaller}.
     */
    static void install(ChannelPipeline pipeline, HttpServerCodec http1, CallerConnection caller, StreamCaller streamCaller) {
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(
                ctx -> {
                    ctx.pipeline().remove(http1);
                    caller.multiplexed();
                },
                protocol -> io.netty.util.AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(), multiplexer(streamCaller)) : null,
                MAX_UPGRADE_BODY);
        pipeline.addLast(new Preface(http1, caller, streamCaller), http1, new FirstRequest(upgrade), upgrade, caller);
    }

    /**
     * Makes a stream's head read as the HTTP/1.1 head the rest of the gateway expects: Netty's
     * conversion adds its own extension headers (stream id, scheme), which the instance has no use for,
     * and turns {@code :authority} into a {@code Host} header even when the caller also sent one (the
     * JDK's HttpClient does, for a Host set by hand). Then the caller's own Host wins, as it would over
     * HTTP/1.1, instead of two Hosts refusing the request.
     */
    static void tidy(HttpHeaders headers) {
        headers.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
        headers.remove(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text());
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            headers.set(HttpHeaderNames.HOST, hosts.getLast());
        }
    }

    /** Makes the handler for one HTTP/2 stream. */
    interface StreamCaller {
        CallerConnection create(CallerConnection.Cap streams);
    }

    private static ChannelHandler multiplexer(StreamCaller streamCaller) {
        return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true, false), streamCaller.create(STREAMS));
            }
        });
    }

    /**
     * Looks at a connection's first bytes: the HTTP/2 preface swaps the HTTP/1.1 handlers for HTTP/2's,
     * anything else leaves them be. Either way this handler leaves, handing on what it held.
     */
    private static final class Preface extends ByteToMessageDecoder {
        private final HttpServerCodec http1;
        private final CallerConnection caller;
        private final StreamCaller streamCaller;

        Preface(HttpServerCodec http1, CallerConnection caller, StreamCaller streamCaller) {
            this.http1 = http1;
            this.caller = caller;
            this.streamCaller = streamCaller;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
            if (!ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), in, in.readerIndex(), n)) {
                ctx.pipeline().remove(this);  // HTTP/1.x: what was read goes on to its codec
            } else if (n == PREFACE.readableBytes()) {
                ChannelPipeline pipeline = ctx.pipeline();
                pipeline.remove(http1);
                pipeline.remove(FirstRequest.class);
                pipeline.remove(HttpServerUpgradeHandler.class);
                pipeline.addAfter(ctx.name(), "h2", Http2FrameCodecBuilder.forServer().build());
                pipeline.addAfter("h2", "h2-streams", multiplexer(streamCaller));  // it looks for the frame codec when added
                caller.multiplexed();
                pipeline.remove(this);  // the preface goes on to the frame codec, which checks it again
            }
            // else: a prefix of the preface so far; wait for more
        }
    }

    /** Keeps the upgrade handler only for a first request that asks for h2c; it costs a step per message otherwise. */
    private static final class FirstRequest extends ChannelInboundHandlerAdapter {
        private final HttpServerUpgradeHandler upgrade;

        FirstRequest(HttpServerUpgradeHandler upgrade) {
            this.upgrade = upgrade;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                String asked = request.headers().get(HttpHeaderNames.UPGRADE);
                if (asked == null || !Forwarding.isListedIn(asked, "h2c")) {
                    ctx.pipeline().remove(upgrade);
                }
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
