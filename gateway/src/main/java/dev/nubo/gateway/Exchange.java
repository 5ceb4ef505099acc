package dev.nubo.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One request's trip through the gateway, from the moment it is routed until the caller has the
 * whole answer or one side gave up. All of its callbacks run on the event loop of the caller's
 * connection (the client agent completes on the calling context), so its state needs no locks.
 *
 * <p>Phases: {@code ROUTING → [HOLDING →] CONNECTING → SENDING → STREAMING → DONE}, {@code CONNECTING
 * → HOLDING} when the instance did not take the connection (nothing was sent, so the request waits
 * again for room rather than fail), {@code HOLDING → ROUTING} when a held request's revision leaves the
 * route table, and any of them straight to {@code DONE}. The phase decides what a late event may still
 * do: a timeout only matters before {@code STREAMING}; after {@code DONE} every event is a no-op, which
 * is what makes the in-flight counter drop exactly once however the exchange ends.
 */
final class Exchange {

    /** What the access log records about a finished exchange. {@code status} 499 means the caller left. */
    record Outcome(int status, String service, String instance, Duration took, String result) {}

    private enum Phase { ROUTING, HOLDING, CONNECTING, SENDING, STREAMING, DONE }

    /**
     * How long an error answer waits for the rest of an unread request body before closing the
     * connection: long enough that a client still sending reads our answer instead of a reset.
     */
    private static final long LINGER_MS = 1_000;

    /**
     * How much longer a request waits for a connection from the pool than the pool's own connect
     * attempt may take (both are the gateway's connect timeout). Were the request to give up first,
     * the attempt would go on without it, and a connection that then succeeds (a dropped SYN is sent
     * again after a second) would sit idle in the pool, holding an instance that serves one
     * connection at a time (Python's http.server) until the pool drops it, seconds later.
     */
    private static final long CONNECT_WAIT_MARGIN_MS = 500;

    /** Answers with a Content-Length up to this are relayed in one write rather than streamed. */
    static final long WHOLE_BODY_LIMIT = 64 * 1024;

    private final Vertx vertx;
    private final Context context;
    private final HttpClientAgent client;
    private final Consumer<Exchange> reroute;
    private final long connectTimeoutMs;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final String requestId;
    private final long startNanos;
    private final long declaredLength;
    private final boolean chunkedBody;
    private final Promise<Outcome> outcome = Promise.promise();

    private Phase phase = Phase.ROUTING;
    private String service = "-";
    private Target target;
    private boolean counted;                 // arrival counted against the first routed revision
    private Demand.Held held;
    private long holdTimer = -1;
    private Upstream upstream;               // counted in flight; released once, in finish()
    private String instance = "-";
    private String lastRefusal;              // why the last instance tried did not take the connection, for a 503
    private HttpClientRequest upstreamRequest;
    private boolean upstreamRequestEnded;
    private boolean upstreamResponseEnded;
    private long bodyBytes;
    private boolean clientBodyEnded;
    private boolean closeWhenBodyEnds;
    private Future<Void> answered = Future.succeededFuture();
    private long deadlineTimer = -1;
    private long lingerTimer = -1;

