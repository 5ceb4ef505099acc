package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import dev.nubo.store.ExecutionRecord;
import dev.nubo.store.HistoryEvent;
import dev.nubo.store.WorkflowLog;
import dev.nubo.store.WorkflowVersion;
import dev.nubo.workflows.WorkflowType;
import dev.nubo.workflows.Workflows;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The workflows part of the control API (docs/API.md, "Workflows"): definitions deployed as versions,
 * executions started, listed, described, stopped, and their histories. Every call reads or writes the
 * store, so all run off the event loop.
 */
final class WorkflowsApi {

    private static final int BODY_LIMIT = 1 << 20;
    /** The longest synchronous start (?wait=): it holds one of the API's worker threads meanwhile. */
    static final int MAX_WAIT_SECONDS = 60;

    private final Workflows workflows;
    private final Urls urls;
    /** Runs after each deploy: puts a workflow with {@code http: true} on the gateway at once. */
    private final Runnable deployed;

    WorkflowsApi(Workflows workflows, Urls urls, Runnable deployed) {
        this.workflows = workflows;
        this.urls = urls;
        this.deployed = deployed;
    }

    void mount(Router router) {
        router.put("/v1/workflows/:name").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).blockingHandler(ctx -> {
            String name = ctx.pathParam("name");
            Optional<WorkflowVersion> before = workflows.workflows().stream().filter(w -> w.name().equals(name)).findFirst();
            JsonNode body = body(ctx, "workflow");
            WorkflowVersion v = workflows.deploy(name, definition(body), WorkflowType.of(body.path("type").asText("standard")),
                    body.path("http").asBoolean(false));
            deployed.run();
            ControlApi.json(ctx, before.map(b -> b.version() == v.version()).orElse(false) ? 200 : 201, workflow(v, true));
        }, false);
        router.get("/v1/workflows").blockingHandler(ctx -> ControlApi.json(ctx, 200, Map.of("workflows",
                workflows.workflows().stream().map(v -> workflow(v, false)).toList())), false);
        router.get("/v1/workflows/:name").blockingHandler(ctx ->
                ControlApi.json(ctx, 200, workflow(workflows.workflow(ctx.pathParam("name")), true)), false);
        router.post("/v1/workflows/:name/executions").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).blockingHandler(ctx -> {
            JsonNode body = ctx.body().length() == 0 ? Json.mapper().createObjectNode() : body(ctx, "execution");
            JsonNode input = body.has("input") ? body.get("input") : Json.mapper().createObjectNode();
            Optional<String> name = body.hasNonNull("name") ? Optional.of(body.get("name").asText()) : Optional.empty();
            int wait = ControlApi.intParam(ctx, "wait", 0, 0, MAX_WAIT_SECONDS);
            WorkflowLog.Started started;
            try {
                started = wait > 0 ? workflows.start(ctx.pathParam("name"), input, name, java.time.Duration.ofSeconds(wait))
                        : workflows.start(ctx.pathParam("name"), input, name);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt(); // the server is stopping
                throw new dev.nubo.model.PlatformFault("platform.stopping", "the server is stopping; start the execution again", interrupted);
            }
            Map<String, Object> view = execution(started.record());
            view.put("durable", WorkflowType.of(workflows.workflow(started.record().workflow()).type()) == WorkflowType.STANDARD);
            ControlApi.json(ctx, started.created() ? 201 : 200, view);
        }, false);
        router.get("/v1/workflows/:name/executions").blockingHandler(ctx -> ControlApi.json(ctx, 200, Map.of("executions",
                workflows.executions(ctx.pathParam("name"), ControlApi.intParam(ctx, "limit", 100, 1, 10_000)).stream()
                        .map(WorkflowsApi::execution).toList())), false);
        router.get("/v1/executions/:id").blockingHandler(ctx ->
                ControlApi.json(ctx, 200, execution(workflows.execution(ctx.pathParam("id")))), false);
        router.get("/v1/executions/:id/history").blockingHandler(ctx -> ControlApi.json(ctx, 200, Map.of("events",
                workflows.history(ctx.pathParam("id")).stream().map(WorkflowsApi::event).toList())), false);
        router.post("/v1/executions/:id/stop").handler(BodyHandler.create().setBodyLimit(64 << 10)).blockingHandler(ctx -> {
            JsonNode body = ctx.body().length() == 0 ? Json.mapper().createObjectNode() : body(ctx, "stop");
            ControlApi.json(ctx, 200, execution(workflows.stop(ctx.pathParam("id"), text(body, "error"), text(body, "cause"))));
        }, false);
        mountCallbacks(router);
    }

    /** {@code POST /v1/tasks/success|failure|heartbeat}: a {@code .waitForTaskToken} task's outcome, sent back with its token. */
    private void mountCallbacks(Router router) {
        router.post("/v1/tasks/:outcome").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).blockingHandler(ctx -> {
            JsonNode body = body(ctx, "task");
            String token = text(body, "taskToken").orElseThrow(() -> UserError.badRequest("request.invalid",
                    "the body needs \"taskToken\": the token the task got as $$.Task.Token", "see docs/API.md, \"Workflows\""));
            ExecutionRecord e = switch (ctx.pathParam("outcome")) {
                case "success" -> workflows.callback(token, Json.mapper().createObjectNode()
                        .set("output", body.has("output") ? body.get("output") : Json.mapper().createObjectNode()));
                case "failure" -> workflows.callback(token, Json.mapper().createObjectNode()
                        .put("error", text(body, "error").orElse("States.TaskFailed")).put("cause", text(body, "cause").orElse("")));
                case "heartbeat" -> workflows.heartbeat(token);
                default -> throw UserError.notFound("api.not_found", "no API endpoint POST " + ctx.request().path(),
                        "the task outcomes are success, failure and heartbeat");
            };
            ControlApi.json(ctx, 200, execution(e));
        }, false);
    }

    /** {@code definition} as text (JSON or YAML), or as a JSON object, which is kept as its JSON. */
    private static String definition(JsonNode body) {
        JsonNode d = body.path("definition");
        if (d.isTextual()) {
            return d.asText();
        }
        if (d.isObject()) {
            return d.toString();
        }
        throw UserError.badRequest("request.invalid", "the workflow body needs \"definition\": the ASL definition, as an object or as text",
                "e.g. {\"definition\": {\"StartAt\": \"Hello\", \"States\": {\"Hello\": {\"Type\": \"Succeed\"}}}}");
    }

    private Map<String, Object> workflow(WorkflowVersion v, boolean withDefinition) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", v.name());
        out.put("version", v.version());
        out.put("type", v.type());
        out.put("durable", WorkflowType.of(v.type()) == WorkflowType.STANDARD);
        if (v.http()) {
            out.put("url", urls.service(v.name()));
        }
        out.put("createdAt", v.createdAt().toString());
        if (withDefinition) {
            out.put("definition", v.definition());
        }
        return out;
    }

    private static Map<String, Object> execution(ExecutionRecord e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("workflow", e.workflow());
        out.put("version", e.version());
        out.put("name", e.name());
        out.put("status", e.status());
        Workflows.currentState(e).ifPresent(s -> out.put("state", s));
        out.put("input", parse(e.input()));
        e.output().ifPresent(o -> out.put("output", parse(o)));
        e.error().ifPresent(x -> out.put("error", x));
        e.cause().ifPresent(x -> out.put("cause", x));
        out.put("startedAt", e.startedAt().toString());
        e.stoppedAt().ifPresent(t -> out.put("stoppedAt", t.toString()));
        out.put("events", e.events());
        return out;
    }

    private static Map<String, Object> event(HistoryEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seq", e.seq());
        out.put("at", e.at().toString());
        out.put("type", e.type());
        e.state().ifPresent(s -> out.put("state", s));
        out.put("detail", parse(e.detail()));
        return out;
    }

    private static Optional<String> text(JsonNode body, String field) {
        return body.hasNonNull(field) ? Optional.of(body.get(field).asText()) : Optional.empty();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            return JsonNodeFactory.instance.textNode(json);
        }
    }

    private static JsonNode body(RoutingContext ctx, String what) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw UserError.badRequest("request.invalid", "the " + what + " body is empty", "see docs/API.md, \"Workflows\"");
        }
        try {
            JsonNode node = Json.mapper().readTree(body.getBytes());
            if (!node.isObject()) {
                throw UserError.badRequest("request.invalid", "the " + what + " body must be a JSON object", "see docs/API.md, \"Workflows\"");
            }
            return node;
        } catch (java.io.IOException e) {
            throw UserError.badRequest("request.invalid", "the " + what + " body is not JSON: " + e.getMessage(), "see docs/API.md, \"Workflows\"");
        }
    }
}
