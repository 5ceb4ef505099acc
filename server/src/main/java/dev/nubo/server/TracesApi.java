package dev.nubo.server;

import dev.nubo.model.UserError;
import dev.nubo.tracing.Span;
import dev.nubo.tracing.TraceSummary;
import dev.nubo.tracing.Tracing;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v1/traces[?service=NAME&limit=20]}: the recent traces Nubo keeps, newest first;
 * {@code GET /v1/traces/:traceId}: one trace's spans, earliest first, each with its parent, so a reader
 * can draw the tree ({@code nubo trace}). Kept in memory only, for the recent past (docs/OBSERVABILITY.md).
 */
final class TracesApi {

    static final int MAX_LIMIT = 1000;

    private final Tracing tracing;

    TracesApi(Tracing tracing) {
        this.tracing = tracing;
    }

    void mount(Router router) {
        router.get("/v1/traces").blockingHandler(this::list, false);  // a read first turns what is queued into spans
        router.get("/v1/traces/:traceId").blockingHandler(this::trace, false);
    }

    private void list(RoutingContext ctx) {
        Optional<String> service = Optional.ofNullable(ctx.queryParams().get("service")).filter(s -> !s.isBlank());
        int limit = limit(ctx.queryParams().get("limit"));
        List<Map<String, Object>> traces = tracing.recent(service, limit).stream().map(TracesApi::summary).toList();
        ControlApi.json(ctx, 200, Map.of("traces", traces));
    }

    private void trace(RoutingContext ctx) {
        String id = ctx.pathParam("traceId").toLowerCase(java.util.Locale.ROOT);
        if (!id.matches("[0-9a-f]{32}")) {
            throw UserError.badRequest("trace.bad_id", "'" + ctx.pathParam("traceId") + "' is not a trace id",
                    "a trace id is 32 hex digits, the second field of a traceparent header; `nubo trace --list` shows recent ones");
        }
        List<Span> spans = tracing.trace(id);
        if (spans.isEmpty()) {
            throw UserError.notFound("trace.not_found", "no spans of trace " + id + " are kept",
                    "Nubo keeps the recent past only, and nothing of a trace its caller asked not to sample (traceparent flags 00);"
                            + " `nubo trace --list` shows the traces kept");
        }
        ControlApi.json(ctx, 200, Map.of("traceId", id, "spans", spans.stream().map(TracesApi::span).toList()));
    }

    private static int limit(String raw) {
        if (raw == null) {
            return 20;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw UserError.badRequest("trace.bad_limit", "limit=" + raw + " is not a number from 1 to " + MAX_LIMIT, "pass limit=20, say");
    }

    private static Map<String, Object> summary(TraceSummary t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("traceId", t.traceId());
        out.put("root", t.root());
        out.put("services", t.services());
        out.put("start", time(t.startEpochNanos()));
        out.put("durationMs", t.durationNanos() / 1e6);
        out.put("spans", t.spans());
        out.put("status", t.error() ? "error" : "ok");
        return out;
    }

    private static Map<String, Object> span(Span s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("spanId", s.spanId());
        s.parentId().ifPresent(p -> out.put("parentId", p));
        out.put("name", s.name());
        out.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
        out.put("service", s.service());
        out.put("start", time(s.startEpochNanos()));
        out.put("durationMs", s.durationNanos() / 1e6);
        out.put("status", s.error() ? "error" : "ok");
        out.put("attributes", new java.util.TreeMap<>(s.attributes()));
        return out;
    }

    private static String time(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos).toString();
    }
}
