package dev.nubo.gateway;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Where the gateway tells about every exchange that reached a service, once it has ended: the server
 * writes them to each service's access log ({@link Gateway#accessLog}).
 *
 * <p>Called on the event loops, so it must not block and should do no more than hand the entry over
 * (the server queues it for a writer thread). The gateway makes the {@link Entry} from what it
 * already holds (the request's method and target, the revision's id, the caller's socket address)
 * and nothing else: no string is built per request on the event loop, the path and the address are
 * turned into text by whoever reads the entry.
 *
 * <pre>{@code
 * gateway.accessLog(entry -> queue.offer(entry));  // must not block
 * }</pre>
 */
public interface AccessLog {

    /** Nothing recorded: the gateway's default, and then not even an entry is made. */
    AccessLog NONE = entry -> { };

    void record(Entry entry);

    /**
     * One exchange that reached a service.
     *
     * @param endMillis when it ended, milliseconds since the epoch
     * @param revision the revision that answered, or {@code -} when none was picked (refused by the
     *                 service's limits or its guard)
     * @param target the request target as the caller sent it (path and query)
     * @param status as answered; 499 when the caller went away first, 101 for a closed tunnel
     * @param nanos from receipt to the end of the answer
     * @param bytesIn body bytes read from the caller
     * @param bytesOut body bytes relayed from the instance
     * @param client the caller's socket address (a loopback peer when a proxy sits in front)
     */
    record Entry(long endMillis, String service, String revision, String method, String target, int status,
                 long nanos, long bytesIn, long bytesOut, String requestId, SocketAddress client) {

        /** The target without its query: what the access log shows, since a query may carry secrets. */
        public String path() {
            return Gateway.path(target);
        }

        /** The caller's IP address as text, or {@code unknown}. */
        public String clientAddress() {
            return client instanceof InetSocketAddress inet && inet.getAddress() != null
                    ? inet.getAddress().getHostAddress() : "unknown";
        }
    }
}
