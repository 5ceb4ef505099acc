package dev.nubo.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nubo.access.Caller;
import dev.nubo.access.Permission;
import dev.nubo.apis.Jwts;
import dev.nubo.gateway.FrontDoor;
import dev.nubo.gateway.ServiceGuard;
import dev.nubo.model.Descriptor;
import dev.nubo.model.Json;
import dev.nubo.model.RevisionState;
import dev.nubo.model.UserError;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services with {@code auth: token} or {@code auth: {jwt: ...}}: the gateway lets a request through to
 * one only with, in {@code Authorization: Bearer}, a Nubo token that may invoke (invoker, developer,
 * admin), or a JWT the service's authorizer accepts; else 401 (no valid credential, with the cause)
 * or 403 (a Nubo token of another role). What the instance gets:
 * <ul>
 *   <li>{@code auth: token}: no {@code Authorization} header. The caller's Nubo token is a credential
 *       to Nubo's API too (a developer's deploys, an admin's everything), so a service must never see it.
 *       {@code Nubo-Authorizer: {"token":{"name":...,"role":...}}} says who called.</li>
 *   <li>{@code auth: jwt}: the caller's JWT, kept: it was made for this service (its audience), and the
 *       app may check more of it or pass it on for the user; and its verified claims as
 *       {@code Nubo-Authorizer: {"jwt":{"claims":{...},"scopes":[...]}}}, as an API's JWT authorizer gives them.</li>
 * </ul>
 * {@code Nubo-Authorizer} is dropped from what callers send, so an instance can trust it. The guards
 * are kept from the store's change feed, so the gateway's check reads memory only (a JWT's signature
 * is checked once per token, then cached until it expires). A service is private while its newest
 * revision or the newest READY one (which may still serve) says so, with the newest's authorizer:
 * turning auth on protects a service from its deploy on; turning it off opens it once that revision serves.
 */
