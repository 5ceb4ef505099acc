package dev.nubo.server;

import dev.nubo.access.Caller;
import dev.nubo.access.Permission;
import dev.nubo.access.Role;
import dev.nubo.access.Tokens;
import dev.nubo.model.UserError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who may call which control API route: the bearer token names a {@link Caller} ({@link Tokens}),
 * and the route's row in {@link RoutePermissions} says what it needs. No valid token is a 401, a
 * role without the permission a 403; both say what to send instead. The caller and the route go into
 * the request's context for the audit log ({@link AuditTrail}).
 */
final class ApiAccess {

    static final String CALLER = "nubo.caller";
    static final String ROUTE = "nubo.route";
    /** The namespace the caller's token is limited to, if it is: lists show only that one. */
    static final String NAMESPACE = "nubo.namespace";

    private final Tokens tokens;
    private final Home home;

    ApiAccess(Tokens tokens, Home home) {
        this.tokens = tokens;
        this.home = home;
    }

    /** The caller a request's {@code Authorization: Bearer} header names, if it is a valid token. */
    Optional<Caller> caller(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return tokens.verify(authorization.substring(7).strip());
    }

    /** The router's handler in front of every route that does not authenticate itself. */
    void authorize(RoutingContext ctx) {
        String method = ctx.request().method().name();
        Optional<RoutePermissions.Rule> rule = RoutePermissions.find(method, ctx.normalizedPath());
        ctx.put(ROUTE, rule.map(RoutePermissions.Rule::template).orElse(ctx.normalizedPath()));
        Optional<Caller> caller = caller(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (caller.isEmpty()) {
            String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            ControlApi.error(ctx, UserError.unauthorized(header == null ? "missing bearer token" : "the bearer token is not valid for this server",
                    "send `Authorization: Bearer <token>`: the admin token is in " + home.root().resolve("admin.token")
                            + ", and `nubo token create` makes scoped ones"));
            return;
        }
        ctx.put(CALLER, caller.get().name());
        Permission needs = rule.flatMap(RoutePermissions.Rule::needs).orElse(Permission.ADMIN);
        if (!caller.get().may(needs)) {
            String route = rule.map(RoutePermissions.Rule::route).orElse(method + " " + ctx.normalizedPath());
            ControlApi.error(ctx, UserError.forbidden("token " + caller.get().name() + " (role " + caller.get().role().label() + ") may not "
                    + route + ": that needs the " + needs.name().toLowerCase(java.util.Locale.ROOT) + " permission",
                    "use a token whose role has it (" + holders(needs) + "); an admin makes one with `nubo token create NAME --role ROLE`"));
            return;
        }
        String route = rule.map(RoutePermissions.Rule::route).orElse(method + " " + ctx.normalizedPath());
        Optional<UserError> outside = NamespaceScope.refusal(caller.get(), route, ctx.normalizedPath(),
                Optional.ofNullable(ctx.request().getParam("namespace")));
        if (outside.isPresent()) {
            ControlApi.error(ctx, outside.get());
            return;
        }
        caller.get().namespace().ifPresent(ns -> ctx.put(NAMESPACE, ns));
        ctx.next();
    }

    private static String holders(Permission p) {
        return Arrays.stream(Role.values()).filter(r -> r.grants(p)).map(Role::label).collect(Collectors.joining(", "));
    }
}
