package dev.nubo.server;

import dev.nubo.access.Caller;
import dev.nubo.model.Namespaced;
import dev.nubo.model.UserError;
import java.util.Optional;
import java.util.Set;

/**
 * Where a token limited to a namespace may go (docs/SECURITY.md, "Namespaces"). A request's namespace
 * is in the service's stored name ({@code /v1/services/orders.team-a/...}), in {@code ?namespace=}
 * (deploys and the list of services), or is the namespace itself ({@code /v1/namespaces/team-a}). Routes
 * whose objects belong to no namespace yet (brokers, triggers, sources, workflows, APIs, config,
 * secrets, metrics) are refused to such a token, reads included, so it sees nothing outside its namespace.
 * Tokens not limited to a namespace pass everywhere their role allows.
 */
final class NamespaceScope {

    /** Routes that say nothing of any namespace's objects: any valid token may call them. */
    private static final Set<String> ANYWHERE = Set.of("GET /v1/info", "GET /v1/runtimes", "GET /v1/namespaces");
    /** Routes whose namespace is the {@code namespace} query parameter; for the list, the caller's own when absent. */
    private static final Set<String> BY_PARAMETER = Set.of("POST /v1/deployments", "GET /v1/services");

    private NamespaceScope() {}

    /**
     * Why {@code caller} may not make this request, if it may not: a 403 naming its namespace.
     *
     * @param route the matched row's {@code METHOD /template}
     * @param parameter the request's {@code namespace} query parameter
     */
    static Optional<UserError> refusal(Caller caller, String route, String path, Optional<String> parameter) {
        if (caller.namespace().isEmpty() || ANYWHERE.contains(route)) {
            return Optional.empty();
        }
        String own = caller.namespace().get();
        String[] segments = path.substring(1).split("/");
        Optional<String> target;
        if (BY_PARAMETER.contains(route)) {
            target = Optional.of(parameter.orElse(route.startsWith("GET") ? own : Namespaced.DEFAULT));
        } else if (route.contains(" /v1/services/:name") && segments.length > 2) {
            target = Optional.of(Namespaced.namespaceOf(segments[2]));
        } else if (route.contains(" /v1/namespaces/:name") && segments.length > 2) {
            target = Optional.of(segments[2]);
        } else {
            target = Optional.empty();
        }
        if (target.isEmpty()) {
            return Optional.of(UserError.forbidden("token " + caller.name() + " is limited to the namespace " + own + ", and " + route
                            + " does not belong to a namespace",
                    "use a token that is not limited to a namespace (`nubo token create NAME --role ROLE` without --namespace)"));
        }
        if (!target.get().equals(own)) {
            return Optional.of(UserError.forbidden("token " + caller.name() + " may act only in the namespace " + own + ", not in " + target.get(),
                    "add -n " + own + " (or set NUBO_NAMESPACE=" + own + "), or use a token of the namespace " + target.get()));
        }
        return Optional.empty();
    }
}
