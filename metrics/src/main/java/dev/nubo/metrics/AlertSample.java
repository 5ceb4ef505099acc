package dev.nubo.metrics;

/**
 * One service's running totals at an evaluation: what alert rules compute their figures from, as
 * differences between two samples. Totals only grow while the server runs; one that shrank (a
 * revision's meters dropped, a trigger deleted) is taken as counted again from zero.
 *
 * @param requests requests answered through the gateway
 * @param errors of those, answered with a 5xx
 * @param coldStarts of those, arrived while the service had no ready instance
 * @param latencyBuckets cumulative request counts at or under each of {@link GatewayMeters#BUCKETS}
 * @param deadLetters dead letters of the triggers that deliver to the service
 * @param restarts restarts of the service's live instances after crashes
 * @param backingOff instances waiting to restart now (a gauge, not a total)
 */
public record AlertSample(String service, long requests, long errors, long coldStarts, long[] latencyBuckets, long deadLetters,
                          long restarts, int backingOff) {

    /** A service nothing has been counted for yet. */
    public static AlertSample empty(String service) {
        return new AlertSample(service, 0, 0, 0, new long[GatewayMeters.BUCKETS.length], 0, 0, 0);
    }

    /** The same totals with eventing's and the instances' figures, which the server reads elsewhere. */
    public AlertSample with(long deadLetters, long restarts, int backingOff) {
        return new AlertSample(service, requests, errors, coldStarts, latencyBuckets, deadLetters, restarts, backingOff);
    }

    /** The figure over the stretch from {@code before} to this sample; empty when there is nothing to judge (no requests). */
    java.util.OptionalDouble figure(AlertRule.Figure figure, AlertSample before) {
        long requests = grew(this.requests, before.requests);
        return switch (figure) {
            case ERROR_RATE -> requests == 0 ? java.util.OptionalDouble.empty()
                    : java.util.OptionalDouble.of(100.0 * grew(errors, before.errors) / requests);
            case COLD_STARTS -> requests == 0 ? java.util.OptionalDouble.empty()
                    : java.util.OptionalDouble.of(100.0 * grew(coldStarts, before.coldStarts) / requests);
            case P99 -> p99(before);
            case DEAD_LETTERS -> java.util.OptionalDouble.of(grew(deadLetters, before.deadLetters));
            case CRASHING -> java.util.OptionalDouble.of(Math.max(grew(restarts, before.restarts), backingOff));
        };
    }

    /** The upper bound of the bucket the 99th percentile of the stretch's requests fell in; infinite beyond the last. */
    private java.util.OptionalDouble p99(AlertSample before) {
        boolean reset = requests < before.requests;
        long total = grew(requests, before.requests);
        if (total == 0) {
            return java.util.OptionalDouble.empty();
        }
        double wanted = Math.ceil(total * 0.99);
        for (int i = 0; i < latencyBuckets.length; i++) {
            long under = reset ? latencyBuckets[i] : latencyBuckets[i] - before.latencyBuckets[i];
            if (under >= wanted) {
                return java.util.OptionalDouble.of(GatewayMeters.BUCKETS[i].toMillis());
            }
        }
        return java.util.OptionalDouble.of(Double.POSITIVE_INFINITY);
    }

    private static long grew(long now, long before) {
        return now >= before ? now - before : now;
    }
}
