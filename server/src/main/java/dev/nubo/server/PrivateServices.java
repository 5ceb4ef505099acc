package dev.nubo.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nubo.access.Caller;
import dev.nubo.access.Permission;
import dev.nubo.gateway.FrontDoor;
import dev.nubo.gateway.ServiceGuard;
import dev.nubo.model.Descriptor;
import dev.nubo.model.Json;
import dev.nubo.model.RevisionState;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Services with {@code auth: token}: the gateway lets a request through to one only with a token that
 * may invoke (invoker, developer, admin) in {@code Authorization: Bearer}; else 401 (no valid token)
 * or 403 (a token of another role), saying which header to send. The set of private services is
 * kept from the store's change feed, so the gateway's check reads memory only. A service is private
 * while its newest revision or the newest READY one (which may still serve) says so: turning
 * {@code auth: token} on protects it from its deploy on; turning it off opens it once that revision serves.
 */
final class PrivateServices implements ServiceGuard {

    private final Store store;
    private final ApiAccess access;
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    PrivateServices(Store store, ApiAccess access) {
        this.store = store;
        this.access = access;
    }

    /** Reads every service; call once, after subscribing {@link #changed} to the change feed. */
    PrivateServices loadAll() {
        store.services().stream().map(ServiceRecord::name).forEach(this::changed);
        return this;
    }

    /**
     * The change feed named {@code service}: reads whether it is private now (blocks on the store). One at
     * a time, so that {@link #loadAll} at start and the feed cannot write an older read over a newer one.
     */
    synchronized void changed(String service) {
        List<RevisionRecord> revisions = store.revisions(service);
        boolean isPrivate = revisions.stream().findFirst().filter(PrivateServices::privateRevision).isPresent()
                || revisions.stream().filter(r -> r.state() == RevisionState.READY).findFirst().filter(PrivateServices::privateRevision).isPresent();
        if (isPrivate) {
            names.add(service);
        } else {
            names.remove(service);
        }
    }

    boolean isPrivate(String service) {
        return names.contains(service);
    }

    @Override
    public Optional<FrontDoor.Answer> refuse(String service, FrontDoor.Head head) {
        if (!names.contains(service)) {
            return Optional.empty();
        }
        String header = head.header("authorization");
        Optional<Caller> caller = access.caller(header);
        if (caller.filter(c -> c.may(Permission.INVOKE)).isPresent()) {
            return Optional.empty();
        }
        String hint = "send `Authorization: Bearer <token>` with a token that may invoke (roles invoker, developer, admin);"
                + " an admin makes one with `nubo token create NAME --role invoker`";
        return Optional.of(caller.isPresent()
                ? answer(403, "forbidden", "token " + caller.get().name() + " (role " + caller.get().role().label() + ") may not call "
                        + service + ", a private service", hint, head)
                : answer(401, "unauthorized", "service " + service + " is private (auth: token): "
                        + (header == null ? "the request has no bearer token" : "the bearer token is not valid"), hint, head));
    }

    private static boolean privateRevision(RevisionRecord r) {
        return r.descriptor().auth() == Descriptor.Auth.TOKEN;
    }

    private static FrontDoor.Answer answer(int status, String code, String message, String hint, FrontDoor.Head head) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("code", code);
        detail.put("message", message);
        detail.put("hint", hint);
        detail.put("requestId", head.requestId());
        try {
            return new FrontDoor.Answer(status, Map.of("content-type", "application/json", "www-authenticate", "Bearer realm=\"nubo\"",
                    "x-nubo-error", "true"), Json.mapper().writeValueAsBytes(Map.of("error", detail)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }
}
