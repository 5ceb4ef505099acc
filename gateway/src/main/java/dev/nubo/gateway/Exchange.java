package dev.nubo.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One request's trip through the gateway, from the moment its head arrived until the caller has the
 * whole answer or one side gave up. Everything happens on the event loop of the caller's connection,
 * which is also the loop of the pooled connection to the instance ({@link Loop}), so its state needs
 * no locks. The decoded request head is edited in place ({@link Forwarding}) and written on to the
 * instance as is; the instance's response head likewise to the caller; body parts pass by reference.
 *
 * <p>Phases: {@code ROUTING → [HOLDING →] CONNECTING → SENDING → STREAMING → DONE}, {@code CONNECTING
 * → HOLDING} when the instance did not take the connection (nothing was sent, so the request waits
 * again for room rather than fail), {@code HOLDING → ROUTING} when a held request's revision leaves the
 * route table, and any of them straight to {@code DONE}. The phase decides what a late event may still
 * do: a timeout only matters before {@code STREAMING}; after {@code DONE} every event is a no-op, which
 * is what makes the in-flight counter drop exactly once however the exchange ends.
 */
final class Exchange implements UpstreamPool.Waiter, FrontDoor.Head {

    /** What the access log records about a finished exchange. {@code status} 499 means the caller left. */
    record Outcome(int status, String service, String instance, Duration took, String result) {}

    /**
     * What every exchange of a gateway shares: where a held request goes to be routed again, and where
     * outcomes go while {@code recording} says anyone reads them (no outcome is made otherwise).
     */
    record Settings(CallerConnection.Dispatch reroute, BiConsumer<Exchange, Outcome> record, java.util.function.BooleanSupplier recording,
                    java.util.function.Supplier<Tracer> tracer, java.util.function.Supplier<AccessLog> access) {}

    private enum Phase { ROUTING, HOLDING, CONNECTING, SENDING, STREAMING, DONE }

    /**
     * How long an error answer waits for the rest of an unread request body before closing the
     * connection: long enough that a client still sending reads our answer instead of a reset.
     */
    private static final long LINGER_MS = 1_000;

    /** Body bytes read ahead of a connection to the instance before the caller's socket is left unread. */
    private static final int READ_AHEAD = 64 * 1024;

    private final HttpRequest request;
    private final CallerConnection connection;
    private final ChannelHandlerContext caller;
    private final Loop loop;
    private final Settings settings;
    private final String requestId;
    private final long startNanos;
    private final long declaredLength;
    private final boolean chunkedBody;
    private final boolean keepAlive;

    private Phase phase = Phase.ROUTING;
    private String service = "-";
    private Target target;
    private boolean counted;                 // arrival counted against the first routed revision
    private Demand.Held held;
    private ScheduledFuture<?> holdTimer;
    private long deadlineNanos;
    private Exchange prev = this;            // on the loop's deadline list while waiting for an answer
    private Exchange next = this;
    private ScheduledFuture<?> linger;
    private Upstream upstream;               // counted in flight; released once, in finish()
    private InFlight.Slots serving;          // the instance told it serves this request; told it ended, in finish()
    private Upstream attempting;             // whose connection is being asked for; its limit counts the attempt
    private long attemptStart;
    private String instance = "-";
    private String lastRefusal;              // why the last instance tried did not take the connection, for a 503
    private UpstreamPool pool;
    private Channel upstreamChannel;
    private UpstreamConnection upstreamConnection;
    private boolean headSent;
    private boolean upstreamRequestEnded;
    private boolean upstreamResponseEnded;
    private boolean upstreamKeepAlive;
    private boolean skipInterim;             // a 1xx answer's end is still to come
    private ArrayDeque<HttpContent> readAhead;
    private int readAheadBytes;
    private long bodyBytes;
    private long responseBytes;              // body bytes relayed from the instance, for the revision's meter
    private boolean cold;                    // held while the revision had no ready instance: a cold start
    private long roomNanos;                  // when a cold start's request got its instance
    private long heldNanos;                  // when the request first waited for room, for its trace; 0 if it never did
    private long heldUntilNanos;             // when a held request got its instance, for its trace
    private String callerTraceparent;        // read as the head goes upstream (it is replaced then), only while tracing
    private String upstreamTraceparent = ""; // what the instance got: its trace id and our span as its parent
    private boolean clientBodyEnded;
    private boolean closeWhenBodyEnds;
    private boolean closeAfterAnswer;
    private int status;
    private boolean admitted;                // the front door has had its say
    private boolean limitChecked;            // the service's limits have had theirs
    private ServiceLimiter limiter;          // whose concurrency this request counts toward; released once, in finish()
    private ServiceLimiter pathLimiter;      // and a limits.paths entry's, when one applies
    private ServiceResilience resilience;    // told how the request ended, once, in finish(); null: nobody is
    private int breakerPass;                 // how the breaker let it through: CircuitBreaker.PASSED or PROBE
    private boolean retried;                 // sent again to another instance after a 502/503 (once at most)
    private final String upgrade;            // the protocol a caller asks to switch to (WebSocket), or null
    private boolean tunnel;                  // switched: bytes pass both ways as they come
    private long tunnelActiveNanos;          // when a byte last passed through the tunnel
    private java.util.Map<String, String> responseHeaders = java.util.Map.of();
    private java.util.Map<String, String> contextHeaders = java.util.Map.of();
    private java.util.List<String> removeRequestHeaders = java.util.List.of();
    private java.util.List<String> removeResponseHeaders = java.util.List.of();
    private FrontDoor.Forward forward;       // what the front door said, for a dispatch again past it
    private FrontDoor.BodyCheck bodyCheck;   // reads the whole body before the request goes on (WholeBody)
    private CacheFill cacheFill;             // copies a cacheable answer as it passes (AnswerCache)

