package dev.nubo.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Copies one instance's answer into the {@link AnswerCache} as it streams to the caller, when it may
 * be kept: a 200 without {@code Set-Cookie}, whose {@code Cache-Control} says neither {@code no-store},
 * {@code private} nor {@code no-cache}, kept for the operation's TTL or the answer's
 * {@code s-maxage}/{@code max-age} when shorter, and no larger than the cache's share per entry.
 */
final class CacheFill {

    static final String X_CACHE = "x-cache";

    /** Said per request or per connection: never replayed from the cache. */
    private static final Set<String> NOT_KEPT = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
            "x-request-id", "age", X_CACHE, "date");

    private final AnswerCache cache;
    private final String key;
    private final Duration ttl;
    private final int maxBytes;
    private int status;
    private long ttlNanos;
    private List<Map.Entry<String, String>> headers;
    private byte[] body;
    private int size;

    CacheFill(AnswerCache cache, String key, Duration ttl, int maxBytes) {
        this.cache = cache;
        this.key = key;
        this.ttl = ttl;
        this.maxBytes = maxBytes;
    }

    /** The answer's head, as the caller gets it: marks it a miss; null when it is not to be kept. */
    CacheFill begin(int status, HttpHeaders head) {
        head.set(X_CACHE, "miss");
        long keepNanos = status == 200 && !head.contains(HttpHeaderNames.SET_COOKIE) ? keepNanos(head.get(HttpHeaderNames.CACHE_CONTROL)) : 0;
        long length = head.getInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (keepNanos <= 0 || length > maxBytes) {
            return null;
        }
        this.status = status;
        this.ttlNanos = keepNanos;
        this.headers = new ArrayList<>();
        head.forEach(h -> {
            if (!NOT_KEPT.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), h.getValue()));
            }
        });
        this.body = new byte[(int) Math.max(length, 256)];
        return this;
    }

    /** A part of the body; the last one stores the answer. Null once there is nothing more to do. */
    CacheFill add(ByteBuf part, boolean last) {
        int n = part.readableBytes();
        if (size + n > maxBytes) {
            return null;
        }
        if (size + n > body.length) {
            body = Arrays.copyOf(body, Math.min(maxBytes, Math.max(size + n, body.length * 2)));
        }
        part.getBytes(part.readerIndex(), body, size, n);
        size += n;
        if (!last) {
            return this;
        }
        long now = cache.nanoTime();
        cache.put(key, new AnswerCache.Kept(status, List.copyOf(headers), size == body.length ? body : Arrays.copyOf(body, size), now, now + ttlNanos));
        return null;
    }

    /** How long an answer with this {@code Cache-Control} may be kept, at most the operation's TTL; 0 for not at all. */
    long keepNanos(String cacheControl) {
        long keep = ttl.toNanos();
        if (cacheControl == null) {
            return keep;
        }
        long maxAge = -1;
        long sMaxAge = -1;
        for (String directive : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
            String d = directive.trim();
            if (d.equals("no-store") || d.equals("private") || d.startsWith("private=") || d.equals("no-cache") || d.startsWith("no-cache=")) {
                return 0;
            } else if (d.startsWith("max-age=")) {
                maxAge = seconds(d.substring(8));
            } else if (d.startsWith("s-maxage=")) {
                sMaxAge = seconds(d.substring(9));
            }
        }
        long said = sMaxAge >= 0 ? sMaxAge : maxAge;
        return said < 0 || said >= keep / 1_000_000_000L ? keep : said * 1_000_000_000L;
    }

    private static long seconds(String value) {
        try {
            return Math.max(0, Long.parseLong(value.replace("\"", "").trim()));
        } catch (NumberFormatException e) {
            return 0;  // a max-age that does not parse is stale (RFC 9111 §4.2.1)
        }
    }
}
