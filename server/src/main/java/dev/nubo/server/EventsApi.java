package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.events.CloudEventsHttp;
import dev.nubo.events.Eventing;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The eventing part of the control API (docs/API.md, "Events"): broker ingest, brokers, triggers,
 * dead letters, invocations and sources. Eventing answers in records; the JSON is made here
 * ({@link TriggerJson}, {@link EventViews}, {@link Sources}). Ingest never blocks an event loop: events are parsed on it
 * and acknowledged with 202 when the event log's group commit completes, and only then. When the
 * commit fails, the producer hears why through the control API's error handler: 507 for a full disk
 * (nothing stored), 500 {@code platform.store_unknown} when the outcome is not known.
 */
final class EventsApi {

    /** The largest ingest request, a batch included; a single event is usually far smaller. */
    static final int INGEST_LIMIT = 4 << 20;
    private static final int JSON_LIMIT = 64 << 10;

    private final Vertx vertx;
    private final Eventing eventing;
    private final Sources sources;
    private final Urls urls;
    private final InstantSource clock;

    EventsApi(Vertx vertx, Eventing eventing, Sources sources, Urls urls, InstantSource clock) {
        this.vertx = vertx;
        this.eventing = eventing;
        this.sources = sources;
        this.urls = urls;
        this.clock = clock;
    }

    /**
     * Routes that check their own credentials: webhooks, which carry their own (optional) signature, and
     * ingest, which takes a broker's producer token as well as any API token that may publish there
     * (admin, developer, a producer token naming the broker).
     */
    void mountPublic(Router router, ApiAccess access) {
        // Two routes: the token is checked before a body handler reads (up to 4 MiB of) the body.
        router.post("/v1/brokers/:name/events").handler(ctx -> authorizeProducer(ctx, access));
        router.post("/v1/brokers/:name/events").handler(BodyHandler.create().setBodyLimit(INGEST_LIMIT)).handler(this::ingest);
        router.post("/v1/webhooks/:name").handler(BodyHandler.create().setBodyLimit(INGEST_LIMIT)).handler(ctx -> {
            byte[] body = bytes(ctx);
            sources.webhook(ctx.pathParam("name"), ctx.request()::getHeader, body)
                    .onSuccess(id -> ControlApi.json(ctx, 202, Map.of("accepted", 1, "id", id)))
                    .onFailure(ctx::fail);
        });
    }

    void mount(Router router) {
        router.get("/v1/brokers").handler(ctx -> ControlApi.json(ctx, 200, Map.of("brokers", eventing.brokers().stream()
                .map(b -> EventViews.broker(b, ingestUrl(b.name()))).toList())));
        router.put("/v1/brokers/:name").blockingHandler(ctx -> {
            String name = ctx.pathParam("name");
            boolean created = eventing.createBroker(name);
            ControlApi.json(ctx, created ? 201 : 200, eventing.brokers().stream().filter(b -> b.name().equals(name))
                    .map(b -> EventViews.broker(b, ingestUrl(name))).findFirst().orElseThrow());
        }, false);
        router.delete("/v1/brokers/:name").blockingHandler(ctx -> {
            eventing.deleteBroker(ctx.pathParam("name"));
            ControlApi.json(ctx, 200, Map.of("deleted", ctx.pathParam("name")));
        }, false);
        router.post("/v1/brokers/:name/producer-token").blockingHandler(ctx -> {
            String broker = ctx.pathParam("name");
            ControlApi.json(ctx, 201, Map.of("broker", broker, "token", eventing.issueProducerToken(broker),
                    "ingest", ingestUrl(broker)));
        }, false);

        router.post("/v1/triggers").handler(BodyHandler.create().setBodyLimit(JSON_LIMIT)).blockingHandler(ctx -> ControlApi.json(ctx, 201,
                TriggerJson.view(eventing.createTrigger(TriggerJson.parse(jsonBody(ctx, "trigger"), clock.instant())))), false);
        router.get("/v1/triggers").handler(ctx -> ControlApi.json(ctx, 200, Map.of("triggers",
                eventing.triggers().stream().map(TriggerJson::view).toList())));
        router.get("/v1/triggers/:name").handler(ctx -> ControlApi.json(ctx, 200, TriggerJson.view(eventing.trigger(ctx.pathParam("name")))));
        router.delete("/v1/triggers/:name").blockingHandler(ctx -> {
            eventing.deleteTrigger(ctx.pathParam("name"));
            ControlApi.json(ctx, 200, Map.of("deleted", ctx.pathParam("name")));
        }, false);

        router.get("/v1/dead-letters").blockingHandler(ctx -> ControlApi.json(ctx, 200, Map.of("deadLetters",
                eventing.deadLetters().list(origin(ctx), ControlApi.intParam(ctx, "limit", 100, 1, 10_000)).stream()
                        .map(EventViews::deadLetter).toList())), false);
        router.post("/v1/dead-letters/replay").blockingHandler(ctx -> ControlApi.json(ctx, 202,
                Map.of("replayed", eventing.deadLetters().replayAll(origin(ctx)))), false);
        router.post("/v1/dead-letters/:id/replay").blockingHandler(ctx -> ControlApi.json(ctx, 202,
                Map.of("replayed", eventing.deadLetters().replay(List.of(id(ctx))))), false);
        router.delete("/v1/dead-letters/:id").blockingHandler(ctx -> {
            long id = id(ctx);
            eventing.deadLetters().delete(id);
            ControlApi.json(ctx, 200, Map.of("deleted", id));
        }, false);

        router.get("/v1/services/:name/invocations").blockingHandler(ctx -> ControlApi.json(ctx, 200, Map.of("invocations",
                eventing.invocations().list(ctx.pathParam("name"), ControlApi.intParam(ctx, "limit", 50, 1, 1000)).stream()
                        .map(i -> EventViews.invocation(i, false)).toList())), false);
        router.get("/v1/invocations/:id").blockingHandler(ctx -> ControlApi.json(ctx, 200,
                EventViews.invocation(eventing.invocations().get(ctx.pathParam("id")), true)), false);

        router.post("/v1/sources").handler(BodyHandler.create().setBodyLimit(JSON_LIMIT))
                .blockingHandler(ctx -> ControlApi.json(ctx, 201, sources.create(jsonBody(ctx, "source"))), false);
        router.get("/v1/sources").blockingHandler(ctx -> ControlApi.json(ctx, 200, Map.of("sources", sources.list())), false);
        router.get("/v1/sources/:name").blockingHandler(ctx -> ControlApi.json(ctx, 200, sources.get(ctx.pathParam("name"))), false);
        router.delete("/v1/sources/:name").blockingHandler(ctx -> {
            sources.delete(ctx.pathParam("name"));
            ControlApi.json(ctx, 200, Map.of("deleted", ctx.pathParam("name")));
        }, false);
    }

