package dev.nubo.gateway;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a found file is answered, decided from the request's headers alone (no disk): which
 * representation (a precompressed sibling when the caller accepts it), 304 when the caller's copy is
 * current, 206 for one byte range (416 when it lies past the end; several ranges get the whole file),
 * and the headers: type, validators, caching. {@code body} is the file sent and its part of it; none
 * for 304 and 416.
 *
 * <p>Caching: a fingerprinted name ({@code app.3f9a1c.js}, {@code index-BxK3a9Qz.js}) never changes
 * content, so it may be kept a year without asking; anything else ({@code index.html} above all, which
 * names the current fingerprints) must be revalidated each time, which the validators make cheap.
 */
record SiteReply(int status, HttpHeaders headers, Optional<SiteFile> body, long offset, long length) {

    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    /** A hash of 6 or more letters and digits, with at least one digit, between dots or after a dash, before the extension. */
    private static final Pattern FINGERPRINT = Pattern.compile(".+[.-](?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9]+");

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("map", "application/json"), Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"), Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"), Map.entry("ico", "image/x-icon"), Map.entry("wasm", "application/wasm"),
            Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"), Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
            Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"), Map.entry("mp3", "audio/mpeg"),
            Map.entry("wav", "audio/wav"), Map.entry("ogg", "audio/ogg"));

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }

    static String cacheControl(String name) {
        return FINGERPRINT.matcher(name).matches() ? IMMUTABLE : REVALIDATE;
    }

    /** The answer to a GET or HEAD for {@code found}, given the request's {@code request} headers. */
    static SiteReply of(SiteLookup.Found found, HttpHeaders request) {
        SiteFile file = found.file();
        HttpHeaders headers = new DefaultHttpHeaders(false);
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType(file.name()))
                .set(HttpHeaderNames.CACHE_CONTROL, found.fallback() ? REVALIDATE : cacheControl(file.name()))
                .set("x-content-type-options", "nosniff");
        if (found.status() != 200) {
            return whole(found.status(), headers, file);  // the not-found page: no validators, no ranges
        }
        String range = request.get(HttpHeaderNames.RANGE);
        SiteFile sent = file;
        String encoding = "";
        if (file.hasSiblings()) {
            headers.set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
            if (range == null) {  // ranges count bytes of the identity representation
                String accepted = request.get(HttpHeaderNames.ACCEPT_ENCODING, "");
                if (file.brotli().isPresent() && accepts(accepted, "br")) {
                    sent = file.brotli().get();
                    encoding = "br";
                } else if (file.gzip().isPresent() && accepts(accepted, "gzip")) {
                    sent = file.gzip().get();
                    encoding = "gzip";
                }
            }
        }
        String etag = file.etag(encoding.isEmpty() ? "" : "-" + encoding);
        headers.set(HttpHeaderNames.ETAG, etag)
                .set(HttpHeaderNames.LAST_MODIFIED, DateFormatter.format(new Date(file.lastModifiedMillis())))
                .set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        if (!encoding.isEmpty()) {
            headers.set(HttpHeaderNames.CONTENT_ENCODING, encoding);
        }
        if (notModified(request, etag, file.lastModifiedMillis())) {
            headers.remove(HttpHeaderNames.CONTENT_TYPE);
            return new SiteReply(304, headers, Optional.empty(), 0, 0);
        }
        if (range != null && ifRangeHolds(request.get(HttpHeaderNames.IF_RANGE), etag, file.lastModifiedMillis())) {
            Optional<long[]> span = SiteRanges.single(range, sent.length());
            if (span.isPresent() && span.get().length == 0) {
                headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + sent.length());
                headers.remove(HttpHeaderNames.CONTENT_TYPE);
                return new SiteReply(416, headers, Optional.empty(), 0, 0);
            }
            if (span.isPresent()) {
                long first = span.get()[0];
                long last = span.get()[1];
                headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + first + "-" + last + "/" + sent.length());
                return new SiteReply(206, headers, Optional.of(sent), first, last - first + 1);
            }
        }
        return whole(200, headers, sent);
    }

    private static SiteReply whole(int status, HttpHeaders headers, SiteFile file) {
        return new SiteReply(status, headers, Optional.of(file), 0, file.length());
    }

    /** If-None-Match wins over If-Modified-Since when both are there (RFC 9110, 13.2.2). */
    private static boolean notModified(HttpHeaders request, String etag, long lastModifiedMillis) {
        String noneMatch = request.get(HttpHeaderNames.IF_NONE_MATCH);
        if (noneMatch != null) {
            for (String tag : noneMatch.split(",")) {
                String t = tag.strip();
                if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                    return true;
                }
            }
            return false;
        }
        Date since = DateFormatter.parseHttpDate(request.get(HttpHeaderNames.IF_MODIFIED_SINCE, ""));
        return since != null && lastModifiedMillis / 1000 <= since.getTime() / 1000;
    }

    /** A range applies when there is no If-Range, or it names the current representation exactly. */
    private static boolean ifRangeHolds(String ifRange, String etag, long lastModifiedMillis) {
        if (ifRange == null) {
            return true;
        }
        if (ifRange.startsWith("\"")) {
            return ifRange.strip().equals(etag);
        }
        Date date = DateFormatter.parseHttpDate(ifRange);
        return date != null && date.getTime() / 1000 == lastModifiedMillis / 1000;
    }

    /** Whether an Accept-Encoding value accepts {@code coding} (listed, or {@code *}, without {@code q=0}). */
    static boolean accepts(String acceptEncoding, String coding) {
        for (String item : acceptEncoding.split(",")) {
            String[] parts = item.strip().split(";");
            String name = parts[0].strip();
            if (name.equalsIgnoreCase(coding) || name.equals("*")) {
                boolean refused = false;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].strip().replace(" ", "");
                    refused |= p.equals("q=0") || p.matches("q=0\\.0*");
                }
                return !refused;
            }
        }
        return false;
    }
}
