package dev.nubo.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What one of the gateway's event loops owns: the callers' connections it serves and its own
 * keep-alive pools to the instances. A caller's request and its trip to the instance stay on this
 * loop from the first byte to the last, so none of this locks, and nothing hops threads. A periodic
 * sweep closes callers' connections past the header timeout and pooled connections idle too long.
 *
 * <p><b>Deadlines.</b> An exchange waiting for its instance's answer is on this loop's list of
 * deadlines rather than on a timer of its own: a timer per request is a task scheduled into a
 * priority queue and cancelled again on every request's path. While the list is not empty, a check
 * every {@link #DEADLINE_TICK_MS} ms fails those past their deadline, so a timeout fires up to that
 * much late.
 */
final class Loop {

    private final EventLoop eventLoop;
    private final Bootstrap upstreams;
    private final GatewayConfig config;
    private final HashMap<Endpoint, UpstreamPool> pools = new HashMap<>();
    private final Set<CallerConnection> callers = new HashSet<>();
    /** How often waiting exchanges are checked against their deadlines. */
    static final long DEADLINE_TICK_MS = 10;
    private final Exchange deadlines = Exchange.listHead();  // a ring of exchanges waiting for an answer
    private boolean ticking;

    Loop(EventLoop eventLoop, Class<? extends Channel> channelType, GatewayConfig config) {
        this.eventLoop = eventLoop;
        this.config = config;
        this.upstreams = new Bootstrap().group(eventLoop).channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, Listener.ALLOCATOR)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(Listener.decoderConfig(), false, false), new UpstreamConnection());
                    }
                });
        long sweep = CallerConnection.sweepMillis(config);
        eventLoop.scheduleAtFixedRate(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    EventLoop eventLoop() {
        return eventLoop;
    }

    /** This loop's pool of connections to {@code endpoint}. */
    UpstreamPool pool(Endpoint endpoint) {
        UpstreamPool pool = pools.get(endpoint);
        if (pool == null) {
            pool = new UpstreamPool(endpoint, upstreams, config.maxConnectionsPerEndpoint(), config.connectTimeout().toMillis());
            pools.put(endpoint, pool);
        }
        return pool;
    }

    /** Puts the exchange on the deadline list (it must not be on it); its {@code deadlineNanos} is checked from now on. */
    void awaitAnswer(Exchange exchange) {
        exchange.linkBefore(deadlines);
        if (!ticking) {
            ticking = true;
            eventLoop.schedule(this::tick, DEADLINE_TICK_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        java.util.List<Exchange> due = null;
        for (Exchange e = deadlines.next(); e != deadlines; e = e.next()) {
            if (now - e.deadlineNanos() >= 0) {
                (due == null ? due = new java.util.ArrayList<>() : due).add(e);
            }
        }
        if (due != null) {
            for (Exchange e : due) {  // not while walking the list: failing one may end others
                e.unlink();
                e.onDeadline();
            }
        }
        ticking = deadlines.next() != deadlines;
        if (ticking) {
            eventLoop.schedule(this::tick, DEADLINE_TICK_MS, TimeUnit.MILLISECONDS);
        }
    }

    void watch(CallerConnection caller) {
        callers.add(caller);
    }

    void forget(CallerConnection caller) {
        callers.remove(caller);
    }

    private void sweep() {
        long now = System.nanoTime();
        long headerTimeout = config.headerTimeout().toNanos();
        long tunnelIdle = config.tunnelIdleTimeout().toNanos();
        CallerConnection[] overdue = callers.stream().filter(c -> c.overdue(now, headerTimeout, tunnelIdle)).toArray(CallerConnection[]::new);
        for (CallerConnection c : overdue) {
            c.close();  // not while iterating: a close may run its handler at once
        }
        long idle = TimeUnit.SECONDS.toNanos(Gateway.POOL_IDLE_SECONDS);
        pools.values().forEach(p -> p.sweep(now, idle));
        pools.values().removeIf(UpstreamPool::unused);
    }
}
