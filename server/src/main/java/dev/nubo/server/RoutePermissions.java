package dev.nubo.server;

import dev.nubo.access.Permission;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every control API route asks of its caller, in one table (docs/SECURITY.md shows it by role):
 * a request no row takes needs an admin, and {@code ApiAccessTest} fails for a mounted route that is
 * not here, so a new route cannot go out without a decision. Routes without a permission authenticate
 * themselves (webhook signatures, push secrets, the Config Server's instance credentials) or are public
 * (the registry, the console's files); ingest also checks a producer's brokers.
 */
final class RoutePermissions {

    /** One row: the route as mounted ({@code PUT /v1/services/:name/traffic}) and what it needs. */
    record Rule(String method, String template, Optional<Permission> needs) {
        private boolean matches(String m, String[] path) {
            String[] parts = template.substring(1).split("/");
            if (!method.equals(m) || parts.length != path.length) {
                return false;
            }
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].startsWith(":") && !parts[i].equals(path[i]) || path[i].isEmpty()) {
                    return false;
                }
            }
            return true;
        }

        /** Literal segments beat parameters: {@code /v1/dead-letters/replay} is not {@code /v1/dead-letters/:id}. */
        private long parameters() {
            return template.chars().filter(c -> c == ':').count();
        }

        String route() {
            return method + " " + template;
        }
    }

    private static final Permission R = Permission.READ;
    private static final Permission W = Permission.WRITE;

    static final List<Rule> RULES = rules(Map.ofEntries(
            // The server itself.
            Map.entry("GET /v1/info", Permission.ANY),
            Map.entry("GET /v1/runtimes", R),
            // Services.
            Map.entry("POST /v1/deployments", W),
            Map.entry("POST /v1/deployments/git", W),
            Map.entry("GET /v1/services", R),
            Map.entry("GET /v1/services/:name", R),
            Map.entry("DELETE /v1/services/:name", W),
            Map.entry("GET /v1/services/:name/revisions/:revision", R),
            Map.entry("POST /v1/services/:name/rollback", W),
            Map.entry("GET /v1/services/:name/traffic", R),
            Map.entry("PUT /v1/services/:name/traffic", W),
            Map.entry("POST /v1/services/:name/invoke", Permission.INVOKE),
            Map.entry("GET /v1/services/:name/logs", R),
            Map.entry("GET /v1/services/:name/invocations", R),
            Map.entry("POST /v1/services/:name/debug", W),
            Map.entry("GET /v1/services/:name/debug", R),
            Map.entry("DELETE /v1/services/:name/debug", W),
            Map.entry("GET /v1/invocations/:id", R),
            // Eventing.
            Map.entry("GET /v1/brokers", R),
            Map.entry("PUT /v1/brokers/:name", W),
            Map.entry("DELETE /v1/brokers/:name", W),
            Map.entry("POST /v1/brokers/:name/producer-token", W),
            Map.entry("POST /v1/brokers/:name/events", Permission.PUBLISH),
            Map.entry("POST /v1/triggers", W),
            Map.entry("GET /v1/triggers", R),
            Map.entry("GET /v1/triggers/:name", R),
            Map.entry("DELETE /v1/triggers/:name", W),
            Map.entry("GET /v1/dead-letters", R),
            Map.entry("POST /v1/dead-letters/replay", W),
            Map.entry("POST /v1/dead-letters/:id/replay", W),
            Map.entry("DELETE /v1/dead-letters/:id", W),
            Map.entry("POST /v1/sources", W),
            Map.entry("GET /v1/sources", R),
            Map.entry("GET /v1/sources/:name", R),
            Map.entry("DELETE /v1/sources/:name", W),
            // Workflows.
            Map.entry("PUT /v1/workflows/:name", W),
            Map.entry("GET /v1/workflows", R),
            Map.entry("GET /v1/workflows/:name", R),
            Map.entry("POST /v1/workflows/:name/executions", W),
            Map.entry("GET /v1/workflows/:name/executions", R),
            Map.entry("GET /v1/executions/:id", R),
            Map.entry("GET /v1/executions/:id/history", R),
            Map.entry("POST /v1/executions/:id/stop", W),
            Map.entry("POST /v1/tasks/:outcome", W),
            // APIs.
            Map.entry("POST /v1/apis", W),
            Map.entry("GET /v1/apis", R),
            Map.entry("DELETE /v1/apis/:name", W),
            Map.entry("POST /v1/apis/:name/stages/:stage/rollback", W),
            Map.entry("POST /v1/apis/:name/keys", W),
            Map.entry("GET /v1/apis/:name/keys", R),
            Map.entry("DELETE /v1/apis/:name/keys/:id", W),
            Map.entry("GET /v1/apis/:name/usage", R),
            // Access.
            Map.entry("POST /v1/tokens", Permission.ADMIN),
            Map.entry("GET /v1/tokens", Permission.ADMIN),
            Map.entry("GET /v1/whoami", R),
            Map.entry("DELETE /v1/tokens/:name", Permission.ADMIN),
            Map.entry("GET /v1/audit", Permission.ADMIN),
            Map.entry("GET /v1/secrets", R),
            Map.entry("PUT /v1/secrets/:name", W),
            Map.entry("DELETE /v1/secrets/:name", W),
            // Namespaces: only an admin changes them; a token limited to one sees only that one (NamespaceScope).
            Map.entry("POST /v1/namespaces", Permission.ADMIN),
            Map.entry("GET /v1/namespaces", R),
            Map.entry("GET /v1/namespaces/:name", R),
            Map.entry("PUT /v1/namespaces/:name", Permission.ADMIN),
            Map.entry("DELETE /v1/namespaces/:name", Permission.ADMIN),
            // The configuration center.
            Map.entry("GET /v1/config", R),
            Map.entry("GET /v1/config/:app", R),
            Map.entry("POST /v1/config/:app", W),
            Map.entry("POST /v1/config/:app/import", W),
            Map.entry("GET /v1/config/:app/history", R),
            Map.entry("POST /v1/config/:app/rollback", W),
            Map.entry("GET /v1/config/:app/status", R),
            Map.entry("GET /v1/config/:app/watch", R),
            // What Nubo measures.
            Map.entry("GET /metrics", R),
            Map.entry("GET /v1/usage", R),
            Map.entry("GET /v1/services/:name/metrics", R),
            Map.entry("GET /v1/traces", R),
            Map.entry("GET /v1/traces/:traceId", R),
            Map.entry("GET /v1/alerts", R),
            Map.entry("PUT /v1/alerts", W),
            Map.entry("PUT /v1/alerts/:name", W),
            Map.entry("DELETE /v1/alerts/:name", W)),
            List.of("POST /v1/webhooks/:name", "POST /v1/git/:name/push",
                    // Instances' Spring Cloud Config clients: a credential of the instance's own in the path.
                    "GET /config/:instance/:credential/:application/:profile",
                    "GET /config/:instance/:credential/:application/:profile/:label",
                    "GET /config/:instance/:credential/:file",
                    // The registry is read and written by apps inside instances, which carry no token (docs/SECURITY.md).
                    "GET /v1/registry", "GET /v1/registry/watch",
                    // The console's own files: its pages sign in with a token and call the routes above with it.
                    "GET /console", "GET /console/:file"));

    private RoutePermissions() {}

    /** The most specific rule for a request, if any route of the table takes it. */
    static Optional<Rule> find(String method, String path) {
        String[] parts = (path.length() > 1 && path.endsWith("/") ? path.substring(1, path.length() - 1) : path.substring(1)).split("/", -1);
        return RULES.stream().filter(r -> r.matches(method, parts)).min(Comparator.comparingLong(Rule::parameters));
    }

    private static List<Rule> rules(Map<String, Permission> declared, List<String> selfAuthenticated) {
        List<Rule> rules = new java.util.ArrayList<>();
        declared.forEach((route, p) -> rules.add(rule(route, Optional.of(p))));
        selfAuthenticated.forEach(route -> rules.add(rule(route, Optional.empty())));
        return List.copyOf(rules);
    }

    private static Rule rule(String route, Optional<Permission> needs) {
        int space = route.indexOf(' ');
        return new Rule(route.substring(0, space), route.substring(space + 1), needs);
    }
}
