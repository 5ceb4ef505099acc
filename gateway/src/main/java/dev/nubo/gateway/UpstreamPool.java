package dev.nubo.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive connections of one event loop to one instance: idle ones to reuse (most recent
 * first, so the rest age out), at most {@code max} open, and callers waiting for one when all are in
 * use. Everything runs on its loop, so nothing here locks. A connection is handed out to one
 * exchange at a time and comes back through {@link #release}, reusable or not, unless it is
 * {@link #detach detached} for good (a WebSocket).
 */
final class UpstreamPool {

    /** Set on a connection that no longer counts against {@code max}. */
    private static final AttributeKey<Boolean> DETACHED = AttributeKey.valueOf("nubo.upstream.detached");

    /** Told exactly once per {@link #acquire}, on the pool's loop: a connection, or why there is none. */
    interface Waiter {
        void connected(Channel channel);

        void failed(Throwable cause);
    }

    private record Idle(Channel channel, long since) {}

    private record Queued(Waiter waiter, ScheduledFuture<?> timeout) {}

    private final Endpoint endpoint;
    private final Bootstrap bootstrap;
    private final int max;
    private final long connectTimeoutMs;
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private final ArrayDeque<Queued> queued = new ArrayDeque<>();
    private int open;

    UpstreamPool(Endpoint endpoint, Bootstrap bootstrap, int max, long connectTimeoutMs) {
        this.endpoint = endpoint;
        this.bootstrap = bootstrap;
        this.max = max;
        this.connectTimeoutMs = connectTimeoutMs;
    }

    /**
     * A pooled connection at once when one is idle (the waiter is called before this returns), else a
     * new one, else the next one released; a waiter with none within the connect timeout fails.
     */
    void acquire(Waiter waiter) {
        for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
            if (i.channel().isActive()) {
                waiter.connected(i.channel());
                return;
            }
        }
        if (open < max) {
            connect(waiter);
            return;
        }
        queued.add(new Queued(waiter, bootstrap.config().group().schedule(() -> timedOut(waiter), connectTimeoutMs, TimeUnit.MILLISECONDS)));
    }

    private void timedOut(Waiter waiter) {
        if (queued.removeIf(q -> q.waiter() == waiter)) {
            waiter.failed(new ConnectTimeoutException("no pooled connection to " + endpoint.host() + ":" + endpoint.port()
                    + " came free within " + connectTimeoutMs + " ms (all " + max + " in use)"));
        }
    }

    private void connect(Waiter waiter) {
        open++;
        ChannelFuture f = bootstrap.connect(endpoint.host(), endpoint.port());
        Channel channel = f.channel();
        channel.closeFuture().addListener(c -> closed(channel));
        f.addListener(done -> {
            if (done.isSuccess()) {
                waiter.connected(channel);
            } else {
                waiter.failed(done.cause());
            }
        });
    }

    /**
     * The connection switched protocols (WebSocket) and will never come back for another request: it
     * stops counting against {@code max}, which sizes a keep-alive pool, not how many sockets an
     * instance may hold (its concurrency limit does that). Otherwise 256 idle sockets on a loop would
     * hold every slot, and the next upgrade or request to that instance would time out waiting for one.
     */
    void detach(Channel channel) {
        channel.attr(DETACHED).set(Boolean.TRUE);
        vacated();
    }

    /** A connection ended: one fewer open, and one more may be opened for whoever waits. */
    private void closed(Channel channel) {
        if (channel.hasAttr(DETACHED)) {
            return;  // counted out when it was detached
        }
        idle.removeIf(i -> i.channel() == channel);
        vacated();
    }

    private void vacated() {
        open--;
        Queued next = queued.pollFirst();
        if (next != null) {
            next.timeout().cancel(false);
            connect(next.waiter());
        }
    }

    /**
     * A connection comes back: kept for the next request when {@code reusable} (the exchange on it
     * ended cleanly, both messages whole and keep-alive), else closed.
     */
    void release(Channel channel, boolean reusable, long now) {
        if (!reusable || !channel.isActive()) {
            channel.close();
            return;
        }
        Queued next = queued.pollFirst();
        if (next != null) {
            next.timeout().cancel(false);
            next.waiter().connected(channel);
            return;
        }
        idle.addFirst(new Idle(channel, now));
    }

    /** Closes connections idle for {@code idleNanos} or more; the oldest are at the end. */
    void sweep(long now, long idleNanos) {
        for (Iterator<Idle> it = idle.descendingIterator(); it.hasNext(); ) {
            Idle i = it.next();
            if (now - i.since() < idleNanos) {
                return;
            }
            it.remove();
            i.channel().close();
        }
    }

    boolean unused() {
        return open == 0 && queued.isEmpty();
    }

    void closeAll() {
        for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
            i.channel().close();
        }
    }
}
