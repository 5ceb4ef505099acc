package dev.nubo.gateway;

import java.time.Duration;

/**
 * What the gateway sees of one revision right now: the autoscaler's input, and what
 * {@code nubo describe} shows about held requests.
 *
 * @param inFlight requests being proxied to the revision's routed instances
 * @param waiting requests held in the gateway for room (cold start, or every instance at its limit)
 * @param arrivals requests routed to the revision since the gateway started, a running count
 * @param held requests that ever had to wait, a running count
 * @param holdP50 median wait of the last 512 held requests that got an instance
 * @param holdP99 99th percentile of the same
 * @param holdMax the longest of the same
 */
public record RevisionLoad(String revision, int inFlight, int waiting, long arrivals, long held,
                           Duration holdP50, Duration holdP99, Duration holdMax) {

    /** In flight plus waiting: the concurrency the autoscaler sizes for. */
    public int concurrency() {
        return inFlight + waiting;
    }

    public static RevisionLoad none(String revision) {
        return new RevisionLoad(revision, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
