package dev.nubo.gateway;

/**
 * What one exchange was, in the terms a trace needs: times are {@link System#nanoTime} readings, 0 for
 * a moment that never came; strings are empty, never null, when unknown.
 *
 * @param callerTraceparent the {@code traceparent} the caller sent, as sent (empty when none)
 * @param upstreamTraceparent the one the gateway sent to the instance: the caller's trace (or a new one) with
 *        the gateway's own span id as parent; empty when nothing was sent
 * @param service the routed service, empty when the request was not routed
 * @param instance the instance that got the request, empty when none did
 * @param status the final status (499: the caller left first)
 * @param result the access log's word for how it ended
 * @param receivedNanos when the request head arrived
 * @param heldNanos when the request first waited for room; 0 when it never did
 * @param heldUntilNanos when a held request got its instance; 0 when it was never held or never got one
 * @param cold whether it was held while its revision had no ready instance (a cold start)
 * @param callNanos when the gateway started asking the instance (connecting); 0 when it never did
 * @param endNanos when the exchange ended
 */
public record ExchangeTrace(String callerTraceparent, String upstreamTraceparent, String method, String path,
                            String service, String revision, String instance, String requestId, int status, String result,
                            long receivedNanos, long heldNanos, long heldUntilNanos, boolean cold, long callNanos, long endNanos) {
}
