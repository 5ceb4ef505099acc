package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The developer loop's routes of the control API: deploys from git ({@link GitDeploys}) and debug
 * sessions ({@link DebugSessions}).
 * <ul>
 *   <li>{@code POST /v1/services/NAME/debug} (bearer token): starts the service's debug session, or
 *       returns the running one, once its instance is ready: 200 with the session; {@code GET} shows
 *       it, {@code DELETE} ends it;</li>
 *   <li>{@code POST /v1/deployments/git} {@code {"repository", "ref", "path"}} (bearer token): clones,
 *       builds and deploys; answers 201 with the upload's fields plus {@code commit}, {@code build}
 *       (the build's output lines) and {@code pushUrl}, or 400 {@code build.failed} with the build's
 *       last lines;</li>
 *   <li>{@code POST /v1/git/NAME/push?token=T} (no bearer token: the token is the push webhook's
 *       secret): redeploys in the background, 202.</li>
 * </ul>
 * A build can take minutes, so it runs on a virtual thread of its own, not on Vert.x's worker pool;
 * so does a debug session's start, which waits for its instance.
 */
final class DeveloperApi {

    private static final int BODY_LIMIT = 1 << 20;

    private final GitDeploys git;
    private final DebugSessions debug;
    private final ExecutorService builds = Executors.newVirtualThreadPerTaskExecutor();

    DeveloperApi(GitDeploys git, DebugSessions debug) {
        this.git = git;
        this.debug = debug;
    }

    void mountPublic(Router router) {
        router.post("/v1/git/:name/push").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).handler(ctx -> {
            String answer = git.push(ctx.pathParam("name"), Optional.ofNullable(ctx.request().getParam("token")).orElse(""),
                    payload(ctx));
            ControlApi.json(ctx, 202, Map.of("status", answer));
        });
    }

    void mount(Router router) {
        mountDebug(router);
        router.post("/v1/deployments/git").handler(BodyHandler.create().setBodyLimit(64 << 10)).handler(ctx -> {
            JsonNode body = payload(ctx);
            String repository = body.path("repository").asText("");
            if (repository.isBlank()) {
                throw UserError.badRequest("git.invalid", "`repository` is required",
                        "send {\"repository\": \"https://example.com/repo.git\", \"ref\": \"main\", \"path\": \"\"}");
            }
            Optional<String> ref = Optional.of(body.path("ref").asText("")).filter(r -> !r.isBlank());
            String path = body.path("path").asText("");
            Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> git.deploy(repository, ref, path), builds), ctx.vertx()
                            .getOrCreateContext())
                    .onSuccess(r -> {
                        Map<String, Object> answer = new LinkedHashMap<>(Json.mapper().convertValue(r.deployed(), Map.class));
                        answer.put("commit", r.commit());
                        answer.put("build", r.build());
                        answer.put("pushUrl", r.pushUrl());
                        ControlApi.json(ctx, 201, answer);
                    })
                    .onFailure(ctx::fail);
        });
    }

    private void mountDebug(Router router) {
        router.post("/v1/services/:name/debug").handler(ctx -> Future.fromCompletionStage(CompletableFuture.supplyAsync(
                        () -> debug.start(ctx.pathParam("name")), builds), ctx.vertx().getOrCreateContext())
                .onSuccess(session -> ControlApi.json(ctx, 200, session))
                .onFailure(ctx::fail));
        router.get("/v1/services/:name/debug").handler(ctx -> ControlApi.json(ctx, 200, debug.session(ctx.pathParam("name"))
                .orElseThrow(() -> UserError.notFound("debug.none", "service " + ctx.pathParam("name") + " has no debug session",
                        "start one with `nubo debug " + ctx.pathParam("name") + "`"))));
        router.delete("/v1/services/:name/debug").blockingHandler(ctx -> ControlApi.json(ctx, 200,
                Map.of("ended", debug.stop(ctx.pathParam("name")))), false);
    }

    private static JsonNode payload(RoutingContext ctx) {
        var body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            return MissingNode.getInstance();
        }
        try {
            return Json.mapper().readTree(body.getBytes());
        } catch (IOException e) {
            // A webhook sender's form-encoded payload or anything else: only the ref would have been read.
            return MissingNode.getInstance();
        }
    }
}