    Exchange(HttpServerRequest request, Vertx vertx, HttpClientAgent client, Duration connectTimeout, long startNanos,
             Consumer<Exchange> reroute) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.client = client;
        this.reroute = reroute;
        this.connectTimeoutMs = connectTimeout.toMillis();
        this.request = request;
        this.response = request.response();
        this.startNanos = startNanos;
        this.requestId = RequestId.from(request.headers().get(Forwarding.REQUEST_ID));
        this.declaredLength = contentLength(request.headers().get("content-length"));
        String te = request.headers().get("transfer-encoding");
        this.chunkedBody = te != null && te.regionMatches(true, te.length() - 7, "chunked", 0, 7);
        request.handler(this::onClientChunk);
        request.endHandler(v -> onClientEnd());
        request.exceptionHandler(e -> onClientGone());
        response.closeHandler(v -> onClientGone());
    }

    String requestId() {
        return requestId;
    }

    long declaredLength() {
        return declaredLength;
    }

    Future<Outcome> outcome() {
        return outcome.future();
    }

    HttpServerRequest request() {
        return request;
    }

    /** The request goes to this revision of {@code serviceName}; it counts as one arrival there, once. */
    void routed(String serviceName, Target revision) {
        this.service = serviceName;
        this.target = revision;
        if (!counted) {
            counted = true;
            revision.demand().arrived();
        }
    }

    /** Answers with an error of the gateway's own, without any upstream. */
    void reject(GatewayError error) {
        answer(error);
        finish(error.status(), error.code());
    }

    /**
     * Sends the request to {@code claimed} (already counted in flight for it); if no connection to it
     * can be had, the request waits for room again.
     */
    void proxy(Upstream claimed) {
        long left = target.revision().timeout().toMillis() - (System.nanoTime() - startNanos) / 1_000_000;
        deadlineTimer = vertx.setTimer(Math.max(1, left), id -> onDeadline());
        connect(claimed);
    }

    /**
     * Waits for room in the routed revision: queued behind anyone already waiting, for at most the
     * revision's queue wait (counted from receipt). False, with a 503 sent, when the queue is full.
     */
    boolean hold() {
        return hold(false);
    }

    /** {@code again}: the request was handed an instance that did not take it; it keeps its place and what is left of its wait. */
    private boolean hold(boolean again) {
        RevisionRoute revision = target.revision();
        Demand demand = target.demand();
        long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
        long waitMs = Math.min(revision.queueWait().toMillis(), revision.timeout().toMillis()) - elapsedMs;
        if (revision.queueLength() == 0 || waitMs <= 0) {
            reject(again && waitMs <= 0 ? holdExpired(revision)
                    : GatewayError.noRoom(service, revision.revision(), revision.endpoints().isEmpty(), lastRefusal));
            return false;
        }
        Demand.Held h = new Demand.Held(demand, startNanos, new Demand.Waiter() {
            @Override
            public void room(Upstream claimed) {
                context.runOnContext(v -> onRoom(claimed));
            }

            @Override
            public void reroute() {
                context.runOnContext(v -> onReroute());
            }
        });
        if (again) {
            demand.requeue(h);
        } else if (!demand.hold(h, revision.queueLength())) {
            reject(GatewayError.queueFull(service, revision.revision(), revision.queueLength()));
            return false;
        }
        phase = Phase.HOLDING;
        held = h;
        holdTimer = vertx.setTimer(waitMs, id -> onHoldExpired(revision));
        demand.dispatch();
        if (demand.target() == null) {
            demand.rerouteAll();  // the revision left the table while we queued; no table swap will release us
        }
        return true;
    }

    private void onRoom(Upstream claimed) {
        cancelHoldTimer();
        held = null;
        if (phase != Phase.HOLDING) {
            claimed.release();  // gone meanwhile: the room goes to the next in line
            return;
        }
        proxy(claimed);
    }

    private void onReroute() {
        cancelHoldTimer();
        held = null;
        if (phase == Phase.HOLDING) {
            phase = Phase.ROUTING;
            reroute.accept(this);
        }
    }

    private void onHoldExpired(RevisionRoute revision) {
        holdTimer = -1;
        if (held != null && held.take()) {
            held.cancel();
            held = null;
            fail(holdExpired(revision));
        }
    }

    private GatewayError holdExpired(RevisionRoute revision) {
        return GatewayError.holdExpired(service, revision.revision(),
                Duration.ofMillis(Math.min(revision.queueWait().toMillis(), revision.timeout().toMillis())), lastRefusal);
    }

    private void cancelHoldTimer() {
        if (holdTimer != -1) {
            vertx.cancelTimer(holdTimer);
            holdTimer = -1;
        }
    }

    private void connect(Upstream claimed) {
        phase = Phase.CONNECTING;
        upstream = claimed;
        instance = claimed.instanceId();
        Endpoint endpoint = claimed.endpoint();
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(endpoint.host())
                .setPort(endpoint.port())
                .setURI(request.uri())
                .setConnectTimeout(connectTimeoutMs + CONNECT_WAIT_MARGIN_MS);
        long attemptStart = System.nanoTime();
        claimed.limit().connecting();
        client.request(options).onComplete(ar -> {
            claimed.limit().connected();
            if (ar.succeeded()) {
                send(ar.result());
            } else {
                onConnectFailed(claimed, attemptStart, ar.cause());
            }
        });
    }

    /**
     * The instance refused the connection or did not accept it in time (a full listen backlog, a
     * process still starting or gone), or no pooled connection came free: nothing of the request has
     * left, so it goes back to the queue, first in line again, with what is left of its wait. It is
     * answered only when that wait runs out (503), never because one instance would not take it. The
     * instance meanwhile takes less ({@link AdaptiveLimit}); when its pause ends nobody else may wake
     * the queue, so a timer does.
     */
    private void onConnectFailed(Upstream failed, long attemptStart, Throwable cause) {
        long pauseNanos = failed.limit().failed(System.nanoTime(), attemptStart);  // a fact about the instance, whoever still waits
        Demand demand = failed.demand();
        vertx.setTimer(Math.max(1, pauseNanos / 1_000_000), id -> demand.dispatch());
        if (phase != Phase.CONNECTING) {
            return;  // DONE: finish() gave the slot back
        }
        lastRefusal = failed.instanceId() + " did not take the connection: "
                + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        cancelDeadline();
        Upstream slot = upstream;
        upstream = null;
        if (target.revision().queueLength() == 0) {
            // Nothing may wait, but another instance with room right now is as good as the first.
            Target current = demand.target();
            Upstream other = current == null ? null : current.claim();
            if (other != null) {
                slot.release();
                proxy(other);
                return;
            }
        }
        hold(true);  // in the queue before the slot goes back, so the room it frees can be ours
        slot.release();
    }

    private void send(HttpClientRequest req) {
        if (phase == Phase.DONE) {
            req.reset();  // answered meanwhile; nothing was written, so the connection goes back to the pool
            return;
        }
        phase = Phase.SENDING;
        upstreamRequest = req;
        Forwarding.toUpstream(request, req.headers(), requestId);
        if (chunkedBody) {
            req.setChunked(true);
        }
        req.exceptionHandler(this::onUpstreamFailure);
        req.drainHandler(v -> request.resume());
        req.response().onComplete(ar -> {
            if (ar.succeeded()) {
                onResponse(ar.result());
            } else {
                onUpstreamFailure(ar.cause());
            }
        });
        if (request.headers().contains("expect", "100-continue", true)) {
            response.writeContinue();
        }
        request.resume();
    }

    private void onClientChunk(Buffer chunk) {
        if (phase == Phase.DONE || upstreamRequest == null || upstreamRequestEnded) {
            return;  // discarding the rest of a body nobody will read
        }
        bodyBytes += chunk.length();
        long limit = target.revision().maxBodySize();
        if (bodyBytes > limit) {
            fail(GatewayError.tooLargeWhileStreaming(service, limit));
            return;
        }
        upstreamRequest.write(chunk);
        if (upstreamRequest.writeQueueFull()) {
            request.pause();  // resumed by the upstream request's drain handler
        }
    }

    private void onClientEnd() {
        clientBodyEnded = true;
        if (phase != Phase.DONE && upstreamRequest != null && !upstreamRequestEnded) {
            upstreamRequestEnded = true;
            upstreamRequest.end();
        }
        if (lingerTimer != -1) {
            vertx.cancelTimer(lingerTimer);
        }
        if (closeWhenBodyEnds) {
            closeClient();
        }
    }

    private void onResponse(HttpClientResponse upstreamResponse) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.STREAMING;
        upstream.limit().answered(upstream.inFlight().get());
        cancelDeadline();  // the deadline is for the first answer; a stream may then run as long as it likes
        response.setStatusCode(upstreamResponse.statusCode());
        String reason = upstreamResponse.statusMessage();
        if (reason != null && !reason.isEmpty()) {
            response.setStatusMessage(reason);
        }
        Forwarding.toClient(upstreamResponse.headers(), response.headers());
        response.putHeader(Forwarding.REQUEST_ID, requestId);
        long length = contentLength(upstreamResponse.headers().get("content-length"));
        boolean sized = length >= 0;
        boolean bodyless = request.method() == HttpMethod.HEAD || upstreamResponse.statusCode() == 204
                || upstreamResponse.statusCode() == 304;
        if (sized && !bodyless && length <= WHOLE_BODY_LIMIT) {
            relayWhole(upstreamResponse);
            return;
        }
        if (!sized && !bodyless && request.version() != HttpVersion.HTTP_1_0) {
            response.setChunked(true);
        }
        if ((sized || response.isChunked()) && !bodyless) {
            response.writeHead();  // the caller sees the head now, even if the body takes a while (SSE)
        }
        response.drainHandler(v -> upstreamResponse.resume());
        upstreamResponse.exceptionHandler(this::onUpstreamFailure);
        upstreamResponse.handler(chunk -> {
            if (phase == Phase.STREAMING) {
                response.write(chunk);
                if (response.writeQueueFull()) {
                    upstreamResponse.pause();  // resumed by the caller's drain handler
                }
            }
        });
        upstreamResponse.endHandler(v -> {
            if (phase != Phase.STREAMING) {
                return;
            }
            upstreamResponseEnded = true;
            // The instance is done with it: release before the last write rather than after.
            finish(upstreamResponse.statusCode(), "ok");
            if (response.isChunked()) {
                response.trailers().addAll(upstreamResponse.trailers());
            }
            response.end();
        });
    }

    /**
     * A small answer of known length goes out in one write, head and body together, the way
     * nginx's proxy buffering does: streaming it would cost a write (and a system call) for the head,
     * one per chunk and one for the end. It arrives whole within moments, so nothing waits on it.
     */
    private void relayWhole(HttpClientResponse upstreamResponse) {
        upstreamResponse.exceptionHandler(this::onUpstreamFailure);
        upstreamResponse.body().onComplete(ar -> {
            if (phase != Phase.STREAMING) {
                return;
            }
            if (ar.failed()) {
                onUpstreamFailure(ar.cause());
                return;
            }
            upstreamResponseEnded = true;
            finish(upstreamResponse.statusCode(), "ok");
            response.end(ar.result());
        });
    }

    private void onUpstreamFailure(Throwable cause) {
        if (phase == Phase.DONE) {
            return;
        }
        if (phase == Phase.STREAMING) {
            // Part of the answer is out: cutting the connection is the only way to tell the caller it is incomplete.
            finish(502, "upstream broke off: " + cause.getMessage());
            response.reset();
            return;
        }
        fail(GatewayError.upstreamFailed(service, upstream, cause));
    }

    private void onDeadline() {
        deadlineTimer = -1;
        if (phase == Phase.CONNECTING || phase == Phase.SENDING) {
            fail(GatewayError.timeout(service, target.revision().timeout()));
        }
    }

    private void onClientGone() {
        if (phase == Phase.DONE) {
            return;
        }
        if (held != null && held.take()) {
            held.cancel();  // else a dispatcher has it already: onRoom will see DONE and pass the room on
        }
        finish(499, "caller went away");  // also resets the upstream request, freeing the instance
    }

    private void fail(GatewayError error) {
        if (phase == Phase.DONE) {
            return;
        }
        Phase failedIn = phase;
        finish(error.status(), error.code());
        if (failedIn == Phase.STREAMING) {
            response.reset();
        } else {
            answer(error);
        }
    }

    /**
     * Writes an error answer. When part of the request body is still unread, the connection cannot
     * carry another request, so the answer says {@code Connection: close} and the connection closes
     * once the body has ended or after {@link #LINGER_MS}. An oversized body always closes it.
     */
    private void answer(GatewayError error) {
        if (response.closed()) {
            return;  // the caller is gone; nobody to answer
        }
        boolean bodyPending = !clientBodyEnded && (declaredLength > 0 || chunkedBody);
        boolean close = bodyPending || error.status() == 413;
        if (close) {
            response.putHeader("connection", "close");
        }
        answered = error.send(response, requestId);
        if (!close) {
            request.resume();  // consume the (empty) rest so the connection can serve the next request
        } else if (clientBodyEnded) {
            closeClient();
        } else {
            closeWhenBodyEnds = true;
            lingerTimer = vertx.setTimer(LINGER_MS, id -> closeClient());
            request.resume();
        }
    }

    /** Ends the exchange: exactly once, whatever called it. */
    private void finish(int status, String result) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        cancelDeadline();
        cancelHoldTimer();
        if (upstreamRequest != null && !upstreamResponseEnded) {
            upstreamRequest.reset();  // closes the connection if anything went out, else hands it back unused
        } else if (upstreamRequest != null && !upstreamRequestEnded) {
            // The instance answered before the whole body went out. Closing, not reset(): once the
            // response has ended, Vert.x would recycle the half-written connection into the pool.
            upstreamRequest.connection().close();
            lingerTimer = vertx.setTimer(LINGER_MS, id -> closeClient());
            request.resume();
        }
        releaseUpstream();
        outcome.complete(new Outcome(status, service, instance, Duration.ofNanos(System.nanoTime() - startNanos), result));
    }

    private void releaseUpstream() {
        if (upstream != null) {
            upstream.release();
            upstream = null;
        }
    }

    private void cancelDeadline() {
        if (deadlineTimer != -1) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
    }

    private void closeClient() {
        answered.onComplete(v -> request.connection().close());
    }

    private static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;  // the HTTP decoder rejects these before we see them
        }
    }
}
