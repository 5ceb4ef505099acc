package dev.nubo.server;

import dev.nubo.access.Caller;
import dev.nubo.store.AuditLog;
import dev.nubo.store.AuditRecord;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every request that may change something (any method but GET, HEAD and OPTIONS) in the
 * audit log once it is answered: who ({@link ApiAccess} puts the token's name in the context; an
 * unauthenticated attempt is {@code anonymous}), the method, the route and its target, when, from
 * which address, and the status. Never a header or a body, so never a token or a secret's value.
 */
final class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final Vertx vertx;
    private final AuditLog audit;
    private final InstantSource clock;

    AuditTrail(Vertx vertx, AuditLog audit, InstantSource clock) {
        this.vertx = vertx;
        this.audit = audit;
        this.clock = clock;
    }

    /** The router's handler in front of the routes it audits; the entry is written when the answer ends. */
    void record(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
            ctx.next();
            return;
        }
        var at = clock.instant();
        String address = Optional.ofNullable(ctx.request().remoteAddress()).map(a -> a.hostAddress()).orElse("");
        ctx.addEndHandler(done -> {
            AuditRecord entry = new AuditRecord(at, Optional.<String>ofNullable(ctx.get(ApiAccess.CALLER)).orElse(Caller.ANONYMOUS),
                    method.name(), Optional.<String>ofNullable(ctx.get(ApiAccess.ROUTE)).orElse(ctx.normalizedPath()), ctx.normalizedPath(),
                    address, ctx.response().getStatusCode());
            vertx.executeBlocking(() -> {
                audit.append(entry);
                return null;
            }, false).onFailure(e -> log.warn("could not write the audit entry for {} {} by {}: {}", entry.method(), entry.target(),
                    entry.caller(), e.getMessage()));
        });
        ctx.next();
    }
}
