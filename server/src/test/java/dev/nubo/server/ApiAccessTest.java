package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.access.Permission;
import dev.nubo.access.Role;
import dev.nubo.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 401/403 matrix of the control API: every route the router has, called without a token, with a
 * wrong one, and with a token of each role, against what {@link RoutePermissions} declares. The
 * routes come from the router itself, so a route mounted without a declared permission fails here.
 */
class ApiAccessTest {

    @TempDir
    static Path home;
    private static NuboServer server;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Map<Role, String> tokens = new LinkedHashMap<>();
    /** Tokens limited to the namespace team-a, one per role that may be limited. */
    private static final Map<Role, String> teamA = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        server = NuboServer.start(ServerConfig.ephemeral(home).withPoolSize(0));
        tokens.put(Role.ADMIN, server.adminToken());
        for (Role role : List.of(Role.DEVELOPER, Role.VIEWER, Role.INVOKER, Role.PRODUCER)) {
            String brokers = role == Role.PRODUCER ? ", \"brokers\": [\"x\"]" : "";
            HttpResponse<String> created = send("POST", "/v1/tokens", Optional.of(server.adminToken()),
                    "{\"name\": \"" + role.label() + "\", \"role\": \"" + role.label() + "\"" + brokers + "}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            tokens.put(role, Json.mapper().readTree(created.body()).get("token").asText());
        }
        assertThat(send("POST", "/v1/namespaces", Optional.of(server.adminToken()), "{\"name\": \"team-a\"}").statusCode()).isEqualTo(201);
        for (Role role : List.of(Role.DEVELOPER, Role.VIEWER, Role.INVOKER)) {
            HttpResponse<String> created = send("POST", "/v1/tokens", Optional.of(server.adminToken()),
                    "{\"name\": \"team-a-" + role.label() + "\", \"role\": \"" + role.label() + "\", \"namespace\": \"team-a\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            teamA.put(role, Json.mapper().readTree(created.body()).get("token").asText());
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyMountedRouteDeclaresWhatItNeeds() {
        List<String> undeclared = server.apiRoutes().stream().filter(route -> {
            String[] parts = route.split(" ", 2);
            return RoutePermissions.find(parts[0], parts[1]).filter(r -> r.template().equals(parts[1])).isEmpty();
        }).toList();
        assertThat(undeclared).as("routes without a row in RoutePermissions").isEmpty();
        assertThat(server.apiRoutes()).as("the table has no rows for routes that are gone")
                .containsAll(RoutePermissions.RULES.stream().map(RoutePermissions.Rule::route).toList());
    }

    @Test
    void everyRouteRefusesCallersWithoutTheRightTokenAndLetsTheRestThrough() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String route : server.apiRoutes()) {
            String[] parts = route.split(" ", 2);
            RoutePermissions.Rule rule = RoutePermissions.find(parts[0], parts[1])
                    .orElseThrow(() -> new AssertionError(route + " has no row in RoutePermissions"));
            if (rule.needs().isEmpty()) {
                continue; // webhooks and push hooks check their own secrets
            }
            Permission needs = rule.needs().get();
            String path = parts[1].replaceAll(":[a-z]+", "x");
            expect(wrong, route, "no token", send(parts[0], path, Optional.empty(), "{}").statusCode(), 401);
            expect(wrong, route, "a wrong token", send(parts[0], path, Optional.of("nubo_t_000000000000_" + "0".repeat(40)), "{}").statusCode(), 401);
            for (Map.Entry<Role, String> token : tokens.entrySet()) {
                int status = send(parts[0], path, Optional.of(token.getValue()), "{}").statusCode();
                if (token.getKey().grants(needs)) {
                    if (status == 401 || status == 403) {
                        wrong.add(route + " as " + token.getKey().label() + ": " + status + ", but the role has " + needs);
                    }
                } else {
                    expect(wrong, route, token.getKey().label(), status, 403);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /**
     * The same matrix for tokens limited to the namespace team-a: a route about a service, a deploy,
     * the list of services or a namespace lets them through in team-a (as far as their role goes) and
     * answers 403 in default; every other route, whose objects belong to no namespace, answers 403.
     */
    @Test
    void aTokenLimitedToANamespaceIsLetThroughOnlyInThatNamespace() throws Exception {
        List<String> anywhere = List.of("GET /v1/info", "GET /v1/runtimes", "GET /v1/namespaces");
        List<String> wrong = new ArrayList<>();
        for (String route : server.apiRoutes()) {
            String[] parts = route.split(" ", 2);
            RoutePermissions.Rule rule = RoutePermissions.find(parts[0], parts[1]).orElseThrow();
            if (rule.needs().isEmpty()) {
                continue;
            }
            boolean byName = parts[1].startsWith("/v1/services/:name") || parts[1].startsWith("/v1/namespaces/:name");
            boolean byParameter = route.equals("POST /v1/deployments") || route.equals("GET /v1/services");
            String filler = parts[1].startsWith("/v1/namespaces/") ? "" : "x.";
            String inside = byParameter ? parts[1] + "?namespace=team-a" : parts[1].replaceFirst(":name", filler + "team-a").replaceAll(":[a-z]+", "x");
            String outside = byParameter ? parts[1] + "?namespace=default" : parts[1].replaceFirst(":name", filler.isEmpty() ? "team-b" : "x")
                    .replaceAll(":[a-z]+", "x");
            for (Map.Entry<Role, String> token : teamA.entrySet()) {
                if (!token.getKey().grants(rule.needs().get())) {
                    continue;
                }
                String who = "team-a's " + token.getKey().label();
                int in = send(parts[0], inside, Optional.of(token.getValue()), "{}").statusCode();
                if (anywhere.contains(route) || byName || byParameter) {
                    if (in == 401 || in == 403) {
                        wrong.add(route + " in team-a as " + who + ": " + in);
                    }
                } else {
                    expect(wrong, route, who, in, 403);
                }
                if (byName || byParameter) {
                    expect(wrong, route + " outside team-a", who, send(parts[0], outside, Optional.of(token.getValue()), "{}").statusCode(), 403);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aTokenOfAnotherNamespaceHearsWhichNamespaceItIsLimitedTo() throws Exception {
        HttpResponse<String> answer = send("DELETE", "/v1/services/hello", Optional.of(teamA.get(Role.DEVELOPER)), "");
        assertThat(answer.statusCode()).isEqualTo(403);
        var error = Json.mapper().readTree(answer.body()).get("error");
        assertThat(error.get("message").asText()).isEqualTo("token team-a-developer may act only in the namespace team-a, not in default");
        assertThat(error.get("hint").asText()).startsWith("add -n team-a (or set NUBO_NAMESPACE=team-a)");
        HttpResponse<String> brokers = send("GET", "/v1/brokers", Optional.of(teamA.get(Role.VIEWER)), "");
        assertThat(Json.mapper().readTree(brokers.body()).get("error").get("message").asText())
                .isEqualTo("token team-a-viewer is limited to the namespace team-a, and GET /v1/brokers does not belong to a namespace");
        HttpResponse<String> nowhere = send("POST", "/v1/tokens", Optional.of(server.adminToken()),
                "{\"name\": \"lost\", \"role\": \"viewer\", \"namespace\": \"team-z\"}");
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(nowhere.body()).contains("no namespace named team-z");
        HttpResponse<String> listed = send("GET", "/v1/namespaces", Optional.of(teamA.get(Role.VIEWER)), "");
        assertThat(Json.mapper().readTree(listed.body()).get("namespaces").findValuesAsText("name")).containsExactly("team-a");
    }

    @Test
    void aForbiddenCallerHearsWhatTheRouteNeedsAndWhoHasIt() throws Exception {
        HttpResponse<String> answer = send("DELETE", "/v1/services/hello", Optional.of(tokens.get(Role.VIEWER)), "");
        assertThat(answer.statusCode()).isEqualTo(403);
        var error = Json.mapper().readTree(answer.body()).get("error");
        assertThat(error.get("message").asText()).isEqualTo("token viewer (role viewer) may not DELETE /v1/services/:name: that needs the write permission");
        assertThat(error.get("hint").asText()).startsWith("use a token whose role has it (admin, developer)");
    }

    private static void expect(List<String> wrong, String route, String who, int status, int expected) {
        if (status != expected) {
            wrong.add(route + " with " + who + ": " + status + ", expected " + expected);
        }
    }

    private static HttpResponse<String> send(String method, String path, Optional<String> token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.apiUrl() + path))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
