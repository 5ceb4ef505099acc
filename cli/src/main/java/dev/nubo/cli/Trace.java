package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/**
 * {@code nubo trace TRACE_ID [-o json]}: one trace's span tree as Nubo kept it, across services;
 * {@code nubo trace --list [--service NAME] [--limit N]}: the recent traces kept.
 *
 * <pre>
 * SPAN                 SERVICE  DURATION  STATUS
 * GET /hello           shop     412.3ms   ok
 * ├─ hold              shop     398.0ms   ok
 * │  └─ cold start     shop     371.2ms   ok
 * └─ call instance     shop     13.9ms    ok
 * </pre>
 */
@Command(name = "trace", description = "Show a trace's spans as a tree (name, service, duration, status), from the recent past"
        + " Nubo keeps; --list shows the recent traces.")
final class Trace extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TRACE_ID", description = "32 hex digits: the trace id of a traceparent header.")
    String traceId;

    @Option(names = "--list", description = "List recent traces (newest first) instead of showing one.")
    boolean list;

    @Option(names = "--service", paramLabel = "NAME", description = "With --list: only traces that touched this service.")
    String service;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "With --list: at most N traces (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json (the API's JSON).")
    Usage.Format format;

    Trace(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        if (list == (traceId != null)) {
            throw new ParameterException(spec.commandLine(), "give a TRACE_ID, or --list for the recent traces");
        }
        if (format == Usage.Format.csv) {
            throw new ParameterException(spec.commandLine(), "-o csv is not a trace format; use -o text or json");
        }
        try (Api api = api()) {
            JsonNode json = list ? api.get("/v1/traces?limit=" + limit + (service == null ? "" : "&service=" + Api.query(service)))
                    : api.get("/v1/traces/" + Api.query(traceId));
            if (format == Usage.Format.json) {
                printJson(json);
                return 0;
            }
            PrintWriter out = out();
            if (list) {
                list(json, out);
            } else {
                tree(json, out);
            }
            out.flush();
            return 0;
        }
    }

    private static void list(JsonNode json, PrintWriter out) {
        if (json.path("traces").isEmpty()) {
            out.println("no traces kept yet; requests through the gateway make them");
            return;
        }
        Table table = new Table("TRACE", "ROOT", "SERVICES", "START", "DURATION", "SPANS", "STATUS");
        for (JsonNode t : json.path("traces")) {
            List<String> services = new ArrayList<>();
            t.path("services").forEach(s -> services.add(s.asText()));
            table.row(t.path("traceId").asText(), t.path("root").asText(), String.join(",", services), t.path("start").asText(),
                    duration(t.path("durationMs").asDouble()), t.path("spans").asText(), t.path("status").asText());
        }
        table.print(out, "");
    }

    /** Spans under their parents, siblings by start; a span whose parent is not kept (the caller's) is a root. */
    private static void tree(JsonNode json, PrintWriter out) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        json.path("spans").forEach(s -> byId.put(s.path("spanId").asText(), s));
        Map<String, List<JsonNode>> children = new LinkedHashMap<>();
        List<JsonNode> roots = new ArrayList<>();
        for (JsonNode s : byId.values()) {
            String parent = s.path("parentId").asText("");
            if (byId.containsKey(parent)) {
                children.computeIfAbsent(parent, p -> new ArrayList<>()).add(s);
            } else {
                roots.add(s);
            }
        }
        Table table = new Table("SPAN", "SERVICE", "DURATION", "STATUS");
        for (JsonNode root : roots) {
            add(table, root, "", "", children);
        }
        out.println("trace " + json.path("traceId").asText());
        table.print(out, "");
    }

    private static void add(Table table, JsonNode span, String lead, String indent, Map<String, List<JsonNode>> children) {
        table.row(lead + span.path("name").asText(), span.path("service").asText(""), duration(span.path("durationMs").asDouble()),
                span.path("status").asText());
        List<JsonNode> kids = children.getOrDefault(span.path("spanId").asText(), List.of());
        for (int i = 0; i < kids.size(); i++) {
            boolean last = i == kids.size() - 1;
            add(table, kids.get(i), indent + (last ? "└─ " : "├─ "), indent + (last ? "   " : "│  "), children);
        }
    }

    private static String duration(double ms) {
        return ms >= 1000 ? String.format(java.util.Locale.ROOT, "%.2fs", ms / 1000) : String.format(java.util.Locale.ROOT, "%.1fms", ms);
    }
}
