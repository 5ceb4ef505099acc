package dev.nubo.gateway;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callers' connections of one listener, on its event loop: the connection cap and the header
 * timeout of {@link GatewayConfig}, and the answers that close a connection (to a head that is
 * malformed or refused). Without them, connections that never finish a request head pile
 * up until the process runs out of file descriptors, and the control API, instances and databases
 * go down with the gateway. (The send timeout is the kernel's, see {@link Gateway}: Vert.x closes a
 * connection only after flushing it, which never happens while the caller has stopped reading.)
 *
 * <p>Rather than a timer per request (a task scheduled and cancelled on every request's path), a
 * periodic {@link #sweep} looks at every connection a few times per timeout; a request costs a
 * map lookup and a clock read. So the timeout fires up to a quarter of itself late.
 *
 * <p>Everything here runs on the listener's event loop except the {@link Cap}, which all
 * listeners share.
 */
final class CallerConnections {

    private static final Logger log = LoggerFactory.getLogger(CallerConnections.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    /** The connections open over all listeners, against the cap; and when a refusal was last logged. */
    record Cap(int max, AtomicInteger open, AtomicLong lastWarned) {
        Cap(int max) {
            this(max, new AtomicInteger(), new AtomicLong(Long.MIN_VALUE));
        }
    }

    /** One connection's state; {@code response} is null while the connection waits for a head. */
    private static final class Watched {
        final HttpConnection connection;
        HttpServerResponse response;
        long since;          // when the wait for a head began
        boolean closing;     // a request on it was refused; whatever follows on it is not served

        Watched(HttpConnection connection, long now) {
            this.connection = connection;
            this.since = now;
        }
    }

    private final Cap cap;
    private final long headerTimeoutNanos;
    private final LongSupplier nanoTime;
    private final HashMap<HttpConnection, Watched> watched = new HashMap<>();

    CallerConnections(GatewayConfig config, Cap cap, LongSupplier nanoTime) {
        this.cap = cap;
        this.headerTimeoutNanos = config.headerTimeout().toNanos();
        this.nanoTime = nanoTime;
    }

    /** How often to {@link #sweep}: a quarter of the header timeout, between 10 ms and 1 s. */
    static long sweepMillis(GatewayConfig config) {
        return Math.clamp(config.headerTimeout().toMillis() / 4, 10, 1_000);
    }

    /** A new connection: watched from now, or closed at once when the gateway is at its cap. */
    void accepted(HttpConnection connection) {
        if (cap.open().incrementAndGet() > cap.max()) {
            cap.open().decrementAndGet();
            connection.close();
            warnAtCap();
            return;
        }
        watched.put(connection, new Watched(connection, nanoTime.getAsLong()));
        connection.closeHandler(v -> {
            cap.open().decrementAndGet();
            watched.remove(connection);
        });
    }

    /**
     * A request head arrived whole: the header clock stops until its response has ended. False when
     * the request is not to be served: its connection is closing.
     */
    boolean headArrived(HttpServerRequest request) {
        Watched w = watched.get(request.connection());
        if (w == null || w.closing) {
            return false;
        }
        HttpServerResponse response = request.response();
        w.response = response;
        response.endHandler(v -> {
            if (w.response == response) {  // a pipelined successor may have arrived already
                w.response = null;
                w.since = nanoTime.getAsLong();
            }
        });
        return true;
    }

    /**
     * Answers a head the gateway will not forward (see {@link RequestHead}) with 400. Its body's
     * length is in doubt (that is the point of most such heads), so the connection closes once the
     * answer is out, and whatever the caller sent after the head (perhaps that body, read as the next
     * request) gets no answer.
     */
    void refuse(HttpServerRequest request, String flaw) {
        if (log.isDebugEnabled()) {
            log.debug("{} {} from {} refused: {}", request.method(), request.uri(), request.remoteAddress(), flaw);
        }
        answerAndClose(request, GatewayError.refusedHead(flaw), RequestId.from(request.headers().get(Forwarding.REQUEST_ID)));
    }

    /** Answers a head the decoder could not parse: 414 or 431 when it was too long, else 400; then closes. */
    void unparsed(HttpServerRequest request) {
        Watched w = watched.get(request.connection());
        if (w == null || w.closing) {
            return;  // behind a refused request: the connection is closing
        }
        Throwable cause = request.decoderResult().cause();
        int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        answerAndClose(request, GatewayError.malformed(status), RequestId.from(null));
    }

    private void answerAndClose(HttpServerRequest request, GatewayError error, String requestId) {
        Watched w = watched.get(request.connection());
        if (w != null) {
            w.closing = true;
        }
        request.response().putHeader("connection", "close");
        error.send(request.response(), requestId).onComplete(v -> request.connection().close());
    }

    /** Closes every connection that has had no whole head within the header timeout of opening or of its last answer. */
    void sweep() {
        long now = nanoTime.getAsLong();
        List<HttpConnection> overdue = new ArrayList<>();
        for (Watched w : watched.values()) {
            if (w.response == null && now - w.since >= headerTimeoutNanos) {
                overdue.add(w.connection);
            }
        }
        overdue.forEach(HttpConnection::close);  // not while iterating: a close may run its handler at once
    }

    private void warnAtCap() {
        long now = nanoTime.getAsLong();
        long last = cap.lastWarned().get();
        if ((last == Long.MIN_VALUE || now - last >= WARN_EVERY_NANOS) && cap.lastWarned().compareAndSet(last, now)) {
            log.warn("the gateway has {} connections open, its cap: refusing new ones (at most one warning a minute). "
                    + "Raise --http-max-connections (and ulimit -n) if these callers are legitimate.", cap.max());
        }
    }
}
