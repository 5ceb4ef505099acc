package dev.nubo.runtimeapi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.InstantSource;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's HTTP port as the gateway sees it. The platform's readiness probe is a TCP connect, so
 * the port is bound only while the runtime is initialised: from its first {@code /next} until it is
 * gone. Binds and unbinds are chained one after the other, so a bind never races the close before it.
 *
 * <p>Every request, any method and path, is one invocation. Its event is the request's body when the
 * server invoked it ({@code Nubo-Event: direct}), the whole CloudEvent for a trigger's delivery
 * ({@code Nubo-Event: cloudevent}, {@link RuntimeEvents#cloudEvent}), else API Gateway's HTTP event
 * ({@link RuntimeEvents}), as for Nubo's other Lambda runtimes. Confined to the bridge's event loop.
 */
final class InvocationPort {

    static final String HOST = "127.0.0.1";
    private static final Logger LOG = LoggerFactory.getLogger(InvocationPort.class);

    private final Vertx vertx;
    private final int port;
    private final FunctionInfo function;
    private final Invocations invocations;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final InstanceLog log;
    private HttpServer server;
    private boolean wanted;
    private boolean shut;
    private Future<Void> settled = Future.succeededFuture();

    InvocationPort(Vertx vertx, int port, FunctionInfo function, Invocations invocations, InstantSource clock,
            RandomGenerator random, InstanceLog log) {
        this.vertx = vertx;
        this.port = port;
        this.function = function;
        this.invocations = invocations;
        this.clock = clock;
        this.random = random;
        this.log = log;
    }

    /**
     * HTTP/1.1 only (no h2c upgrade); {@code Expect: 100-continue} answered at once, since every body is
     * taken (curl, in many a {@code bootstrap}, would otherwise wait a second before a large post).
     */
    static HttpServerOptions options() {
        return new HttpServerOptions().setHttp2ClearTextEnabled(false).setHandle100ContinueAutomatically(true);
    }

    int port() {
        return port;
    }

    /** Binds unless bound (or binding) already. A failed bind is logged; the next poll tries again. */
    void bind() {
        if (wanted || shut) {
            return;
        }
        wanted = true;
        settled = settled.transform(ignored -> {
            if (!wanted) {
                return Future.succeededFuture();
            }
            HttpServer created = vertx.createHttpServer(options()).requestHandler(this::invocation);
            server = created;
            return created.listen(port, HOST).transform(bound -> {
                if (bound.failed()) {
                    server = null;
                    wanted = false;
                    log.line("cannot open the invocation port " + HOST + ":" + port + " (" + bound.cause().getMessage()
                            + "): the instance cannot take requests");
                }
                return Future.succeededFuture();
            });
        });
    }

    /** Unbinds (closing its connections); the future completes once the port is free. */
    Future<Void> unbind() {
        wanted = false;
        settled = settled.transform(ignored -> {
            HttpServer bound = server;
            server = null;
            return bound == null ? Future.succeededFuture() : bound.close().otherwiseEmpty();
        });
        return settled;
    }

    /** Unbinds for good: polls after this do not bind again. */
    Future<Void> shut() {
        shut = true;
        return unbind();
    }

    private void invocation(HttpServerRequest request) {
        long arrival = clock.millis();
        request.body().onComplete(body -> {
            if (body.failed() || request.response().closed()) {
                return;  // the caller hung up while sending
            }
            try {
                offer(request, arrival, body.result());
            } catch (RuntimeException e) {
                LOG.error("invocation port of instance {} failed on {} {}", function.instanceId(), request.method(),
                        request.path(), e);
                if (!request.response().headWritten()) {
                    request.response().setStatusCode(500).putHeader("content-type", "application/json")
                            .end(CallerError.internal(e).body());
                }
            }
        });
    }

    private void offer(HttpServerRequest request, long arrival, Buffer body) {
        String id = invocations.idFor(request.getHeader("x-request-id"));
        String source = request.getHeader("nubo-event");
        boolean fromServer = source != null;
        Buffer payload = !fromServer ? RuntimeEvents.event(request, body, id, function.service(), arrival)
                : source.equals("cloudevent") ? RuntimeEvents.cloudEvent(request, body) : body;
        Invocation invocation = new Invocation(
                id,
                arrival + function.timeout().toMillis(),
                XRayTrace.from(request.getHeader("traceparent"), arrival, random),
                request.getHeader(Invocation.CLIENT_CONTEXT),
                request.getHeader(Invocation.COGNITO_IDENTITY),
                payload,
                request.response(),
                fromServer,
                !fromServer);
        request.response().closeHandler(v -> invocations.callerGone(invocation));
        invocations.offer(invocation);
    }
}
