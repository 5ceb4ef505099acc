package dev.nubo.gateway;

/**
 * Where the gateway reports what it measures of each revision's requests: the server plugs in its
 * Prometheus metrics and its metering here ({@link Gateway#meters}).
 *
 * <p>A revision's meter is resolved once, when a route table first routes the revision, and kept
 * with its {@link Demand}; the request path then only calls a method on a meter it already holds: no
 * tags to build, no map to look in, nothing allocated per request. Meters are called from every event
 * loop at once, so they must be thread-safe, must not block, and should cost no more than a few
 * atomic additions.
 *
 * <pre>{@code
 * gateway.meters((service, revision) -> new RevisionMeter() { ... });  // before the first route table
 * }</pre>
 */
public interface Meters {

    /** No measuring at all: the gateway's default. */
    Meters NONE = (service, revision) -> RevisionMeter.NONE;

    /** The meter of one revision of {@code service}; called once per revision, not per request. */
    RevisionMeter revision(String service, String revision);

    /** What the gateway tells about one revision's requests. */
    interface RevisionMeter {

        RevisionMeter NONE = new RevisionMeter() {
            @Override
            public void answered(int status, long nanos, long bytesIn, long bytesOut) {
            }

            @Override
            public void held(long nanos) {
            }

            @Override
            public void coldStart(long holdNanos, long firstResponseNanos) {
            }
        };

        /**
         * An exchange routed to the revision ended, answered by an instance or by the gateway (503 when
         * a hold ran out, 504, 502; 499 when the caller went away first; 101 when a tunnel closed).
         *
         * @param nanos from receipt to the end of the answer
         * @param bytesIn body bytes read from the caller
         * @param bytesOut body bytes relayed from the instance
         */
        void answered(int status, long nanos, long bytesIn, long bytesOut);

        /** A request held for room got an instance after waiting {@code nanos} (a cold start's hold, or a full revision's). */
        void held(long nanos);

        /**
         * A request that arrived while the revision had no ready instance got its answer's head: it
         * waited {@code holdNanos} from receipt until an instance took it, then {@code firstResponseNanos}
         * for the instance's first answer. How long the instance took to start is the server's to
         * tell (it launched it), not the gateway's.
         */
        void coldStart(long holdNanos, long firstResponseNanos);
    }
}
