package dev.nubo.server;

import dev.nubo.model.UserError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * {@code GET /v1/whoami}: the name and role of the token the request came with, so the console can
 * say who is signed in (and what they may do) without an admin's {@code GET /v1/tokens}.
 */
final class WhoAmIApi {

    private final ApiAccess access;

    WhoAmIApi(ApiAccess access) {
        this.access = access;
    }

    void mount(Router router) {
        router.get("/v1/whoami").handler(ctx -> {
            var caller = access.caller(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)).orElseThrow(() ->
                    UserError.unauthorized("no valid token", "send Authorization: Bearer TOKEN"));  // ApiAccess refused it already
            ControlApi.json(ctx, 200, Map.of("name", caller.name(), "role", caller.role().label()));
        });
    }
}
