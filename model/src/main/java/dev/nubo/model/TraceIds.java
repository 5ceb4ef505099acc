package dev.nubo.model;

/**
 * Which request ids and trace contexts Nubo passes on as a caller sent them. The gateway keeps a
 * caller's ids so that its logs and ours line up, and the Lambda Runtime API hands them to custom
 * runtimes; both accept exactly these shapes and make their own ids otherwise.
 */
public final class TraceIds {

    /** The longest {@code X-Request-Id} kept. */
    public static final int MAX_REQUEST_ID_LENGTH = 128;

    private TraceIds() {}

    /**
     * A short, plain {@code X-Request-Id}: {@code [A-Za-z0-9._-]}, 1-128 characters. It lands in log
     * lines, response headers and Runtime API paths, where anything else invites injection.
     */
    public static boolean isRequestId(String id) {
        int n = id.length();
        if (n == 0 || n > MAX_REQUEST_ID_LENGTH) {
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

    /**
     * A W3C {@code traceparent}: {@code version-traceid-parentid-flags}, lowercase hex, ids not all
     * zero, version not ff. Later versions may append fields after a dash; version 00 may not.
     */
    public static boolean isTraceparent(String s) {
        if (s.length() < 55 || s.charAt(2) != '-' || s.charAt(35) != '-' || s.charAt(52) != '-') {
            return false;
        }
        if (!isHex(s, 0, 2) || !isHex(s, 3, 35) || !isHex(s, 36, 52) || !isHex(s, 53, 55)) {
            return false;
        }
        if (s.startsWith("ff") || isZero(s, 3, 35) || isZero(s, 36, 52)) {
            return false;
        }
        if (s.startsWith("00")) {
            return s.length() == 55;
        }
        return s.length() == 55 || s.charAt(55) == '-';
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
