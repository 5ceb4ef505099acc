package dev.nubo.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * How Nubo's server tells a function runtime what a request's body is, so that a Lambda-style
 * function gets the event Lambda would give it (docs/LAMBDA.md): {@code Nubo-Event: direct} for a
 * direct invocation ({@code nubo invoke}, asynchronous invocations: the body is the event, as is),
 * {@code Nubo-Event: cloudevent} for a trigger's delivery (a CloudEvent in binary mode), and no header
 * for a request to the service's URL (the function gets API Gateway's HTTP event).
 *
 * <p>Only the server may say so: a caller who could would hand a function any event it trusts (an
 * authorizer's claims, say) without the admin token. So the gateway passes {@code Nubo-Event} only
 * when the request also carries {@code Nubo-Event-Key} with this process's key, and never passes the
 * key on; the server's own callers through the gateway (the control API's invoke, the dispatcher) send
 * both, and nothing else knows the key. A delivery handed straight to an instance needs no key.
 */
public final class EventHeader {

    public static final String NAME = "Nubo-Event";
    public static final String KEY = "Nubo-Event-Key";
    public static final String DIRECT = "direct";
    public static final String CLOUDEVENT = "cloudevent";

    /** New at every start: it only has to outlive the requests of this process. */
    private static final String SECRET = secret();

    private EventHeader() {}

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The value of {@link #KEY} for requests this process sends through its gateway. */
    public static String key() {
        return SECRET;
    }

    /** Whether {@code key} (a request's {@link #KEY}, null when absent) is this process's. */
    public static boolean trusted(String key) {
        return key != null && MessageDigest.isEqual(SECRET.getBytes(StandardCharsets.US_ASCII), key.getBytes(StandardCharsets.US_ASCII));
    }
}
