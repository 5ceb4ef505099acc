package dev.nubo.gateway;

import dev.nubo.model.UserError;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.BindException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front door: every request to a function or service passes through here on its way to
 * one of the service's ready instances.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.start(GatewayConfig.defaults().withPort(0));
 * gateway.routes(new RouteTable(Map.of("hello", ServiceRoute.single("hello", "r1", Duration.ofSeconds(30),
 *         10 << 20, List.of("/hello"), List.of(new Endpoint("hello-1", "127.0.0.1", 9001))))));
 * // curl -H 'Host: hello.localhost' localhost:<gateway.port()>/   -> answered by hello-1
 * // to drain hello-1: publish a table without it, wait a beat, then for gateway.whenIdle("hello-1")
 * gateway.close();
 * }</pre>
 *
 * <p><b>The request path</b> is assembled in one method, {@code dispatch}, in order: <i>route</i> (host
 * {@code NAME.domain} or {@code TAG-NAME.domain}, port and case ignored, else the longest path prefix
 * of any service; 404 {@code route.unknown}), <i>tag/split</i> (a tag host's revision; else a
 * {@code Nubo-Tag} header naming a tag; else the next slot of the split), <i>site</i> (a revision of
 * {@code runtime: static} is answered from its directory here, with no instance: {@link SiteAnswer}), <i>limit</i> (a declared
 * Content-Length over {@code maxBodySize} is refused with 413 before any instance is bothered),
 * <i>claim or hold</i> (the instance with the fewest requests in flight, round-robin among equals,
 * among those with room: under the revision's {@code limit} if it sets one, else under the limit the
 * gateway learned for that instance, {@link AdaptiveLimit}; else the request waits in the revision's
 * queue, ordered by receipt, until an instance has room, see {@link Demand}: 503 with
 * {@code Retry-After} when the queue is full or the wait runs out), <i>proxy</i> ({@code Exchange}) and <i>record</i> (the access log, and the
 * in-flight count dropping exactly once). A request is held, never failed, while its revision is
 * at zero: {@link #onHold} tells the control plane at once, so scale-up starts with the first
 * request. Every answer the gateway makes up itself is JSON,
 * {@code {"error":{"code","message","hint","requestId"}}}; an error answer sent while part of the
 * request body is unread says {@code Connection: close}, drains the body for up to a second and
 * closes, so the caller reads the answer rather than a reset.
 *
 * <p><b>Malformed requests.</b> A head the decoder cannot parse gets 400 (414 and 431 for an
 * oversized line or head); one it parses but that could frame differently at the instance (a header
 * name that is not a token, a control character in a value or the target, two Hosts, a
 * Transfer-Encoding other than {@code chunked}: see {@link RequestHead}) gets 400 before anything is
 * forwarded, whatever Vert.x's header validation is set to. Either way the answer says
 * {@code Connection: close}, nothing after it on that connection is served, and it closes.
 *
 * <p><b>Holding connections.</b> A caller's request head must arrive whole within
 * {@code headerTimeout} of the connection opening or of the previous answer on it, else the
 * connection closes (slowloris, and idle keep-alive connections); a caller that takes none of its
 * answer for {@code sendTimeout} is cut by the kernel (TCP_USER_TIMEOUT, on epoll); and beyond
 * {@code maxConnections} open at once, a new connection is closed as soon as it is accepted, so the
 * gateway never takes the descriptors the rest of the server needs (see {@link GatewayConfig}).
 *
 * <p><b>Headers.</b> Hop-by-hop headers (and those {@code Connection} names) stop here both ways;
 * everything else passes, {@code Host} included. The instance also gets {@code X-Forwarded-For}
 * (appended), {@code X-Forwarded-Host}, {@code X-Forwarded-Proto: http}, {@code X-Request-Id} (the
 * caller's if plain and at most 128 chars, else a new one; echoed on the response) and a W3C
 * {@code traceparent} continuing the caller's trace with a new parent span, or starting a sampled one.
 *
 * <p><b>Streaming.</b> Bodies are never held whole: the caller's body is piped to the instance and the
 * answer back, each direction pausing its source when the other side's write queue fills, so a
 * slow reader slows the writer instead of growing memory. The caller's body stays unread in the
 * socket until a connection to an instance is ready; {@code Expect: 100-continue} is answered then.
 * A body without Content-Length is counted as it passes and aborted at {@code maxBodySize}.
 *
 * <p><b>Time.</b> {@code timeout} bounds the wait from receipt to the instance's response head
 * (504 {@code gateway.timeout}); once the head is relayed, a response may stream as long as it
 * likes (server-sent events), ending when either side hangs up. The connect timeout also bounds
 * the wait for a free pooled connection.
 *
 * <p><b>Retries</b> happen only when no connection to the picked instance could be had (refused, not
 * accepted within the connect timeout, no pooled connection free), which means not one byte of the
 * request went out: the request goes back to the queue, first in line again, with what is left of its
 * wait, and the instance takes less for a while. It is answered only when that wait runs out (503
 * naming the last refusal), never because an instance accepts slowly. Any later failure is 502
 * {@code upstream.failed}: the instance may have acted on the request, so it is never sent twice.
 *
 * <p><b>Connections.</b> The gateway runs on Netty directly ({@link Listener}), on event loops of its
 * own, one per processor. Each loop keeps an HTTP/1.1 keep-alive pool per instance (up to
 * {@code maxConnectionsPerEndpoint} each, {@link UpstreamPool}), so a request never changes threads on
 * its way, and what one read of the instance brings goes to the caller in one write. Idle pooled
 * connections are dropped after 3s, below the 5s after which common servers (Node, uvicorn) drop them
 * themselves: a request written onto a connection the instance is closing fails, and it cannot be
 * retried. Callers speak HTTP/1.x.
 *
 * <p><b>Routes and draining.</b> {@link #routes} swaps in an immutable, pre-indexed snapshot; a request
 * keeps the snapshot it was routed with. To drain an instance, publish a table without it and wait
 * for {@link #whenIdle}, which completes when its last request in flight ends. A request that read
 * the old table a moment before the swap may count itself just after it, so wait a beat (say 100 ms)
 * after the swap before asking.
 *
 * <p>{@link #start} and {@link #close} block; call them from a plain thread, not an event loop.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    static final int POOL_IDLE_SECONDS = 3;
    static final int CLOSE_WAIT_SECONDS = 10;
    /** The request header that sends a request on the main URL to a tagged revision. */
    public static final String TAG_HEADER = "nubo-tag";

    private final GatewayConfig config;
    private final InFlight inFlight;
    private final CallerConnection.Cap cap;
    private final ConcurrentHashMap<String, Demand> demands = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> splitCursors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ServiceLimiter> limiters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ServiceResilience> resiliences = new ConcurrentHashMap<>();
    volatile java.util.function.LongSupplier nanoClock = System::nanoTime;   // tests freeze it
    private final SiteFiles siteFiles = new SiteFiles();
    private final AnswerCache answers = new AnswerCache(64L << 20, () -> nanoClock.getAsLong());
    private volatile Consumer<String> onHold = revision -> {};
    private volatile FrontDoor frontDoor = FrontDoor.NONE;
    private volatile ServiceGuard guard = ServiceGuard.OPEN;
    private volatile Meters meters = Meters.NONE;
    private volatile Tracer tracer = Tracer.NONE;
    private volatile AccessLog accessLog = AccessLog.NONE;
    private Listener listener;              // null until bound
    private volatile Routes routes;
    private volatile int port;
    private volatile int httpsRedirect;  // the HTTPS port plain requests are sent to (--https-redirect); 0: none
    private boolean closed;

    private Gateway(GatewayConfig config) {
        this.config = config;
        this.cap = new CallerConnection.Cap(config.maxConnections(), config.maxConnectionsPerAddress());
        // A learned limit stays within one event loop's pool, so a request never waits for a pooled connection.
        this.inFlight = new InFlight(config.maxConnectionsPerEndpoint());
        this.routes = index(RouteTable.empty());
    }

    /** Binds and starts serving (with an empty route table); returns once the port is bound. */
    public static Gateway start(GatewayConfig config) {
        Gateway gateway = new Gateway(config);
        try {
            gateway.listen();
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    /** The bound port; the real one when the config asked for 0. */
    public int port() {
        return port;
    }

    /** The bound TLS port, when the config has {@link GatewayConfig#tls()}. */
    public Optional<Integer> securePort() {
        return listener == null ? Optional.empty() : listener.securePort();
    }

    /**
     * Replaces the route table; requests already routed finish with the table they were routed by.
     * Requests held for a revision go to the new table's instances of it as soon as they have room;
     * those held for a revision the new table no longer routes are routed again from the start.
     */
    public synchronized void routes(RouteTable table) {
        Routes previous = routes;
        Routes next = index(table);
        routes = next;
        inFlight.forgetIdleExcept(next.instanceIds(), previous.instanceIds());
        for (Demand demand : demands.values()) {
            Target target = next.target(demand.revision());
            demand.target(target);
            if (target == null) {
                demand.rerouteAll();
                if (demand.waiting() == 0) {
                    demands.remove(demand.revision(), demand);
                }
            } else if (demand.waiting() > 0) {
                demand.dispatch();
            }
        }
    }

    /**
     * Called with a revision's id whenever a request starts waiting for it: the revision is at zero or
     * every instance is at its limit. Runs on an event loop for every held request, so the listener
     * must be cheap and not block (note the revision, wake a scaler).
     */
    public void onHold(Consumer<String> listener) {
        this.onHold = listener;
    }

    /** Puts {@code door} in front of routing (see {@link FrontDoor}); {@link FrontDoor#NONE} takes it away. */
    public void frontDoor(FrontDoor door) {
        this.frontDoor = door;
    }

    /** Checks every routed request's caller (see {@link ServiceGuard}); {@link ServiceGuard#OPEN} lets all through. */
    public void guard(ServiceGuard guard) {
        this.guard = guard;
    }

    /**
     * Measures every revision routed from now on with {@code meters} (see {@link Meters}); set it
     * before the first route table, since a revision's meter is resolved once, when it is first routed.
     */
    public void meters(Meters meters) {
        this.meters = meters;
    }

    /** Tells {@code tracer} of every exchange that ends from now on (see {@link Tracer}); {@link Tracer#NONE} stops it. */
    public void tracer(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Tells {@code log} about every exchange that reaches a service from now on (see {@link AccessLog}). */
    public void accessLog(AccessLog log) {
        this.accessLog = log;
    }

    /**
     * The id ({@code X-Request-Id}) of the one request the gateway has sent to the instance and not
     * seen end; empty when there is none, or several. The server attributes the instance's log lines with it.
     */
    public Optional<String> alone(String instanceId) {
        return inFlight.alone(instanceId);
    }

    /** What the gateway sees of a routed revision now; all zeros for one it does not route. */
    public RevisionLoad load(String revision) {
        Demand demand = demands.get(revision);
        return demand == null ? RevisionLoad.none(revision) : demand.load();
    }

    /**
     * A slot on a ready instance of {@code service}, taken in-process instead of through an HTTP request
     * to the gateway: for callers inside the server, such as event deliveries, that then send to the
     * instance themselves and save a hop. The slot counts exactly like a proxied request (in flight, so
     * draining waits for it and the autoscaler sees it; an arrival for its revision) until
     * {@link Claim#release()}. Empty when the request must take the front door instead, which holds it
     * or answers for it: no such route, the revision has no instance with room (at zero, or full),
     * requests are already waiting for it (nobody overtakes them), or {@code bodyLength} is over its limit.
     */
    public java.util.Optional<Claim> claim(String service, long bodyLength) {
        Routes.Match match = routes.find(service + "." + config.domain(), "/");
        if (match == null || !match.route().name().equals(service)) {
            return java.util.Optional.empty();
        }
        Target target = match.pinned() != null ? match.pinned() : match.route().split();
        if (target == null || target.demand().waiting() > 0 || bodyLength > target.revision().maxBodySize()) {
            return java.util.Optional.empty();
        }
        Upstream claimed = target.claim();
        if (claimed == null) {
            return java.util.Optional.empty();
        }
        target.demand().arrived();
        return java.util.Optional.of(new Claim(claimed));
    }

    /** A slot taken by {@link #claim}; release it exactly once, when the exchange with the instance has ended. */
    public static final class Claim {
        private final Upstream upstream;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        private Claim(Upstream upstream) {
            this.upstream = upstream;
        }

        public String host() {
            return upstream.endpoint().host();
        }

        public int port() {
            return upstream.endpoint().port();
        }

        public String instanceId() {
            return upstream.instanceId();
        }

        /** Gives the slot back (a request held for room may take it); a second call does nothing. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                upstream.release();
            }
        }
    }

    /** Requests being proxied to that instance right now: sent, or about to be, and not yet finished. */
    public int inFlight(String instanceId) {
        return inFlight.get(instanceId);
    }

    /**
     * Completes when no request is in flight to the instance: at once when none is now (or the gateway
     * never routed to it), else when the last one ends, proxied or {@linkplain #claim claimed}. It does
     * not stop new requests from coming: call it after publishing a table without the instance (and a
     * beat later, see the class comment), and bound the wait yourself, e.g. with
     * {@link java.util.concurrent.CompletableFuture#completeOnTimeout}. It completes on an event loop:
     * continue with an {@code ...Async} stage before doing anything that blocks.
     */
    public java.util.concurrent.CompletableFuture<Void> whenIdle(String instanceId) {
        return inFlight.whenIdle(instanceId);
    }

    /** Stops listening and closes every connection, callers' and pooled; requests still in flight are cut. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (listener != null) {
            listener.close();
        }
    }

    /**
     * The request path, in order: front door (APIs: their routes, authorizers, usage plans, CORS; once
     * per request), route, guard (private services), service limits (rate, concurrency, per path), resilience (circuit
     * breaker, fallback), tag/split, limit, claim or hold, proxy; record runs when the exchange ends.
     * A held request whose revision left the table comes back here, past the front door.
     */
    private void dispatch(Exchange exchange) {
        Routes.Match match;
        boolean first = exchange.admit();
        Optional<FrontDoor.Answer> moved = first && httpsRedirect > 0 ? HttpsRedirect.of(exchange, httpsRedirect) : Optional.empty();
        if (moved.isPresent()) {
            exchange.answer(moved.get());
            return;
        }
        FrontDoor.Verdict verdict = first ? frontDoor.check(exchange) : exchange.forwarded();
        if (verdict instanceof FrontDoor.Answer answer) {
            exchange.answer(answer);
            return;
        } else if (verdict instanceof FrontDoor.Later later) {
            exchange.askAgainWhen(later.ready());
            return;
        } else if (verdict instanceof FrontDoor.Forward forward) {
            exchange.forwardAs(forward);
            if (exchange.awaitsBody(forward)) {
                return;  // dispatched again once its whole body passed the front door's check
            }
            match = routes.service(forward.service());
            if (match == null) {
                exchange.reject(GatewayError.unavailable(forward.service()));
                return;
            }
        } else {
            HttpRequest request = exchange.request();
            String host = request.headers().get(HttpHeaderNames.HOST);
            String path = path(request.uri());
            match = routes.find(host, path);
            if (match == null) {
                exchange.reject(GatewayError.unknownRoute(host == null ? "" : host, path, config.domain()));
                return;
            }
        }
        Route route = match.route();
        exchange.aimedAt(route.name());  // so its access log records a refusal by the guard or the limits
        if (!passesGuard(route.name(), exchange)) {
            return;
        }
        ServiceLimiter limiter = limiters.isEmpty() ? null : limiters.get(route.name());
        if (limiter != null && exchange.firstLimitCheck()) {  // a rerouted held request keeps its admission
            ServiceLimiter onPath = limiter.hasPaths()
                    ? limiter.onPath(exchange.request().method().name(), path(exchange.request().uri())) : null;
            if (!admit(onPath, exchange) || !admit(limiter, exchange)) {  // the path's first: a refusal there spends none of the service's
                return;
            }
        }
        if (!resiliences.isEmpty()) {  // the one check a gateway without resilience rules pays
            match = resilient(match, exchange);
            if (match == null) {
                return;
            }
            route = match.route();
        }
        Target target = match.pinned() != null ? match.pinned() : byTagOrSplit(route, exchange.request());
        if (target == null) {
            exchange.reject(GatewayError.unavailable(route.name()));
            return;
        }
        exchange.routed(route.name(), target);
        if (target.revision().site().isPresent()) {
            exchange.serve(siteFiles, target.revision().site().get());  // no instance: the gateway answers from the directory
            return;
        }
        if (exchange.answeredFrom(answers)) {
            return;
        }
        long maxBody = target.revision().maxBodySize();
        if (exchange.declaredLength() > maxBody) {
            exchange.reject(GatewayError.tooLarge(route.name(), exchange.declaredLength(), maxBody));
            return;
        }
        Demand demand = target.demand();
        Upstream claimed = demand.waiting() == 0 ? target.claim() : null;  // nobody overtakes those waiting
        if (claimed != null) {
            exchange.proxy(claimed);
        } else if (exchange.hold()) {
            onHold.accept(target.revision().revision());
        }
    }

    /** False, with the refusal sent, when {@code limiter} refuses the request; else it counts there until it ends. */
    private boolean admit(ServiceLimiter limiter, Exchange exchange) {
        if (limiter == null) {
            return true;
        }
        java.util.Optional<GatewayError> over = limiter.admit(
                limiter.limits().perClient() ? exchange.clientAddress() : "", nanoClock.getAsLong());  // an address costs a string
        if (over.isPresent()) {
            exchange.reject(over.get());
            return false;
        }
        exchange.occupies(limiter);
        return true;
    }

    /**
     * The circuit breaker's say ({@link ServiceResilience}): the same match; the fallback service's,
     * past its guard; or null when the request was answered here (503, or the fixed fallback).
     */
    private Routes.Match resilient(Routes.Match match, Exchange exchange) {
        ServiceResilience r = resiliences.get(match.route().name());
        if (r == null || exchange.guarded()) {
            return match;
        }
        long now = nanoClock.getAsLong();
        int pass = r.admit(now);
        if (pass != CircuitBreaker.REFUSED) {
            exchange.guardedBy(r, pass);
            return match;
        }
        Routes.Match other = r.fallbackService().isEmpty() ? null : routes.service(r.fallbackService());
        if (other == null) {
            r.refuse(exchange, now);
            return null;
        }
        return passesGuard(other.route().name(), exchange) ? other : null;
    }

    /** Asks {@code service}'s guard; a refusal is answered here, a let changes the headers the instance gets. */
    private boolean passesGuard(String service, Exchange exchange) {
        ServiceGuard.Decision guarded = guard.check(service, exchange);
        if (guarded instanceof ServiceGuard.Refuse refused) {
            exchange.answer(refused.answer());
            return false;
        }
        if (guarded != ServiceGuard.Let.AS_IS) {
            exchange.guardedBy((ServiceGuard.Let) guarded);
        }
        return true;
    }

    /** A {@code Nubo-Tag} header naming one of the service's tags picks that revision (gray release); else the split. */
    private static Target byTagOrSplit(Route route, HttpRequest request) {
        if (route.tagged()) {
            String tag = request.headers().get(TAG_HEADER);
            Target tagged = tag == null ? null : route.tag(tag.trim().toLowerCase(java.util.Locale.ROOT));
            if (tagged != null) {
                return tagged;
            }
        }
        return route.split();
    }

    /** A service's limits and what they refused lately; empty when it has none (or is not routed). */
    public Optional<LimitFigures> limits(String service) {
        return Optional.ofNullable(limiters.get(service)).map(l -> l.figures(nanoClock.getAsLong()));
    }

    /** A service's circuit breaker and ejected instances; empty when it sets no {@code resilience:} (or is not routed). */
    public Optional<ResilienceFigures> resilience(String service) {
        ServiceResilience r = resiliences.get(service);
        if (r == null) {
            return Optional.empty();
        }
        Routes now = routes;
        Routes.Match match = now.service(service);
        java.util.List<Target> targets = match == null ? java.util.List.of() : match.route().service().revisions().keySet().stream()
                .map(now::target).filter(java.util.Objects::nonNull).toList();
        return Optional.of(r.figures(targets, System.nanoTime()));
    }

    private Routes index(RouteTable table) {
        splitCursors.keySet().retainAll(table.services().keySet());
        resiliences.keySet().retainAll(table.services().keySet());
        table.services().values().forEach(s -> {
            ServiceResilience now = resiliences.get(s.service());
            if (!s.resilience().any()) {
                resiliences.remove(s.service());
            } else if (now == null || !now.rules().equals(s.resilience())) {
                resiliences.put(s.service(), new ServiceResilience(s.service(), s.resilience(), () -> nanoClock.getAsLong()));
            }
        });
        limiters.keySet().retainAll(table.services().keySet());
        table.services().values().forEach(s -> {
            if (!s.limits().any()) {
                limiters.remove(s.service());
            } else if (limiters.get(s.service()) == null || !limiters.get(s.service()).limits().equals(s.limits())) {
                limiters.put(s.service(), new ServiceLimiter(s.service(), s.limits(), nanoClock.getAsLong()));
            }
        });
        Map<String, String> serviceOf = new HashMap<>();
        table.services().values().forEach(s -> s.revisions().keySet().forEach(id -> serviceOf.put(id, s.service())));
        Meters m = meters;
        return Routes.index(table, config.domain(), inFlight::slots,
                id -> demands.computeIfAbsent(id, r -> new Demand(r, m.revision(serviceOf.getOrDefault(r, r), r))),
                name -> splitCursors.computeIfAbsent(name, n -> new AtomicInteger()));
    }

    /** The path of a request target: origin form ({@code /a?b}) or absolute form ({@code http://h/a?b}). */
    static String path(String uri) {
        int start = 0;
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            start = scheme < 0 ? uri.length() : uri.indexOf('/', scheme + 3);
            if (start < 0) {
                return "/";
            }
        }
        int end = uri.length();
        for (int i = start; i < end; i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return start == 0 && end == uri.length() ? uri : start >= end ? "/" : uri.substring(start, end);
    }

    private void record(Exchange exchange, Exchange.Outcome outcome) {
        HttpRequest request = exchange.request();
        log.debug("{} {} -> {} {} {} in {}ms ({}) id={}", request.method(), request.uri(), outcome.service(),
                outcome.instance(), outcome.status(), outcome.took().toMillis(), outcome.result(), exchange.requestId());
    }

    private void listen() {
        Exchange.Settings settings = new Exchange.Settings(this::dispatch, this::record, log::isDebugEnabled, () -> tracer, () -> accessLog);
        try {
            listener = Listener.bind(config, cap, settings, this::dispatch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cannotListen(e);
        } catch (Exception e) {
            throw cannotListen(e);
        }
        port = listener.port();
        httpsRedirect = config.tls().isPresent() && config.tls().get().redirectHttp() ? listener.securePort().orElse(0) : 0;
    }

    private RuntimeException cannotListen(Exception e) {
        e = e instanceof java.util.concurrent.CompletionException && e.getCause() instanceof Exception c ? c : e;
        String where = config.host() + ":" + config.port();
        boolean inUse = e instanceof BindException
                || (e.getMessage() != null && e.getMessage().contains("Address already in use"));
        if (inUse) {
            return UserError.conflict("gateway.port_in_use",
                    "port " + config.port() + " is in use; pass --http-port to choose another",
                    "or stop the process that holds it (`lsof -i :" + config.port() + "` shows which)");
        }
        return UserError.badRequest("gateway.cannot_listen", "the gateway cannot listen on " + where + ": " + e.getMessage(),
                "pass another --http-port or host; ports below 1024 need privileges");
    }
}
