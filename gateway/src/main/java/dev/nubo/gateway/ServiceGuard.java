package dev.nubo.gateway;

import java.util.Optional;

/**
 * Who may call a service, checked after the gateway has routed a request to it (by host, tag host or
 * path) and before any revision is picked: private services ({@code auth: token}) refuse callers
 * without a token that may invoke. Asked on the request's event loop for every routed request, so it
 * must answer at once from memory, as a {@link FrontDoor} does.
 */
@FunctionalInterface
public interface ServiceGuard {

    /** Lets every caller through. */
    ServiceGuard OPEN = (service, head) -> Optional.empty();

    /** An answer that refuses {@code head} (a 401, say), or empty to let it through to {@code service}. */
    Optional<FrontDoor.Answer> refuse(String service, FrontDoor.Head head);
}
