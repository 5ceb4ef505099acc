package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.model.NuboException;
import dev.nubo.model.UserError;
import dev.nubo.store.ExecutionRecord;
import dev.nubo.store.WorkflowVersion;
import dev.nubo.workflows.Workflows;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the gateway sends requests to a workflow's host ({@code NAME.<domain>}, for a workflow deployed
 * with {@code http: true}): a loopback listener that starts an execution with the request's body as
 * its input, waits for it and answers its outcome (docs/WORKFLOWS.md, "On the gateway"). The gateway
 * routes here as to any instance ({@link WorkflowRoutes}), so its timeouts, body limits and request ids
 * hold. Each request waits on a virtual thread of its own, not on the event loop or a worker.
 */
final class WorkflowDoor implements AutoCloseable {

    /** How long a request waits for its execution; the gateway's timeout for the route is a little longer. */
    static final Duration WAIT = Duration.ofSeconds(WorkflowsApi.MAX_WAIT_SECONDS);
    static final int BODY_LIMIT = 1 << 20;

    private final Workflows workflows;
    private final String domain;
    private final ApiListener listener;

    private WorkflowDoor(Workflows workflows, String domain, Vertx vertx) {
        this.workflows = workflows;
        this.domain = domain.toLowerCase(Locale.ROOT);
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).handler(ctx ->
                Thread.ofVirtual().name("workflow-door").start(() -> answer(ctx)));
        this.listener = ApiListener.listen(vertx, router, "127.0.0.1", 0);
    }

    static WorkflowDoor open(Workflows workflows, String domain, Vertx vertx) {
        return new WorkflowDoor(workflows, domain, vertx);
    }

    int port() {
        return listener.port();
    }

    private void answer(RoutingContext ctx) {
        try {
            String workflow = workflow(ctx.request().getHeader("Host"));
            WorkflowVersion version = workflows.workflow(workflow);
            if (!version.http()) {
                throw UserError.notFound("workflow.not_on_gateway", "workflow " + workflow + " is not on the gateway",
                        "deploy it with http: true in its nubo.yaml (or `nubo workflow create NAME --http`)");
            }
            ExecutionRecord e = workflows.start(version, input(ctx), Optional.empty(), WAIT).record();
            ctx.response().putHeader("Nubo-Execution", e.id());
            switch (e.status()) {
                case "SUCCEEDED" -> ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(e.output().orElse("null"));
                case "RUNNING" -> ControlApi.json(ctx, 202, Map.of("execution", e.id(), "status", e.status(),
                        "hint", "it runs on: `nubo workflow describe " + e.id() + "` shows how it ends"));
                default -> ControlApi.json(ctx, status(e), Map.of("error", failure(e)));
            }
        } catch (NuboException e) {
            ControlApi.error(ctx, e);
        } catch (InterruptedException e) {
            ctx.response().setStatusCode(503).end(); // the server is stopping
        } catch (RuntimeException e) {
            ctx.fail(e);
        }
    }

    /**
     * A failed execution's status: 504 when it timed out, 409 when it was stopped, else 500 — the
     * workflow's own failure, named by its error, as a function's exception is.
     */
    static int status(ExecutionRecord e) {
        return switch (e.status()) {
            case "TIMED_OUT" -> 504;
            case "ABORTED" -> 409;
            default -> e.error().filter(x -> x.equals("States.Timeout") || x.equals("States.HeartbeatTimeout")).isPresent() ? 504 : 500;
        };
    }

    /** The body of a failed execution's answer: its error and cause, in the shape a function's error takes. */
    private static Map<String, String> failure(ExecutionRecord e) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("type", e.error().orElse(e.status()));
        error.put("message", e.cause().orElse(""));
        error.put("execution", e.id());
        error.put("status", e.status());
        return error;
    }

    /** The workflow a request is for: the first label of its Host, {@code NAME.<domain>[:port]}. */
    private String workflow(String host) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        h = colon > 0 && h.indexOf(']') < colon ? h.substring(0, colon) : h;
        if (!h.endsWith("." + domain)) {
            throw UserError.notFound("workflow.not_found", "no workflow at host " + host, "a workflow's URL is http://NAME." + domain);
        }
        return h.substring(0, h.length() - domain.length() - 1);
    }

    private static JsonNode input(RoutingContext ctx) {
        if (ctx.body().length() == 0) {
            return Json.mapper().createObjectNode();
        }
        try {
            return Json.mapper().readTree(ctx.body().buffer().getBytes());
        } catch (java.io.IOException e) {
            throw UserError.badRequest("request.invalid", "the request body is the workflow's input and must be JSON: " + e.getMessage(),
                    "send a JSON body, e.g. {\"order\": 42}, with content-type application/json");
        }
    }

    @Override
    public void close() throws Exception {
        listener.close();
    }
}
