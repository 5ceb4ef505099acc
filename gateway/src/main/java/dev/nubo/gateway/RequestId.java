package dev.nubo.gateway;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code X-Request-Id} of an exchange. A caller's id is kept so that its logs and ours line up,
 * but only if it is short and plain ({@code [A-Za-z0-9._-]}, 1-128 chars): it lands in log lines
 * and response headers, where anything else invites injection.
 */
final class RequestId {

    static final int MAX_LENGTH = 128;

    private RequestId() {}

    static String from(String incoming) {
        if (incoming != null && isValid(incoming)) {
            return incoming;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return TraceParent.hex(random.nextLong(), 16) + TraceParent.hex(random.nextLong(), 16);
    }

    static boolean isValid(String id) {
        int n = id.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!plain) {
                return false;
            }
        }
        return true;
    }
}