final class PrivateServices implements ServiceGuard {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateServices.class);
    private static final String AUTHORIZER = "nubo-authorizer";
    private static final List<String> DROP_AUTHORIZATION = List.of("authorization");

    /** How one private service checks its callers. */
    private sealed interface Guard permits TokenGuard, JwtGuard, Unloadable {}

    private record TokenGuard() implements Guard {}

    private record JwtGuard(Jwts jwts) implements Guard {}

    /** An authorizer whose keys could not be loaded (a JWKS URL that stopped answering): refuses every caller. */
    private record Unloadable(String why) implements Guard {}

    private final Store store;
    private final ApiAccess access;
    private final InstantSource clock;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    /** The authorizer each JWT guard was made from: a change of any other field keeps the guard and its cache. */
    private final Map<String, Descriptor.Jwt> jwtDescriptors = new ConcurrentHashMap<>();

    PrivateServices(Store store, ApiAccess access, InstantSource clock) {
        this.store = store;
        this.access = access;
        this.clock = clock;
    }

    /** Reads every service; call once, after subscribing {@link #changed} to the change feed. */
    PrivateServices loadAll() {
        store.services().stream().map(ServiceRecord::name).forEach(this::changed);
        return this;
    }

    /**
     * The change feed named {@code service}: reads whether it is private now (blocks on the store, and on
     * a JWKS URL). One at a time, so that {@link #loadAll} at start and the feed cannot write an older read over a newer one.
     */
    synchronized void changed(String service) {
        List<RevisionRecord> revisions = store.revisions(service);
        Optional<Descriptor> guarding = revisions.stream().findFirst().map(RevisionRecord::descriptor).filter(PrivateServices::isPrivate)
                .or(() -> revisions.stream().filter(r -> r.state() == RevisionState.READY).findFirst().map(RevisionRecord::descriptor)
                        .filter(PrivateServices::isPrivate));
        if (guarding.isEmpty()) {
            guards.remove(service);
            return;
        }
        Descriptor d = guarding.get();
        Guard now = guards.get(service);
        if (d.auth() == Descriptor.Auth.TOKEN) {
            guards.put(service, new TokenGuard());
        } else if (!(now instanceof JwtGuard) || !d.jwt().equals(jwtOf(service))) {
            guards.put(service, jwtGuard(service, d.jwt().orElseThrow()));
            jwtDescriptors.put(service, d.jwt().orElseThrow());
        }
    }

    private Optional<Descriptor.Jwt> jwtOf(String service) {
        return Optional.ofNullable(jwtDescriptors.get(service));
    }

    /**
     * Fetches again the keys of every JWT authorizer that names a {@code jwksUrl}, so that keys an identity
     * provider rotates in are taken without a redeploy, and a service whose keys could not be fetched
     * (its provider was down when the server started) opens once they can. A fetch that fails keeps the
     * keys there were. Blocks on the URLs: call it off event loops, every few minutes.
     */
    synchronized void refreshKeys() {
        jwtDescriptors.forEach((service, jwt) -> {
            Guard now = guards.get(service);
            if (jwt.jwksUrl().isEmpty() || !(now instanceof JwtGuard || now instanceof Unloadable)) {
                return;
            }
            try {
                guards.put(service, new JwtGuard(JwtAuthorizer.of(jwt, clock)));
            } catch (UserError e) {
                LOG.warn("service {} keeps its {} JWT keys: {}", service, now instanceof JwtGuard ? "current" : "(missing)", e.getMessage());
            }
        });
    }

    private Guard jwtGuard(String service, Descriptor.Jwt jwt) {
        try {
            return new JwtGuard(JwtAuthorizer.of(jwt, clock));
        } catch (UserError e) {
            LOG.warn("service {} refuses every caller: its JWT authorizer cannot be loaded: {}", service, e.getMessage());
            return new Unloadable(e.getMessage());
        }
    }

    /** Whether {@code service} takes Nubo tokens ({@code auth: token}): `nubo invoke` then passes its caller's on. */
    boolean isPrivate(String service) {
        return guards.get(service) instanceof TokenGuard;
    }

    @Override
    public Decision check(String service, FrontDoor.Head head) {
        Guard guard = guards.get(service);
        if (guard == null) {
            return Let.AS_IS;
        }
        String header = head.header("authorization");
        return switch (guard) {
            case TokenGuard t -> token(service, header, head);
            case JwtGuard j -> jwt(service, j.jwts(), header, head);
            case Unloadable u -> refuse(503, "unavailable", "service " + service + " cannot check its callers: " + u.why(),
                    "fix auth.jwt in its nubo.yaml and deploy it again", head);
        };
    }

    private Decision token(String service, String header, FrontDoor.Head head) {
        Optional<Caller> caller = access.caller(header);
        if (caller.filter(c -> c.may(Permission.INVOKE)).isPresent()) {
            return new Let(DROP_AUTHORIZATION, Map.of(AUTHORIZER, json(Map.of("token",
                    Map.of("name", caller.get().name(), "role", caller.get().role().label())))));
        }
        String hint = "send `Authorization: Bearer <token>` with a token that may invoke (roles invoker, developer, admin);"
                + " an admin makes one with `nubo token create NAME --role invoker`";
        return caller.isPresent()
                ? refuse(403, "forbidden", "token " + caller.get().name() + " (role " + caller.get().role().label() + ") may not call "
                        + service + ", a private service", hint, head)
                : refuse(401, "unauthorized", "service " + service + " is private (auth: token): "
                        + (header == null ? "the request has no bearer token" : "the bearer token is not valid"), hint, head);
    }

    private Decision jwt(String service, Jwts jwts, String header, FrontDoor.Head head) {
        String hint = "send `Authorization: Bearer <JWT>` with a token from the issuer and for the audience in the service's auth.jwt";
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refuse(401, "unauthorized", "service " + service + " is private (auth: jwt): the request has no bearer token", hint, head);
        }
        try {
            return new Let(List.of(), Map.of(AUTHORIZER, jwts.verify(header.substring(7).trim(), clock.millis()).context()));
        } catch (Jwts.Invalid e) {
            return refuse(401, "unauthorized", "service " + service + " is private (auth: jwt): " + e.getMessage(), hint, head);
        }
    }

    private static boolean isPrivate(Descriptor d) {
        return d.auth() != Descriptor.Auth.NONE;
    }

    private static Refuse refuse(int status, String code, String message, String hint, FrontDoor.Head head) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("code", code);
        detail.put("message", message);
        detail.put("hint", hint);
        detail.put("requestId", head.requestId());
        Map<String, String> headers = status == 503 ? Map.of("content-type", "application/json", "x-nubo-error", "true")
                : Map.of("content-type", "application/json", "www-authenticate", "Bearer realm=\"nubo\"", "x-nubo-error", "true");
        try {
            return new Refuse(new FrontDoor.Answer(status, headers, Json.mapper().writeValueAsBytes(Map.of("error", detail))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }
}
