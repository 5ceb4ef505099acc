package dev.nubo.gateway;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * GET answers kept in memory for the operations an API caches ({@link FrontDoor.Caching}), bounded by
 * their bytes: the least recently used go first. An answer is keyed by the front door's key and the
 * revision it came from, so a redeployed service (or API, whose version is in the key) is never
 * answered from what its predecessor said. A hit is answered on the event loop with {@code Age} and
 * {@code X-Cache: hit}; a miss goes on to the instance, marked {@code X-Cache: miss}, and its answer
 * is copied here as it streams past ({@link CacheFill}) when it may be kept.
 *
 * <p>One lock around a small map: a lookup or a store holds it for a hash lookup and a relink.
 */
final class AnswerCache {

    /** One kept answer: its head as the caller got it (minus the per-request and framing headers) and its body. */
    record Kept(int status, List<Map.Entry<String, String>> headers, byte[] body, long storedNanos, long expiresNanos) {
        long size() {
            long size = body.length + 64L;
            for (Map.Entry<String, String> h : headers) {
                size += h.getKey().length() + h.getValue().length() + 32L;
            }
            return size;
        }
    }

    private final long maxBytes;
    private final int maxEntryBytes;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Kept> kept = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    AnswerCache(long maxBytes, LongSupplier nanoClock) {
        this.maxBytes = maxBytes;
        this.maxEntryBytes = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, maxBytes / 8));
        this.nanoClock = nanoClock;
    }

    /**
     * Answers {@code exchange} from the cache when its operation caches and a fresh answer is kept:
     * true then. Otherwise a GET is marked to fill the cache with the instance's answer.
     */
    boolean serve(Exchange exchange, FrontDoor.Caching caching, String revision, Map<String, String> responseHeaders) {
        HttpMethod method = exchange.request().method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            return false;
        }
        String key = caching.key() + '\n' + revision;
        long now = nanoClock.getAsLong();
        Kept hit = get(key, now);
        if (hit == null) {
            if (method.equals(HttpMethod.GET)) {
                exchange.fillCache(new CacheFill(this, key, caching.ttl(), maxEntryBytes));
            }
            return false;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(exchange.request().protocolVersion(),
                HttpResponseStatus.valueOf(hit.status()), Unpooled.wrappedBuffer(hit.body()));
        hit.headers().forEach(h -> response.headers().add(h.getKey(), h.getValue()));
        responseHeaders.forEach(response.headers()::set);  // per caller (CORS's origin): as the front door says now
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, hit.body().length)
                .set(HttpHeaderNames.AGE, Long.toString((now - hit.storedNanos()) / 1_000_000_000L))
                .set(CacheFill.X_CACHE, "hit");
        exchange.replyWhole(response, "cache hit");
        return true;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    synchronized void put(String key, Kept answer) {
        Kept old = kept.put(key, answer);
        bytes += answer.size() - (old == null ? 0 : old.size());
        for (Iterator<Kept> it = kept.values().iterator(); bytes > maxBytes && it.hasNext(); ) {
            bytes -= it.next().size();
            it.remove();
        }
    }

    private synchronized Kept get(String key, long now) {
        Kept k = kept.get(key);
        if (k != null && now - k.expiresNanos() >= 0) {
            kept.remove(key);
            bytes -= k.size();
            return null;
        }
        return k;
    }

    synchronized long bytes() {
        return bytes;
    }
}
