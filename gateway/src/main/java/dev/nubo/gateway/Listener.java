package dev.nubo.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's sockets, on Netty directly: one event loop per processor (epoll where Linux has it,
 * else NIO), each with its {@link Loop}, and one listening socket whose connections are spread over
 * them. The forwarding path is written on Netty rather than on Vert.x's HTTP server and client
 * because those cost, per request, more than the whole proxy may (futures, a copy of every header
 * both ways, per-request timers, a pool acquisition through a waiter queue); see bench/README.md.
 */
final class Listener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Listener.class);
    /** Request line and head limits, as before on Vert.x: over them a caller gets 414 or 431. */
    static final int MAX_LINE = 4096;
    static final int MAX_HEAD = 8192;
    /** Body parts are handed on at most this large; they are slices of what was read, not copies. */
    static final int MAX_CHUNK = 64 * 1024;

    /**
     * Pooled direct buffers, read and written through Unsafe. Netty's default (adaptive) allocator hands
     * out buffers that, on this JDK, reach their memory through ByteBuffer accessors, each byte access
     * checked: the head's encoder writes byte by byte, and that showed as 5% of the gateway's CPU.
     */
    static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    private final EventLoopGroup group;
    private final Channel server;
    private final Optional<Channel> secure;

    private Listener(EventLoopGroup group, Channel server, Optional<Channel> secure) {
        this.group = group;
        this.server = server;
        this.secure = secure;
    }

    /**
     * How the gateway decodes HTTP/1.x heads, both ways. Netty's own header validation is off:
     * {@link RequestHead} checks every request head in one pass, and responses are the instances'.
     */
    static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_LINE)
                .setMaxHeaderSize(MAX_HEAD)
                .setMaxChunkSize(MAX_CHUNK)
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false))
                .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValidation(false));
    }

    /** Binds {@code config}'s host and port; throws what Netty threw when it cannot. */
    static Listener bind(GatewayConfig config, CallerConnection.Cap cap, Exchange.Settings settings, CallerConnection.Dispatch dispatch)
            throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        if (!epoll) {
            log.info("the gateway's send timeout is not enforced: it needs the native epoll transport, and Netty uses Java NIO ({})",
                    String.valueOf(Epoll.unavailabilityCause()));
        }
        Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends SocketChannel> socketType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("nubo-gateway", true), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Map<EventExecutor, Loop> loops = new IdentityHashMap<>();
        for (EventExecutor executor : group) {
            loops.put(executor, new Loop((EventLoop) executor, socketType, config));
        }
        try {
            Optional<SslContext> tls = config.tls().map(Listener::sslContext);
            Channel server = bootstrap(config, group, serverType, epoll, loops, Optional.empty(), cap, settings, dispatch)
                    .bind(config.host(), config.port()).sync().channel();
            Optional<Channel> secure = Optional.empty();
            if (tls.isPresent()) {
                secure = Optional.of(bootstrap(config, group, serverType, epoll, loops, tls, cap, settings, dispatch)
                        .bind(config.host(), config.tls().orElseThrow().port()).sync().channel());
            }
            return new Listener(group, server, secure);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * A caller's connection: TLS first when {@code tls} is there, then HTTP/1.1 or HTTP/2
     * ({@link CleartextHttp2}: after TLS, a caller that chose h2 by ALPN opens with the preface).
     */
    private static ServerBootstrap bootstrap(GatewayConfig config, EventLoopGroup group, Class<? extends ServerChannel> serverType, boolean epoll,
            Map<EventExecutor, Loop> loops, Optional<SslContext> tls, CallerConnection.Cap cap, Exchange.Settings settings,
            CallerConnection.Dispatch dispatch) {
        boolean secure = tls.isPresent();
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(serverType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Loop loop = loops.get(ch.eventLoop());
                        tls.ifPresent(context -> ch.pipeline().addLast(context.newHandler(ch.alloc())));
                        CleartextHttp2.install(ch.pipeline(), new HttpServerCodec(decoderConfig()), new CallerConnection(loop, cap, settings, dispatch, secure),
                                streams -> new CallerConnection(loop, streams, settings, dispatch, secure));
                    }
                });
        if (epoll) {
            // The send timeout: the kernel cuts a caller that leaves sent bytes unacknowledged, or stops
            // reading (a zero window), for that long. Closing from here would first flush, which never ends.
            bootstrap.childOption(EpollChannelOption.TCP_USER_TIMEOUT, (int) Math.min(Integer.MAX_VALUE, config.sendTimeout().toMillis()));
        }
        return bootstrap;
    }

    /** The certificate and key read once; ALPN offers h2 first, then HTTP/1.1. */
    private static SslContext sslContext(GatewayTls tls) {
        try {
            return SslContextBuilder.forServer(tls.certificate().toFile(), tls.key().toFile())
                    .sslProvider(SslProvider.JDK)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use the TLS certificate " + tls.certificate() + " with key " + tls.key()
                    + ": " + e.getMessage() + "; pass a PEM certificate chain and its PEM private key in PKCS#8 (BEGIN PRIVATE KEY)", e);
        }
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The TLS port, when the gateway serves TLS. */
    Optional<Integer> securePort() {
        return secure.map(c -> ((InetSocketAddress) c.localAddress()).getPort());
    }

    /** Stops listening and closes every connection; waits at most {@code seconds}. */
    void close(long seconds) {
        server.close().awaitUninterruptibly(seconds, TimeUnit.SECONDS);
        secure.ifPresent(c -> c.close().awaitUninterruptibly(seconds, TimeUnit.SECONDS));
        group.shutdownGracefully(0, seconds, TimeUnit.SECONDS).awaitUninterruptibly(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        close(Gateway.CLOSE_WAIT_SECONDS);
    }
}
