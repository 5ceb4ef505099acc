package dev.nubo.gateway;

import java.util.List;
import java.util.Map;

/**
 * Who may call a service, checked after the gateway has routed a request to it (by host, tag host or
 * path) and before any revision is picked: private services ({@code auth: token}, {@code auth: jwt})
 * refuse callers without a token that may invoke, and change what the instance is told of the caller
 * (the credential dropped, its verified claims added). Asked on the request's event loop for every
 * routed request, so it must answer at once from memory, as a {@link FrontDoor} does.
 */
@FunctionalInterface
public interface ServiceGuard {

    /** Lets every caller through as it came. */
    ServiceGuard OPEN = (service, head) -> Let.AS_IS;

    /** Refuses {@code head} (a 401, say), or lets it through to {@code service}. */
    Decision check(String service, FrontDoor.Head head);

    sealed interface Decision permits Let, Refuse {}

    /** Answer the caller with {@code answer}; the request reaches no instance. */
    record Refuse(FrontDoor.Answer answer) implements Decision {}

    /**
     * Let the request through, with the headers named in {@code removeRequestHeaders} dropped and
     * {@code requestHeaders} set on what the instance gets (after a front door's, so a guard's win).
     */
    record Let(List<String> removeRequestHeaders, Map<String, String> requestHeaders) implements Decision {
        public static final Let AS_IS = new Let(List.of(), Map.of());

        public Let {
            removeRequestHeaders = List.copyOf(removeRequestHeaders);
            requestHeaders = Map.copyOf(requestHeaders);
        }
    }
}
