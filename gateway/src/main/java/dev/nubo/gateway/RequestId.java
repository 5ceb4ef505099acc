package dev.nubo.gateway;

import dev.nubo.model.TraceIds;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code X-Request-Id} of an exchange. A caller's id is kept so that its logs and ours line up,
 * but only if it is short and plain ({@code [A-Za-z0-9._-]}, 1-128 chars): it lands in log lines
 * and response headers, where anything else invites injection.
 */
final class RequestId {

    private RequestId() {}

    static String from(String incoming) {
        if (incoming != null && TraceIds.isRequestId(incoming)) {
            return incoming;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[32];
        TraceParent.hex(random.nextLong(), id, 0);
        TraceParent.hex(random.nextLong(), id, 16);
        return new String(id);
    }
}
