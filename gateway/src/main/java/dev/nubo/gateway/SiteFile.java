package dev.nubo.gateway;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One file of a site as read once: enough to answer for it without touching the disk again when it
 * is small ({@code bytes}), else to send it from the disk. {@code gzip} and {@code brotli} are its
 * precompressed siblings ({@code app.js.gz}, {@code app.js.br}) when the site has them.
 *
 * @param name the name the caller asked for, which decides the content type and caching
 */
record SiteFile(Path path, String name, long length, long lastModifiedMillis, Optional<byte[]> bytes,
                Optional<SiteFile> gzip, Optional<SiteFile> brotli) {

    /**
     * Strong, and different for each representation: a cache that stored the gzip answer must not
     * revalidate it against the identity one.
     */
    String etag(String encoding) {
        return "\"" + Long.toHexString(length) + "-" + Long.toHexString(lastModifiedMillis) + encoding + "\"";
    }

    boolean hasSiblings() {
        return gzip.isPresent() || brotli.isPresent();
    }
}