    /**
     * Lets the request on with an API token that may publish into the broker, or the broker's own
     * producer token ({@code nubo broker token}); a valid API token that may not is a 403, anything
     * else a 401. A broker token this node has not seen is looked up on a worker thread (another node
     * may have issued it).
     */
    private void authorizeProducer(RoutingContext ctx, ApiAccess access) {
        String broker = ctx.pathParam("name");
        String header = ctx.request().getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        var caller = access.caller(header);
        if (caller.filter(c -> c.mayPublishTo(broker)).isPresent() || token != null && eventing.isKnownProducerToken(broker, token)) {
            ctx.next();
            return;
        }
        String hint = "send `Authorization: Bearer <token>` with the admin token, a developer token, or a producer token for this broker"
                + " (`nubo token create NAME --role producer --broker " + broker + "`)";
        if (caller.isPresent()) {
            ControlApi.error(ctx, UserError.forbidden("token " + caller.get().name() + " (role " + caller.get().role().label()
                    + ") may not post events into broker " + broker, hint));
            return;
        }
        if (token == null) {
            ControlApi.error(ctx, UserError.unauthorized("missing bearer token", hint));
            return;
        }
        ctx.request().pause();
        vertx.executeBlocking(() -> eventing.isProducerToken(broker, token), false).onComplete(valid -> {
            ctx.request().resume();
            if (valid.succeeded() && valid.result()) {
                ctx.next();
            } else {
                ControlApi.error(ctx, UserError.unauthorized("the token may not publish into broker " + broker, hint));
            }
        });
    }

    /** {@code POST /v1/brokers/NAME/events}: binary, structured or batch; 202 once every event is durable. */
    private void ingest(RoutingContext ctx) {
        List<CloudEvent> events = CloudEventsHttp.read(ctx.request().headers(), bytes(ctx));
        Future.fromCompletionStage(eventing.ingest(ctx.pathParam("name"), events), vertx.getOrCreateContext())
                .onSuccess(n -> ControlApi.json(ctx, 202, Map.of("accepted", n)))
                .onFailure(ctx::fail);
    }

    private String ingestUrl(String broker) {
        return urls.api() + "/v1/brokers/" + broker + "/events";
    }

    private static byte[] bytes(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        return body == null ? new byte[0] : body.getBytes();
    }

    static JsonNode jsonBody(RoutingContext ctx, String what) {
        byte[] body = bytes(ctx);
        if (body.length == 0) {
            throw UserError.badRequest("request.invalid", "the " + what + " body is empty", "see docs/API.md for its JSON");
        }
        try {
            return Json.mapper().readTree(body);
        } catch (java.io.IOException e) {
            throw UserError.badRequest("request.invalid", "the " + what + " body is not JSON: " + e.getMessage(), "see docs/API.md for its JSON");
        }
    }

    /** {@code ?trigger=NAME} or {@code ?origin=ORIGIN}. */
    private static Optional<String> origin(RoutingContext ctx) {
        String trigger = ctx.request().getParam("trigger");
        return trigger != null ? Optional.of("trigger:" + trigger) : Optional.ofNullable(ctx.request().getParam("origin"));
    }

    private static long id(RoutingContext ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw UserError.badRequest("request.invalid", "'" + ctx.pathParam("id") + "' is not a dead-letter id",
                    "`nubo events dead-letters` shows their numeric ids");
        }
    }
}
