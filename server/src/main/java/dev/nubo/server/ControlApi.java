package dev.nubo.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.events.AsyncOptions;
import dev.nubo.eventsink.Destination;
import dev.nubo.events.Eventing;
import dev.nubo.model.Descriptor;
import dev.nubo.model.Json;
import dev.nubo.model.NuboException;
import dev.nubo.model.EventHeader;
import dev.nubo.model.UserError;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API (docs/API.md): JSON over HTTP behind a bearer token. Handlers that touch the store
 * or the file system run on worker threads; the upload is streamed to disk, never held in memory.
 */
final class ControlApi {

    private static final Logger log = LoggerFactory.getLogger(ControlApi.class);
    private static final long INVOKE_BODY_LIMIT = 10L << 20;
    static final String INVOCATION_TYPE = "nubo-invocation-type";
    private static final String AWS_INVOCATION_TYPE = "x-amz-invocation-type";
    /** The entity tags this API sends: a traffic version, quoted. */
    private static final java.util.regex.Pattern ENTITY_TAG = java.util.regex.Pattern.compile("\"([0-9]{1,18})\"");
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade");

    private final Vertx vertx;
    private final ApiAccess access;
    private final AuditTrail audit;
    private final PrivateServices privates;
    private final Views views;
    private final Deployments deployments;
    private final LogHub logs;
    private final Home home;
    private final Urls urls;
    private final long uploadLimit;
    private final HttpClientAgent client;
    private final EventsApi events;
    private final Eventing eventing;
    /** Further parts of the API (each its own file, e.g. {@link WorkflowsApi}), mounted after eventing's routes. */
    private final List<java.util.function.Consumer<Router>> parts = new java.util.ArrayList<>();
    /** Routes answered without the bearer token, each checking its own callers (e.g. {@link ConfigApi}'s for instances). */
    private final List<java.util.function.Consumer<Router>> publicParts = new java.util.ArrayList<>();

    private final DeveloperApi developer;

    private final ApisApi apis;

