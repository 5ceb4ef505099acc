package dev.nubo.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's connection, on its event loop: turns each request head into an {@link Exchange},
 * feeds it its body, and keeps the connection honest. Without the checks here, connections that
 * never finish a request head pile up until the process runs out of file descriptors, and the
 * control API, instances and databases go down with the gateway.
 *
 * <ul>
 *   <li>The connection cap of {@link GatewayConfig}: over it, a new connection closes as it opens.</li>
 *   <li>The header timeout: a head must arrive whole within it of the connection opening or of the
 *       previous answer. Rather than a timer per request, the loop's periodic sweep asks
 *       {@link #overdue} a few times per timeout, so it fires up to a quarter of itself late.</li>
 *   <li>A head the decoder cannot parse (400, or 414 and 431 when too long) or that the gateway will
 *       not forward ({@link RequestHead}, 400) is answered with {@code Connection: close}, and nothing
 *       after it on the connection is served: its body's length is in doubt.</li>
 *   <li>Pipelined requests are served one after another: one that arrives while an answer is still
 *       going out waits here, and reading pauses until its turn.</li>
 * </ul>
 */
final class CallerConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(CallerConnection.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The connections open over all event loops and from each address, against their caps; and when a
     * refusal was last logged.
     */
    record Cap(int max, int perAddress, AtomicInteger open, ConcurrentHashMap<InetAddress, Integer> byAddress, AtomicLong lastWarned) {
        Cap(int max, int perAddress) {
            this(max, perAddress, new AtomicInteger(), new ConcurrentHashMap<>(), new AtomicLong(Long.MIN_VALUE));
        }

        /** Counts a connection from {@code address} unless that address is at its cap. */
        boolean admit(InetAddress address) {
            boolean[] admitted = {false};
            byAddress.compute(address, (a, n) -> {
                int now = n == null ? 0 : n;
                admitted[0] = now < perAddress;
                return admitted[0] ? now + 1 : now == 0 ? null : now;
            });
            return admitted[0];
        }

        void release(InetAddress address) {
            byAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Where a head goes once it is known to be well-formed: the gateway's request path. */
    interface Dispatch {
        void dispatch(Exchange exchange);
    }

    private final Loop loop;
    private final boolean secure;             // came over TLS
    private final Cap cap;
    private final Dispatch dispatch;
    private final Exchange.Settings settings;
    private ChannelHandlerContext ctx;
    private boolean counted;
    private InetAddress address;              // counted against the per-address cap, when it is
    private boolean closing;                  // a head was refused: nothing after it is served
    private long since;                       // when the wait for the next head began
    private Exchange receiving;               // the exchange whose request body is arriving
    private Exchange serving;                 // the exchange whose answer is not yet out
    private ArrayDeque<Object> pipelined;     // what arrived while an answer was still going out
    private boolean paused;
    private boolean inRead;
    private Exchange flushPending;
    private boolean multiplexed;              // switched to HTTP/2: its streams are callers of their own

    CallerConnection(Loop loop, Cap cap, Exchange.Settings settings, Dispatch dispatch, boolean secure) {
        this.loop = loop;
        this.secure = secure;
        this.cap = cap;
        this.settings = settings;
        this.dispatch = dispatch;
    }

    /** How often the loop sweeps: a quarter of the shorter of the header and tunnel idle timeouts, between 10 ms and 1 s. */
    static long sweepMillis(GatewayConfig config) {
        return Math.clamp(Math.min(config.headerTimeout().toMillis(), config.tunnelIdleTimeout().toMillis()) / 4, 10, 1_000);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (cap.open().incrementAndGet() > cap.max()) {
            cap.open().decrementAndGet();
            ctx.close();
            warnAtCap("the gateway has {} connections open, its cap: refusing new ones (at most one warning a minute). "
                    + "Raise --http-max-connections (and ulimit -n) if these callers are legitimate.", cap.max());
            return;
        }
        if (cap.perAddress() < Integer.MAX_VALUE && ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            if (!cap.admit(remote.getAddress())) {
                cap.open().decrementAndGet();
                ctx.close();
                warnAtCap("{} has {} connections open to the gateway, its cap per address: refusing more from it (at most one warning a minute). "
                        + "Raise --http-max-connections-per-client if it is a proxy for many callers.", remote.getAddress().getHostAddress(), cap.perAddress());
                return;
            }
            address = remote.getAddress();
        }
        counted = true;
        since = System.nanoTime();
        loop.watch(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            cap.open().decrementAndGet();
            if (address != null) {
                cap.release(address);
            }
            loop.forget(this);
        }
        if (receiving != null && receiving != serving) {
            receiving.onClientGone();
        }
        if (serving != null) {
            serving.onClientGone();
        }
        receiving = null;
        serving = null;
        if (pipelined != null) {
            pipelined.forEach(ReferenceCountUtil::release);
            pipelined.clear();
        }
    }

    /**
     * Whether the connection waits for a head, and has waited at least {@code headerNanos}; or is a
     * switched one (WebSocket) that has carried nothing either way for {@code tunnelIdleNanos}.
     */
    boolean overdue(long now, long headerNanos, long tunnelIdleNanos) {
        Exchange e = serving;
        return e == null ? !multiplexed && receiving == null && now - since >= headerNanos : e.tunnelIdle(now, tunnelIdleNanos);
    }

    void close() {
        ctx.close();
    }

    boolean secure() {
        return secure;
    }

    /**
     * The connection now speaks HTTP/2 ({@link CleartextHttp2}): each stream is served by a caller of
     * its own, and this one only keeps the connection counted against the cap. The header timeout no
     * longer applies: HTTP/2 callers keep their connections open between requests.
     */
    void multiplexed() {
        multiplexed = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inRead = true;
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (pipelined != null && !pipelined.isEmpty()) {
            pipelined.add(msg);
        } else {
            read(msg);
        }
    }

    private void read(Object msg) {
        if (msg instanceof HttpRequest head) {
            if (serving != null || receiving != null) {
                if (pipelined == null) {
                    pipelined = new ArrayDeque<>();
                }
                pipelined.add(msg);
                pause();
                return;
            }
            if (msg instanceof FullHttpRequest whole && !whole.decoderResult().isFailure()) {
                // An HTTP/2 stream without a body, or an h2c upgrade declined: a head and its body as one.
                onHead(new DefaultHttpRequest(whole.protocolVersion(), whole.method(), whole.uri(), whole.headers()));
                read(new DefaultLastHttpContent(whole.content(), whole.trailingHeaders()));
                return;
            }
            onHead(head);
            if (msg instanceof HttpContent whole) {  // a decoder failure comes as a full request
                whole.release();
            }
        } else if (msg instanceof ByteBuf bytes) {
            if (serving != null) {
                serving.tunnelFromCaller(bytes);  // switched protocols: the codec is gone
            } else {
                bytes.release();
            }
        } else if (msg instanceof HttpContent content) {
            Exchange e = receiving;
            if (e == null) {
                content.release();  // the rest of a body nobody reads
                return;
            }
            if (content instanceof LastHttpContent) {
                receiving = null;
            }
            e.onClientContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpRequest head) {
        if (ctx.channel() instanceof Http2StreamChannel) {
            CleartextHttp2.tidy(head.headers());
        }
        if (head.decoderResult().isFailure()) {
            Throwable cause = head.decoderResult().cause();
            int status = cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException ? 431 : 400;
            answerAndClose(GatewayError.malformed(status), RequestId.from(null));
            return;
        }
        Optional<String> flaw = RequestHead.flaw(head);
        if (flaw.isPresent()) {
            if (log.isDebugEnabled()) {
                log.debug("{} {} from {} refused: {}", head.method(), head.uri(), ctx.channel().remoteAddress(), flaw.get());
            }
            answerAndClose(GatewayError.refusedHead(flaw.get()), RequestId.from(head.headers().get(Forwarding.REQUEST_ID)));
            return;
        }
        Exchange exchange = new Exchange(head, this, loop, settings, System.nanoTime());
        receiving = exchange;
        serving = exchange;
        dispatch.dispatch(exchange);
    }

    private void answerAndClose(GatewayError error, String requestId) {
        closing = true;
        ctx.writeAndFlush(error.response(requestId, HttpVersion.HTTP_1_1, true)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        Exchange e = flushPending;
        if (e != null) {
            flushPending = null;
            e.flushToUpstream();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && serving != null) {
            serving.callerWritable();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("caller connection failed: {}", cause.toString());
        ctx.close();
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    /** Flushes the exchange's writes to its instance once this read is over, or now when no read is under way. */
    void flushToUpstreamAfterRead(Exchange e) {
        if (inRead) {
            if (flushPending != null && flushPending != e) {
                flushPending.flushToUpstream();
            }
            flushPending = e;
        } else {
            e.flushToUpstream();
        }
    }

    /** Answers {@code 100 Continue}, past the encoder: it is not the answer to the request. */
    void writeContinue() {
        if (ctx.channel() instanceof Http2StreamChannel) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));  // a HEADERS frame
        } else {
            ctx.pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(CONTINUE));
        }
    }

    void pause() {
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    void resume() {
        if (paused && (pipelined == null || pipelined.isEmpty())) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * The exchange's answer is out (its last write is {@code written}): the header clock starts again,
     * and a request that waited behind it is served. With {@code close}, the connection closes instead.
     */
    void answered(Exchange e, ChannelFuture written, boolean close) {
        if (serving != e) {
            return;
        }
        serving = null;
        since = System.nanoTime();
        if (close) {
            closing = true;
            written.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        while (pipelined != null && !pipelined.isEmpty() && serving == null && receiving == null && !closing) {
            read(pipelined.poll());
        }
        if (serving == null) {
            resume();
        }
    }

    private void warnAtCap(String message, Object... args) {
        long now = System.nanoTime();
        long last = cap.lastWarned().get();
        if ((last == Long.MIN_VALUE || now - last >= WARN_EVERY_NANOS) && cap.lastWarned().compareAndSet(last, now)) {
            log.warn(message, args);
        }
    }
}