    /** The head of an empty deadline list: a ring of one. */
    static Exchange listHead() {
        return new Exchange();
    }

    private Exchange() {
        this.request = null;
        this.connection = null;
        this.caller = null;
        this.loop = null;
        this.settings = null;
        this.requestId = null;
        this.startNanos = 0;
        this.declaredLength = 0;
        this.chunkedBody = false;
        this.keepAlive = false;
        this.upgrade = null;
    }

    Exchange next() {
        return next;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    void linkBefore(Exchange head) {
        prev = head.prev;
        next = head;
        head.prev.next = this;
        head.prev = this;
    }

    void unlink() {
        if (next == this) {
            return;
        }
        prev.next = next;
        next.prev = prev;
        prev = this;
        next = this;
    }

    Exchange(HttpRequest request, CallerConnection connection, Loop loop, Settings settings, long startNanos) {
        this.request = request;
        this.connection = connection;
        this.caller = connection.context();
        this.loop = loop;
        this.settings = settings;
        this.startNanos = startNanos;
        HttpHeaders headers = request.headers();
        this.requestId = RequestId.from(headers.get(Forwarding.REQUEST_ID));
        this.declaredLength = contentLength(headers.get(HttpHeaderNames.CONTENT_LENGTH));
        String te = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
        this.chunkedBody = te != null && te.regionMatches(true, te.length() - 7, "chunked", 0, 7);
        this.keepAlive = HttpUtil.isKeepAlive(request);
        String connectionHeader = headers.get(HttpHeaderNames.CONNECTION);
        this.upgrade = Forwarding.isListedIn(connectionHeader, "upgrade") ? headers.get(HttpHeaderNames.UPGRADE) : null;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    long declaredLength() {
        return declaredLength;
    }

    HttpRequest request() {
        return request;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String host() {
        String host = request.headers().get(HttpHeaderNames.HOST);
        return host == null ? "" : host;
    }

    @Override
    public String uri() {
        return request.uri();
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }

    @Override
    public java.util.List<java.util.Map.Entry<String, String>> headerList() {
        return request.headers().entries();
    }

    /** The front door asks to look again once {@code ready} completes: then dispatched anew, on this loop, front door first. */
    void askAgainWhen(java.util.concurrent.CompletionStage<?> ready) {
        ready.whenComplete((result, error) -> loop.eventLoop().execute(() -> {
            if (phase == Phase.ROUTING) {
                admitted = false;
                settings.reroute().dispatch(this);
            }
        }));
    }

    @Override
    public String clientAddress() {
        SocketAddress address = caller.channel().remoteAddress();
        return address instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress().getHostAddress() : "unknown";
    }

    /** Whether the caller's connection is TLS. */
    boolean secure() {
        return connection.secure();
    }

    /** True the first time only: the front door sees each request once, whatever reroutes follow. */
    boolean admit() {
        if (admitted) {
            return false;
        }
        admitted = true;
        return true;
    }

    /** True the first time only: a service's limits see each request once, whatever reroutes follow. */
    boolean firstLimitCheck() {
        boolean first = !limitChecked;
        limitChecked = true;
        return first;
    }

    /** The request counts toward {@code limiter}'s concurrency until it ends (its path's limiter's, then the service's). */
    void occupies(ServiceLimiter limiter) {
        if (this.limiter == null) {
            this.limiter = limiter;
        } else {
            this.pathLimiter = limiter;
        }
    }

    /**
     * Whether a breaker let the request through already: it sees each request once, whatever reroutes
     * follow. One it refused and sent to a fallback service is asked again when rerouted.
     */
    boolean guarded() {
        return resilience != null;
    }

    /** The request went past {@code resilience}'s breaker as {@code pass}; it is told how the request and its instances end. */
    void guardedBy(ServiceResilience resilience, int pass) {
        this.resilience = resilience;
        this.breakerPass = pass;
    }

    /** The front door sends this request on as {@code forward} says: a new target, headers both ways. */
    void forwardAs(FrontDoor.Forward forward) {
        this.forward = forward;
        request.setUri(forward.uri());
        contextHeaders = forward.requestHeaders();  // set after the caller's headers are cleaned, in send()
        responseHeaders = forward.responseHeaders();
        removeRequestHeaders = forward.removeRequestHeaders();
        removeResponseHeaders = forward.removeResponseHeaders();
    }

    /**
     * The service's guard changes headers as {@code let} says, on top of what a front door set. A held
     * request routed again is guarded again: the same names come back, so they are set, not added.
     */
    void guardedBy(ServiceGuard.Let let) {
        if (!let.requestHeaders().isEmpty()) {
            java.util.Map<String, String> all = new java.util.HashMap<>(contextHeaders);
            all.putAll(let.requestHeaders());
            contextHeaders = all;
        }
        if (!let.removeRequestHeaders().isEmpty()) {
            java.util.Set<String> all = new java.util.LinkedHashSet<>(removeRequestHeaders);
            all.addAll(let.removeRequestHeaders());
            removeRequestHeaders = java.util.List.copyOf(all);
        }
    }

    /** What the front door said of this request: a dispatch after the first (a reroute, a checked body) goes by it. */
    FrontDoor.Verdict forwarded() {
        return forward == null ? FrontDoor.PASS : forward;
    }

    /** Whether the request waits for its whole body, for the front door's check: dispatched again once it passes. */
    boolean awaitsBody(FrontDoor.Forward forward) {
        if (forward.options().body().isEmpty() || bodyCheck != null) {
            return false;
        }
        bodyCheck = forward.options().body().get();
        if (clientBodyEnded) {
            WholeBody.check(this, bodyCheck, readAhead, settings.reroute());
        }
        return true;
    }

    /** Answers from {@code cache} when the front door caches this request's operation and has it fresh. */
    boolean answeredFrom(AnswerCache cache) {
        return forward != null && forward.options().cache().isPresent()
                && cache.serve(this, forward.options().cache().get(), target.revision().revision(), forward.responseHeaders());
    }

    void fillCache(CacheFill fill) {
        this.cacheFill = fill;
    }

    /** Answers as the front door says, without any upstream. */
    void answer(FrontDoor.Answer answer) {
        io.netty.handler.codec.http.FullHttpResponse response = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                request.protocolVersion(), io.netty.handler.codec.http.HttpResponseStatus.valueOf(answer.status()),
                io.netty.buffer.Unpooled.wrappedBuffer(answer.body()));
        answer.headers().forEach(response.headers()::set);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length).set(Forwarding.REQUEST_ID, requestId);
        reply(response, answer.status());
        finish(answer.status(), "answered by the front door");
    }

    /** Answers from a site's directory (a revision of {@code runtime: static}), without any upstream: see {@link SiteAnswer}. */
    void serve(SiteFiles files, Site site) {
        new SiteAnswer(this, files, site).start();
    }

    String service() {
        return service;
    }

    ChannelHandlerContext caller() {
        return caller;
    }

    /** Whether the exchange has ended (the caller left meanwhile, say): a late answer is then dropped. */
    boolean done() {
        return phase == Phase.DONE;
    }

    /** Sends a whole answer made here (a small file, a 304) and ends the exchange. */
    void replyWhole(io.netty.handler.codec.http.FullHttpResponse response, String result) {
        response.headers().set(Forwarding.REQUEST_ID, requestId);
        int code = response.status().code();
        reply(response, code);
        finish(code, result);
    }

    /**
     * Sends {@code head}, then {@code body}, then ends the exchange: a file region (sent by the kernel
     * without passing through user space; only on a plain HTTP/1.x connection), followed by the end
     * written here ({@code needsEnd}), or a chunked input, which writes its own end. Only when the
     * request has no body left unread; anything else goes through {@link #replyWhole}.
     */
    void replyFile(HttpResponse head, Object body, boolean needsEnd, String result) {
        if (!caller.channel().isActive()) {
            io.netty.util.ReferenceCountUtil.release(body);
            finish(499, "caller went away");
            return;
        }
        head.headers().set(Forwarding.REQUEST_ID, requestId);
        if (!keepAlive) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        int code = head.status().code();
        caller.write(head, caller.voidPromise());
        ChannelFuture written;
        if (needsEnd) {
            caller.write(body, caller.voidPromise());
            written = caller.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            written = caller.writeAndFlush(body);  // a chunked input writes its own end
        }
        finish(code, result);
        connection.answered(this, written, !keepAlive);
    }

    /** Whether a request body is still to come (or being discarded): a file region must then not be used. */
    boolean bodyPending() {
        return !clientBodyEnded && (declaredLength > 0 || chunkedBody);
    }

    /** The request is for {@code serviceName}, before its guard and limits decide whether a revision gets it. */
    void aimedAt(String serviceName) {
        this.service = serviceName;
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
        deadlineNanos = startNanos + timeout().toNanos();
        loop.awaitAnswer(this);
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
        long waitMs = Math.min(revision.queueWait().toMillis(), timeout().toMillis()) - elapsedMs;
        if (revision.queueLength() == 0 || waitMs <= 0) {
            reject(again && waitMs <= 0 ? holdExpired(revision)
                    : GatewayError.noRoom(service, revision.revision(), revision.endpoints().isEmpty(), lastRefusal));
            return false;
        }
        Demand.Held h = new Demand.Held(demand, startNanos, new Demand.Waiter() {
            @Override
            public void room(Upstream claimed) {
                loop.eventLoop().execute(() -> onRoom(claimed));
            }

            @Override
            public void reroute() {
                loop.eventLoop().execute(() -> onReroute());
            }
        });
        if (again) {
            demand.requeue(h);
        } else if (!demand.hold(h, revision.queueLength())) {
            reject(GatewayError.queueFull(service, revision.revision(), revision.queueLength()));
            return false;
        }
        phase = Phase.HOLDING;
        cold |= !again && revision.endpoints().isEmpty();
        if (heldNanos == 0) {
            heldNanos = System.nanoTime();
        }
        held = h;
        holdTimer = loop.eventLoop().schedule(() -> onHoldExpired(revision), waitMs, TimeUnit.MILLISECONDS);
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
        heldUntilNanos = System.nanoTime();
        if (cold) {
            roomNanos = heldUntilNanos;
        }
        proxy(claimed);
    }

    private void onReroute() {
        cancelHoldTimer();
        held = null;
        if (phase == Phase.HOLDING) {
            phase = Phase.ROUTING;
            settings.reroute().dispatch(this);
        }
    }

    private void onHoldExpired(RevisionRoute revision) {
        holdTimer = null;
        if (held != null && held.take()) {
            held.cancel();
            held = null;
            fail(holdExpired(revision));
        }
    }

    private GatewayError holdExpired(RevisionRoute revision) {
        return GatewayError.holdExpired(service, revision.revision(),
                Duration.ofMillis(Math.min(revision.queueWait().toMillis(), timeout().toMillis())), lastRefusal);
    }

    /** The revision's timeout, or the front door's for this request (an API operation's {@code x-nubo.timeout}). */
    private Duration timeout() {
        return forward != null && forward.options().timeout().isPresent() ? forward.options().timeout().get() : target.revision().timeout();
    }

    private void cancelHoldTimer() {
        if (holdTimer != null) {
            holdTimer.cancel(false);
            holdTimer = null;
        }
    }

    private void connect(Upstream claimed) {
        phase = Phase.CONNECTING;
        upstream = claimed;
        attempting = claimed;
        instance = claimed.instanceId();
        attemptStart = System.nanoTime();
        claimed.limit().connecting();
        pool = loop.pool(claimed.endpoint());
        pool.acquire(this);  // may call connected() before it returns
    }

    @Override
    public void connected(Channel channel) {
        attempting.limit().connected();
        if (phase != Phase.CONNECTING) {
            pool.release(channel, true, System.nanoTime());  // answered meanwhile; nothing was written
            return;
        }
        send(channel);
    }

    @Override
    public void failed(Throwable cause) {
        attempting.limit().connected();
        onConnectFailed(attempting, cause);
    }

    /**
     * The instance refused the connection or did not accept it in time (a full listen backlog, a
     * process still starting or gone), or no pooled connection came free: nothing of the request has
     * left, so it goes back to the queue, first in line again, with what is left of its wait. It is
     * answered only when that wait runs out (503), never because one instance would not take it. The
     * instance meanwhile takes less ({@link AdaptiveLimit}); when its pause ends nobody else may wake
     * the queue, so a timer does.
     */
    private void onConnectFailed(Upstream failed, Throwable cause) {
        long pauseNanos = failed.limit().failed(System.nanoTime(), attemptStart);  // a fact about the instance, whoever still waits
        if (resilience != null) {
            resilience.instanceEnded(failed, target, 503, System.nanoTime());
        }
        Demand demand = failed.demand();
        loop.eventLoop().schedule(demand::dispatch, Math.max(1_000_000, pauseNanos), TimeUnit.NANOSECONDS);
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

    private void send(Channel channel) {
        phase = Phase.SENDING;
        serving = upstream.slots();
        serving.serving(requestId);
        upstreamChannel = channel;
        upstreamConnection = (UpstreamConnection) channel.pipeline().last();
        upstreamConnection.attach(this);
        HttpHeaders headers = request.headers();
        if (!retried) {  // a retry sends the headers as they went the first time
            if (settings.tracer().get() != Tracer.NONE) {
                callerTraceparent = headers.get(Forwarding.TRACEPARENT);
            }
            upstreamTraceparent = Forwarding.toUpstream(headers, clientAddress(), requestId, connection.secure());
        }
        if (!removeRequestHeaders.isEmpty()) {
            removeRequestHeaders.forEach(headers::remove);
        }
        if (!contextHeaders.isEmpty()) {
            contextHeaders.forEach(headers::set);
        }
        if (chunkedBody) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (upgrade != null) {  // hop-by-hop, so dropped above: the switch is asked of the instance again
            headers.set(HttpHeaderNames.UPGRADE, upgrade);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        channel.write(request);
        headSent = true;
        if (retried) {
            writeBody(LastHttpContent.EMPTY_LAST_CONTENT);  // the caller's end went to the first instance
        }
        if (readAhead != null) {
            for (HttpContent c = readAhead.poll(); c != null; c = readAhead.poll()) {
                writeBody(c);
            }
            readAheadBytes = 0;
        }
        if (HttpUtil.is100ContinueExpected(request) && !clientBodyEnded) {
            connection.writeContinue();
        }
        connection.flushToUpstreamAfterRead(this);
        if (!clientBodyEnded && channel.isWritable()) {
            connection.resume();
        }
    }

    /** A part of the caller's body, in order; the last one is a {@link LastHttpContent}. */
    void onClientContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (phase == Phase.DONE || upstreamRequestEnded) {
            content.release();  // discarding the rest of a body nobody will read
        } else if (countBody(content)) {
            if (headSent) {
                writeBody(content);
                if (!upstreamChannel.isWritable() && !last) {
                    connection.pause();  // resumed when the instance's side drains
                }
                connection.flushToUpstreamAfterRead(this);
            } else {
                if (readAhead == null) {
                    readAhead = new ArrayDeque<>(4);
                }
                readAhead.add(content);
                readAheadBytes += content.content().readableBytes();
                if (bodyCheck != null && readAheadBytes > bodyCheck.maxBytes()) {
                    fail(GatewayError.tooLargeToCheck(bodyCheck.maxBytes()));  // the whole body is read for its check
                } else if (bodyCheck == null && readAheadBytes > READ_AHEAD && !last) {
                    connection.pause();  // the rest waits in the socket until an instance takes it
                }
            }
        }
        if (last) {
            onClientEnd();
            if (bodyCheck != null && phase == Phase.ROUTING) {
                WholeBody.check(this, bodyCheck, readAhead, settings.reroute());
            }
        }
    }

    /** Counts a body part against the revision's limit; false (with a 413 on its way) once over it. */
    private boolean countBody(HttpContent content) {
        bodyBytes += content.content().readableBytes();
        long limit = target == null ? Long.MAX_VALUE : target.revision().maxBodySize();
        if (bodyBytes > limit) {
            content.release();
            fail(GatewayError.tooLargeWhileStreaming(service, limit));
            return false;
        }
        return true;
    }

    private void writeBody(HttpContent content) {
        if (content instanceof LastHttpContent) {
            upstreamRequestEnded = true;
        }
        upstreamChannel.write(content, upstreamChannel.voidPromise());
    }

    void flushToUpstream() {
        if (upstreamChannel != null && phase != Phase.DONE) {
            upstreamChannel.flush();
        }
    }

    private void onClientEnd() {
        clientBodyEnded = true;
        if (linger != null) {
            linger.cancel(false);
            linger = null;
        }
        if (closeWhenBodyEnds) {
            caller.close();
        }
    }

    /** What the instance sent: the response head, then its body parts; the last is a {@link LastHttpContent}. */
    void onUpstream(HttpObject msg) {
        if (msg instanceof HttpResponse head) {
            if (head.decoderResult().isFailure()) {
                onUpstreamFailure(head.decoderResult().cause());
            } else if (head.status().code() == 101 && upgrade != null && phase == Phase.SENDING) {
                switchProtocols(head);
            } else if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                skipInterim = true;  // 1xx: the real answer follows (Expect is not passed on, so rarely)
            } else {
                onResponse(head);
            }
            if (msg instanceof HttpContent content) {
                content.release();
            }
            return;
        }
        HttpContent content = (HttpContent) msg;
        if (tunnel) {
            content.release();  // the end of the 101's (empty) body; the instance's codec goes now
            upstreamChannel.pipeline().remove(HttpClientCodec.class);
            return;
        }
        if (skipInterim) {
            skipInterim = !(content instanceof LastHttpContent);
            content.release();
            return;
        }
        if (phase != Phase.STREAMING) {
            content.release();
            return;
        }
        responseBytes += content.content().readableBytes();
        if (cacheFill != null) {
            cacheFill = cacheFill.add(content.content(), content instanceof LastHttpContent);
        }
        if (content instanceof LastHttpContent) {
            upstreamResponseEnded = true;
            // The instance is done with it: release before the last write rather than after.
            finish(status, "ok");
            ChannelFuture written = caller.writeAndFlush(content);  // trailers go out only on a chunked answer
            connection.answered(this, written, closeAfterAnswer);
            return;
        }
        caller.write(content, caller.voidPromise());
        if (!caller.channel().isWritable()) {
            upstreamChannel.config().setAutoRead(false);  // resumed by callerWritable()
        }
    }

    private void onResponse(HttpResponse head) {
        if (phase != Phase.SENDING) {
            return;
        }
        if (resilience != null && head.status().code() >= 502 && head.status().code() <= 503 && retryElsewhere(head.status().code())) {
            return;
        }
        phase = Phase.STREAMING;
        upstream.limit().answered(upstream.inFlight().get());
        if (roomNanos != 0) {
            target.demand().meter().coldStart(roomNanos - startNanos, System.nanoTime() - roomNanos);
        }
        cancelDeadline();  // the deadline is for the first answer; a stream may then run as long as it likes
        status = head.status().code();
        upstreamKeepAlive = HttpUtil.isKeepAlive(head);
        HttpHeaders headers = head.headers();
        boolean sized = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
        Forwarding.toClient(headers);
        headers.set(Forwarding.REQUEST_ID, requestId);
        if (!removeResponseHeaders.isEmpty()) {
            removeResponseHeaders.forEach(headers::remove);
        }
        if (!responseHeaders.isEmpty()) {
            responseHeaders.forEach(headers::set);
        }
        if (cacheFill != null) {
            cacheFill = cacheFill.begin(status, headers);
        }
        boolean http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        head.setProtocolVersion(request.protocolVersion());
        boolean bodyless = request.method().equals(HttpMethod.HEAD) || status == 204 || status == 304;
        closeAfterAnswer = !keepAlive;
        if (!sized && !bodyless) {
            if (http10) {
                closeAfterAnswer = true;  // the end of the body is the end of the connection
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (closeAfterAnswer && !http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!closeAfterAnswer && http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        caller.write(head, caller.voidPromise());  // flushed once the instance's read is over: the caller sees the head now (SSE)
    }

    /**
     * The instance answered 502 or 503 to a request that may be sent again ({@link ServiceResilience#mayRetry}):
     * one without a body, sent whole, while nobody waits for the revision and another instance has
     * room. The answer is dropped with its connection (its body unread), and the request goes to the
     * other instance, once; the deadline still counts from receipt.
     */
    private boolean retryElsewhere(int code) {
        if (retried || !upstreamRequestEnded || !clientBodyEnded || bodyBytes > 0 || chunkedBody || upgrade != null
                || request instanceof io.netty.handler.codec.http.FullHttpRequest || target.demand().waiting() > 0) {
            return false;
        }
        Upstream other = target.claim(upstream);
        if (other == null) {
            return false;
        }
        if (!resilience.mayRetry(code, request, true)) {
            other.unclaim();
            return false;
        }
        retried = true;
        long now = System.nanoTime();
        resilience.instanceEnded(upstream, target, code, now);
        upstreamConnection.detach();
        pool.release(upstreamChannel, false, now);
        upstreamChannel = null;
        headSent = false;
        upstreamRequestEnded = false;
        Upstream left = upstream;
        upstream = null;
        left.release();
        cancelDeadline();
        proxy(other);
        return true;
    }

    /**
     * The instance switched protocols (WebSocket): the caller gets the 101, both connections drop
     * their HTTP codecs, and from now on bytes pass both ways as they come, each direction pausing its
     * source while the other side's writes back up. The socket counts as a request in flight, for
     * draining and the autoscaler, until either side closes it; then the other side is closed too.
     */
    private void switchProtocols(HttpResponse head) {
        phase = Phase.STREAMING;
        tunnel = true;
        tunnelActiveNanos = System.nanoTime();
        upstream.limit().answered(upstream.inFlight().get());
        pool.detach(upstreamChannel);  // a socket is held by the instance's concurrency limit, not the keep-alive pool's size
        cancelDeadline();
        status = 101;
        HttpHeaders headers = head.headers();
        String protocol = headers.get(HttpHeaderNames.UPGRADE);
        Forwarding.toClient(headers);
        headers.set(Forwarding.REQUEST_ID, requestId);
        headers.set(HttpHeaderNames.UPGRADE, protocol == null ? upgrade : protocol);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        caller.writeAndFlush(head);
        caller.pipeline().remove(HttpServerCodec.class);  // bytes it holds come to us, raw
    }

    /** Whether this is a switched connection that has carried nothing for {@code idleNanos}. */
    boolean tunnelIdle(long now, long idleNanos) {
        return tunnel && phase == Phase.STREAMING && now - tunnelActiveNanos >= idleNanos;
    }

    /** Bytes from the caller once switched. */
    void tunnelFromCaller(ByteBuf bytes) {
        if (!tunnel || phase != Phase.STREAMING) {
            bytes.release();
            return;
        }
        tunnelActiveNanos = System.nanoTime();
        upstreamChannel.write(bytes, upstreamChannel.voidPromise());
        connection.flushToUpstreamAfterRead(this);
        if (!upstreamChannel.isWritable()) {
            connection.pause();  // resumed by upstreamWritable()
        }
    }

    /** Bytes from the instance once switched. */
    void tunnelFromUpstream(ByteBuf bytes) {
        if (!tunnel || phase != Phase.STREAMING) {
            bytes.release();
            return;
        }
        tunnelActiveNanos = System.nanoTime();
        caller.write(bytes, caller.voidPromise());
        if (!caller.channel().isWritable()) {
            upstreamChannel.config().setAutoRead(false);  // resumed by callerWritable()
        }
    }

    /** Flushes what the instance's read brought, in one write to the caller. */
    void flushToCaller() {
        if (phase == Phase.STREAMING) {
            caller.flush();
        }
    }

    void callerWritable() {
        if (phase == Phase.STREAMING && upstreamChannel != null) {
            upstreamChannel.config().setAutoRead(true);
        }
    }

    void upstreamWritable() {
        if (phase == Phase.SENDING || phase == Phase.STREAMING) {
            if (!clientBodyEnded || tunnel) {
                connection.resume();
            }
        }
    }

    void onUpstreamFailure(Throwable cause) {
        if (phase == Phase.DONE) {
            return;
        }
        if (tunnel) {
            finish(101, "closed by the instance");
            caller.close();
            return;
        }
        if (phase == Phase.STREAMING) {
            // Part of the answer is out: cutting the connection is the only way to tell the caller it is incomplete.
            finish(502, "upstream broke off: " + cause.getMessage());
            caller.close();
            return;
        }
        fail(GatewayError.upstreamFailed(service, upstream, cause));
    }

    /** Called by the loop once past the deadline, already off its list. */
    void onDeadline() {
        if (phase == Phase.CONNECTING || phase == Phase.SENDING) {
            fail(GatewayError.timeout(service, timeout()));
        }
    }

    void onClientGone() {
        if (phase == Phase.DONE) {
            return;
        }
        if (held != null && held.take()) {
            held.cancel();  // else a dispatcher has it already: onRoom will see DONE and pass the room on
        }
        finish(tunnel ? 101 : 499, tunnel ? "closed by the caller" : "caller went away");  // also drops the connection to the instance
    }

    private void fail(GatewayError error) {
        if (phase == Phase.DONE) {
            return;
        }
        Phase failedIn = phase;
        finish(error.status(), error.code());
        if (failedIn == Phase.STREAMING) {
            caller.close();
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
        reply(error.response(requestId, request.protocolVersion(), false), error.status());
    }

    /** Writes an answer of the gateway's own (see {@link #answer(GatewayError)}), closing as it must. */
    private void reply(io.netty.handler.codec.http.FullHttpResponse response, int replyStatus) {
        if (!caller.channel().isActive()) {
            response.release();
            return;  // the caller is gone; nobody to answer
        }
        boolean bodyPending = !clientBodyEnded && (declaredLength > 0 || chunkedBody);
        boolean close = bodyPending || replyStatus == 413 || !keepAlive;
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();  // the length stays; the encoder leaves out a HEAD answer's body anyway
        }
        ChannelFuture written = caller.writeAndFlush(response);
        if (!close) {
            connection.answered(this, written, false);
        } else if (clientBodyEnded || !bodyPending) {
            connection.answered(this, written, true);
        } else {
            connection.answered(this, written, false);
            closeWhenBodyEnds = true;
            linger = loop.eventLoop().schedule(this::closeCaller, LINGER_MS, TimeUnit.MILLISECONDS);
            connection.resume();  // read the rest, and discard it
        }
    }

    /** Ends the exchange: exactly once, whatever called it. */
    private void finish(int finalStatus, String result) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        cancelDeadline();
        cancelHoldTimer();
        if (readAhead != null) {
            readAhead.forEach(HttpContent::release);
            readAhead = null;
        }
        if (upstreamChannel != null) {
            upstreamConnection.detach();
            boolean clean = upstreamResponseEnded && upstreamRequestEnded && upstreamKeepAlive;
            if (upstreamResponseEnded && !upstreamRequestEnded) {
                // The instance answered before the whole body went out: that connection is half-written,
                // and the caller's connection carries the rest of a body nobody reads.
                linger = loop.eventLoop().schedule(this::closeCaller, LINGER_MS, TimeUnit.MILLISECONDS);
                connection.resume();
            }
            if (!upstreamChannel.config().isAutoRead()) {
                upstreamChannel.config().setAutoRead(true);
            }
            pool.release(upstreamChannel, clean, System.nanoTime());
            upstreamChannel = null;
        }
        if (resilience != null) {
            long now = System.nanoTime();
            if (upstream != null) {
                resilience.instanceEnded(upstream, target, finalStatus, now);
            }
            resilience.ended(finalStatus, breakerPass, instance);
            resilience = null;
        }
        if (serving != null) {
            serving.served(requestId);
            serving = null;
        }
        releaseUpstream();
        if (limiter != null) {
            limiter.release();
            limiter = null;
            if (pathLimiter != null) {
                pathLimiter.release();
                pathLimiter = null;
            }
        }
        long tookNanos = System.nanoTime() - startNanos;
        if (target != null) {
            target.demand().meter().answered(finalStatus, tookNanos, bodyBytes, responseBytes);
        }
        AccessLog access = settings.access().get();
        if (access != AccessLog.NONE && !"-".equals(service)) {
            // One entry of final fields the exchange already holds: the text is made on the writer's thread.
            access.record(new AccessLog.Entry(System.currentTimeMillis(), service,
                    target == null ? "-" : target.revision().revision(), request.method().name(), request.uri(), finalStatus,
                    tookNanos, bodyBytes, responseBytes, requestId, caller.channel().remoteAddress()));
        }
        if (settings.recording().getAsBoolean()) {
            settings.record().accept(this, new Outcome(finalStatus, service, instance, Duration.ofNanos(tookNanos), result));
        }
        Tracer tracer = settings.tracer().get();
        if (tracer != Tracer.NONE && request != null) {
            tracer.exchange(trace(finalStatus, result, startNanos + tookNanos));
        }
    }

    /** This exchange for its trace; the caller's {@code traceparent} is still in the head when nothing went upstream. */
    private ExchangeTrace trace(int finalStatus, String result, long endNanos) {
        String caller = upstreamTraceparent.isEmpty() ? request.headers().get(Forwarding.TRACEPARENT) : callerTraceparent;
        return new ExchangeTrace(caller == null ? "" : caller, upstreamTraceparent, request.method().name(), Gateway.path(request.uri()),
                target == null ? "" : service, target == null ? "" : target.revision().revision(), "-".equals(instance) ? "" : instance,
                requestId, finalStatus, result, startNanos, heldNanos, heldUntilNanos, cold, attemptStart, endNanos);
    }

    private void releaseUpstream() {
        if (upstream != null) {
            upstream.release();
            upstream = null;
        }
    }

    private void cancelDeadline() {
        unlink();
    }

    private void closeCaller() {
        caller.close();
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