    ControlApi(Vertx vertx, ApiAccess access, AuditTrail audit, PrivateServices privates, Views views, Deployments deployments, LogHub logs, Home home, Urls urls, long uploadLimit,
               EventsApi events, Eventing eventing, DeveloperApi developer, ApisApi apis) {
        this.vertx = vertx;
        this.access = access;
        this.audit = audit;
        this.privates = privates;
        this.views = views;
        this.deployments = deployments;
        this.logs = logs;
        this.home = home;
        this.urls = urls;
        this.uploadLimit = uploadLimit;
        // `nubo invoke` goes through the gateway; idle connections go before its 10 s header timeout closes them.
        this.client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAliveTimeout(3));
        this.events = events;
        this.eventing = eventing;
        this.developer = developer;
        this.apis = apis;
    }

    /** Adds {@code routes} before the bearer token's check: they must check their callers themselves. */
    ControlApi withPublic(java.util.function.Consumer<Router> routes) {
        publicParts.add(routes);
        return this;
    }

    /** Adds {@code routes} to those {@link #mount} adds (behind the bearer token, before the 404 for the rest). */
    ControlApi with(java.util.function.Consumer<Router> routes) {
        parts.add(routes);
        return this;
    }

    private Map<String, Object> info() {
        Map<String, Object> info = new java.util.LinkedHashMap<>(Map.of("version", Version.current(), "api", urls.api(),
                "gateway", urls.gateway(), "domain", urls.domain()));
        urls.secureGateway().ifPresent(https -> info.put("secureGateway", https));
        return info;
    }

    /** Adds the API's routes to a router that is already serving. */
    void mount(Router router) {
        events.mountPublic(router, access);
        developer.mountPublic(router);
        publicParts.forEach(part -> part.accept(router));
        router.route().handler(audit::record);
        router.route().handler(access::authorize);
        router.get("/v1/info").handler(ctx -> json(ctx, 200, info()));
        router.get("/v1/runtimes").handler(ctx -> json(ctx, 200, views.runtimes()));
        router.post("/v1/deployments").handler(this::deploy);
        developer.mount(router);
        router.get("/v1/services").blockingHandler(ctx -> json(ctx, 200, Map.of("services", views.services(namespace(ctx)))), false);
        router.get("/v1/services/:name").blockingHandler(ctx -> json(ctx, 200, views.service(ctx.pathParam("name"))), false);
        router.get("/v1/services/:name/revisions/:revision").blockingHandler(ctx ->
                json(ctx, 200, views.revision(ctx.pathParam("name"), ctx.pathParam("revision"))), false);
        router.delete("/v1/services/:name").blockingHandler(ctx -> {
            deployments.delete(ctx.pathParam("name"));
            json(ctx, 200, Map.of("deleted", ctx.pathParam("name")));
        }, false);
        router.post("/v1/services/:name/rollback").handler(BodyHandler.create().setBodyLimit(64 << 10))
                .blockingHandler(this::rollback, false);
        router.get("/v1/services/:name/traffic").blockingHandler(ctx -> {
            Views.TrafficSettings settings = views.traffic(ctx.pathParam("name"));
            ctx.response().putHeader(HttpHeaders.ETAG, etag(settings.version()));
            json(ctx, 200, settings);
        }, false);
        router.put("/v1/services/:name/traffic").handler(BodyHandler.create().setBodyLimit(64 << 10))
                .blockingHandler(this::traffic, false);
        router.post("/v1/services/:name/invoke").handler(BodyHandler.create().setBodyLimit(INVOKE_BODY_LIMIT)).handler(this::invoke);
        router.get("/v1/services/:name/logs").handler(this::logs);
        events.mount(router);
        apis.mount(router);
        parts.forEach(part -> part.accept(router));
        router.route().handler(ctx -> error(ctx, UserError.notFound("api.not_found",
                "no API endpoint " + ctx.request().method() + " " + ctx.request().path(), "docs/API.md lists the endpoints")));
        router.route().failureHandler(this::failure);
    }

    /** Receives the archive into a complete file (see {@link Upload}), then deploys it on a worker thread. */
    private void deploy(RoutingContext ctx) {
        Upload.receive(vertx, ctx.request(), home.tmp(), uploadLimit)
                .compose(upload -> vertx.executeBlocking(() -> {
                    try {
                        return deployments.deploy(upload.file(), namespace(ctx).orElse(dev.nubo.model.Namespaced.DEFAULT));
                    } finally {
                        discard(upload.file()); // moved into blobs/ unless the deploy failed before
                    }
                }, false))
                .onSuccess(d -> json(ctx, 201, d))
                .onFailure(ctx::fail);
    }

    /** The namespace a request names ({@code ?namespace=}), else the one its token is limited to, if any. */
    private static java.util.Optional<String> namespace(RoutingContext ctx) {
        return java.util.Optional.ofNullable(ctx.request().getParam("namespace")).map(dev.nubo.model.Namespaced::check)
                .or(() -> java.util.Optional.ofNullable(ctx.get(ApiAccess.NAMESPACE)));
    }

    /** {@code PUT /v1/services/NAME/traffic} with a Traffic body: {"splits":[{"revision","percent"}],"tags":{}}. */
    private void traffic(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw UserError.badRequest("request.invalid", "the traffic body is empty",
                    "send {\"splits\": [{\"revision\": \"latest\", \"percent\": 100}], \"tags\": {}}");
        }
        dev.nubo.model.Traffic traffic;
        try {
            traffic = Json.mapper().readValue(body.getBytes(), dev.nubo.model.Traffic.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            throw e.getCause() instanceof UserError u ? u : UserError.badRequest("request.invalid",
                    "the traffic body is invalid: " + e.getOriginalMessage(), "see docs/API.md, PUT /v1/services/NAME/traffic");
        } catch (java.io.IOException e) {
            throw UserError.badRequest("request.invalid", "the traffic body is not valid JSON for traffic: " + e.getMessage(),
                    "send {\"splits\": [{\"revision\": \"latest\", \"percent\": 100}], \"tags\": {}}");
        }
        var stored = deployments.traffic(ctx.pathParam("name"), traffic, ifMatch(ctx));
        ctx.response().putHeader(HttpHeaders.ETAG, etag(stored.trafficVersion()));
        json(ctx, 200, views.service(ctx.pathParam("name")));
    }

    /** A service's traffic version as an entity tag: {@code "3"}. */
    private static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** The version named by {@code If-Match}; empty without one, or with {@code *} (whatever is there). */
    private static java.util.OptionalLong ifMatch(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.IF_MATCH);
        if (header == null || header.strip().equals("*")) {
            return java.util.OptionalLong.empty();
        }
        java.util.regex.Matcher m = ENTITY_TAG.matcher(header.strip());
        if (!m.matches()) {
            throw UserError.badRequest("request.invalid", "If-Match must be one ETag of the traffic, such as \"3\" (got '" + header + "')",
                    "send the ETag that GET /v1/services/" + ctx.pathParam("name") + "/traffic answered with");
        }
        return java.util.OptionalLong.of(Long.parseLong(m.group(1)));
    }

    private void rollback(RoutingContext ctx) {
        Optional<String> revision = Optional.empty();
        Buffer body = ctx.body().buffer();
        if (body != null && body.length() > 0) {
            try {
                JsonNode node = Json.mapper().readTree(body.getBytes());
                if (node.hasNonNull("revision")) {
                    revision = Optional.of(node.get("revision").asText());
                }
            } catch (java.io.IOException e) {
                throw UserError.badRequest("request.invalid", "the rollback body is not JSON: " + e.getMessage(),
                        "send {\"revision\": \"NAME-00001\"} or nothing");
            }
        }
        String target = deployments.rollback(ctx.pathParam("name"), revision);
        json(ctx, 200, Map.of("service", ctx.pathParam("name"), "revision", target));
    }

    /**
     * Calls the service through the gateway, exactly as a client of its URL would; or, with
     * {@code Nubo-Invocation-Type: Event}, stores the request and answers 202 with an invocation id.
     */
    private void invoke(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        String path = Optional.ofNullable(ctx.request().getParam("path")).filter(p -> p.startsWith("/")).orElse("/");
        if (isAsync(ctx)) {
            invokeAsync(ctx, name, path);
            return;
        }
        vertx.executeBlocking(() -> views.existing(name), false).compose(s -> {
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                    .setServer(SocketAddress.inetSocketAddress(urls.gatewayPort(), "127.0.0.1"))
                    .setHost(name + "." + urls.domain()).setPort(urls.gatewayPort());
            return client.request(options).compose(r -> {
                forwarded(ctx).forEach(h -> r.putHeader(h.getKey(), h.getValue()));
                if (privates.isPrivate(name) && ctx.request().getHeader(HttpHeaders.AUTHORIZATION) != null) {
                    // A private service checks the caller's token (which may invoke, or it would not be here) as the gateway's callers'.
                    r.putHeader(HttpHeaders.AUTHORIZATION, ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
                }
                // A direct invocation: a Lambda-style function gets the body as its event (docs/LAMBDA.md).
                r.putHeader(EventHeader.NAME, EventHeader.DIRECT).putHeader(EventHeader.KEY, EventHeader.key());
                Buffer body = ctx.body().buffer();
                return r.send(body == null ? Buffer.buffer() : body);
            }).compose(resp -> resp.body().map(b -> {
                HttpServerResponse out = ctx.response().setStatusCode(resp.statusCode());
                resp.headers().forEach((k, v) -> {
                    if (!HOP_BY_HOP.contains(k.toLowerCase(java.util.Locale.ROOT)) && !k.equalsIgnoreCase("content-length")) {
                        out.headers().add(k, v);
                    }
                });
                out.end(b);
                return null;
            }));
        }).onFailure(ctx::fail);
    }

    /** The request headers an invocation passes on to the service. */
    private static List<Map.Entry<String, String>> forwarded(RoutingContext ctx) {
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>();
        ctx.request().headers().forEach((k, v) -> {
            String lower = k.toLowerCase(java.util.Locale.ROOT);
            if ((lower.equals("content-type") || lower.startsWith("x-") || lower.equals("traceparent"))
                    && !lower.equals(AWS_INVOCATION_TYPE)) {
                headers.add(Map.entry(k, v));
            }
        });
        return headers;
    }

    /** {@code Nubo-Invocation-Type} (or Lambda's {@code X-Amz-Invocation-Type}): {@code RequestResponse} (the default) or {@code Event}. */
    private static boolean isAsync(RoutingContext ctx) {
        String type = Optional.ofNullable(ctx.request().getHeader(INVOCATION_TYPE)).orElse(ctx.request().getHeader(AWS_INVOCATION_TYPE));
        if (type == null || type.equalsIgnoreCase("RequestResponse")) {
            return false;
        }
        if (type.equalsIgnoreCase("Event")) {
            return true;
        }
        throw UserError.badRequest("request.invalid", "'" + type + "' is not an invocation type",
                "send " + INVOCATION_TYPE + ": Event for an asynchronous invocation, or leave the header out");
    }

    /** Stores the request for the service's async settings (nubo.yaml {@code async:}) and answers 202 with its id. */
    private void invokeAsync(RoutingContext ctx, String name, String path) {
        List<Map.Entry<String, String>> headers = forwarded(ctx);
        Buffer body = ctx.body().buffer();
        vertx.executeBlocking(() -> {
            Descriptor d = views.descriptor(name);
            Descriptor.Async async = d.async();
            return new AsyncOptions(async.retries(), d.timeout(), async.onSuccess().map(Destination::parse),
                    async.onFailure().map(Destination::parse));
        }, false).compose(options -> Future.fromCompletionStage(eventing.invocations().invoke(name, path, headers,
                        body == null ? new byte[0] : body.getBytes(), options), vertx.getOrCreateContext()))
                .onSuccess(id -> {
                    ctx.response().putHeader("Nubo-Invocation-Id", id);
                    json(ctx, 202, Map.of("invocationId", id, "status", "queued"));
                })
                .onFailure(ctx::fail);
    }

    /** The tail from disk, then (with follow=true) new lines as instances write them. */
    private void logs(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        int tail = intParam(ctx, "tail", 100, 0, 10_000);
        boolean follow = Boolean.parseBoolean(ctx.request().getParam("follow", "false"));
        String revision = ctx.request().getParam("revision", "");
        LogFilter filter = LogFilter.of(ctx.request().getParam("since"), ctx.request().getParam("grep"),
                ctx.request().getParam("request"), java.time.Instant.now());
        boolean json = "json".equals(ctx.request().getParam("format"));
        boolean access = Boolean.parseBoolean(ctx.request().getParam("access", "false"));  // the access log, not the instances'
        java.util.function.UnaryOperator<String> shown = !json ? l -> l
                : access ? l -> io.vertx.core.json.Json.encode(AccessLine.fields(l)) : l -> io.vertx.core.json.Json.encode(LogFilter.fields(l));
        HttpServerResponse resp = ctx.response();
        Context context = vertx.getOrCreateContext();
        vertx.executeBlocking(() -> {
            views.existing(name);
            return access ? logs.accessTail(name, revision, tail, filter) : logs.tail(name, revision, tail, filter);
        }, false).onSuccess(lines -> {
            resp.putHeader(HttpHeaders.CONTENT_TYPE, json ? "application/x-ndjson" : "text/plain; charset=utf-8").setChunked(true);
            StringBuilder sb = new StringBuilder();
            lines.forEach(l -> sb.append(shown.apply(l)).append('\n'));
            if (!follow) {
                resp.end(sb.toString());
                return;
            }
            // Following starts before the response does: once the caller sees the headers, every
            // new line reaches it. Lines that come meanwhile run on this context after the tail.
            java.util.function.Consumer<String> sink = line -> context.runOnContext(v -> {
                if (!resp.ended() && !resp.closed()) {
                    resp.write(shown.apply(line) + "\n");
                }
            });
            Runnable stop = access ? logs.followAccess(name, revision, filter, sink) : logs.follow(name, revision, filter, sink);
            resp.closeHandler(v -> stop.run());
            resp.write(sb.toString());
        }).onFailure(ctx::fail);
    }

    private void failure(RoutingContext ctx) {
        Throwable f = ctx.failure();
        while (f instanceof java.util.concurrent.CompletionException && f.getCause() != null) {
            f = f.getCause(); // what a future failed with, e.g. an unknown broker's UserError
        }
        if (f instanceof NuboException e) {
            error(ctx, e);
            return;
        }
        if (f instanceof dev.nubo.store.StoreConflict e) {
            // A write that lost a race the caller did not ask to handle: nothing was written, so sending it again is safe.
            error(ctx, UserError.conflict("state.changed", e.getMessage(), "send the request again: it will be decided on what is stored now"));
            return;
        }
        if (ctx.statusCode() == 413) {
            error(ctx, UserError.tooLarge("request.too_large", "the request body is too large", "send a smaller body"));
            return;
        }
        log.error("control API {} {} failed", ctx.request().method(), ctx.request().path(), f);
        error(ctx, new dev.nubo.model.PlatformFault("platform.internal",
                "internal error: " + (f == null ? "status " + ctx.statusCode() : f.getClass().getSimpleName() + ": " + f.getMessage()), f));
    }

    static void error(RoutingContext ctx, NuboException e) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        Map<String, String> body = new java.util.LinkedHashMap<>();
        body.put("code", e.code());
        body.put("message", e.getMessage());
        body.put("hint", e.hint());
        // Marks Nubo's own errors, so that `nubo invoke` can tell them from a function's 404 or 500.
        ctx.response().putHeader("X-Nubo-Error", "true");
        json(ctx, e.httpStatus(), Map.of("error", body));
    }

    static void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
        String v = ctx.request().getParam(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            throw UserError.badRequest("request.invalid", "`" + name + "` must be a whole number (got '" + v + "')", "e.g. ?" + name + "=100");
        }
    }

    private static void discard(Path upload) {
        try {
            Files.deleteIfExists(upload);
        } catch (java.io.IOException ignored) {
            // A leftover in tmp/ is removed at the next start.
        }
    }

    Future<Void> close() {
        return client.close();
    }
}
