package dev.nubo.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds what a path names in a {@link Site}, off the event loops, and remembers it. A revision's
 * directory never changes once deployed, so an answer once found stays true: a repeated request for
 * a small file is served from memory without a system call. The memory is bounded (entries and bytes);
 * when full it starts over rather than track recency, which costs one disk read per file after that.
 *
 * <p>The disk work runs on a few daemon threads of its own, never on an event loop: a stat or a read
 * on a slow or cold disk would stall every connection of that loop.
 */
final class SiteFiles {

    /** Files up to this size are kept in memory; larger ones are sent from the disk. */
    static final int SMALL = 64 * 1024;
    private static final int MAX_ENTRIES = 20_000;
    private static final long MAX_BYTES = 64L << 20;

    private final ConcurrentHashMap<String, SiteLookup> known = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final ExecutorService disk = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "nubo-site-files");
        t.setDaemon(true);
        return t;
    });

    /** What {@code path} (the request's, still percent-encoded, without query) names, if already known. */
    Optional<SiteLookup> known(Site site, String path) {
        return Optional.ofNullable(known.get(key(site, path)));
    }

    /** Finds what {@code path} names on the disk, off the caller's thread, and remembers it. */
    CompletableFuture<SiteLookup> find(Site site, String path) {
        return CompletableFuture.supplyAsync(() -> remember(key(site, path), lookup(site, path)), disk);
    }

    /** Reads part of a file off the event loops: for callers whose connection cannot take a file region (TLS, HTTP/2). */
    CompletableFuture<byte[]> read(Path file, long offset, long length) {
        return CompletableFuture.supplyAsync(() -> {
            try (var channel = java.nio.channels.FileChannel.open(file)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(Math.toIntExact(length));
                while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
                    // reads until the range is in or the file ended early
                }
                return buffer.array();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, disk);
    }

    private SiteLookup remember(String key, SiteLookup found) {
        long size = found instanceof SiteLookup.Found f ? f.file().bytes().map(b -> (long) b.length).orElse(0L) : 0;
        if (known.size() >= MAX_ENTRIES || bytes.addAndGet(size) > MAX_BYTES) {
            known.clear();
            bytes.set(size);
        }
        known.put(key, found);
        return found;
    }

    private static String key(Site site, String path) {
        return site.root() + "\0" + path;
    }

    /** The rules of {@link Site}, on the disk. */
    static SiteLookup lookup(Site site, String rawPath) {
        Optional<String> decoded = SitePaths.decode(rawPath);
        if (decoded.isEmpty()) {
            return new SiteLookup.Refused("the path '" + rawPath + "' is not a file name under the site's root");
        }
        String path = decoded.get();
        try {
            Path root = site.root().toRealPath();
            Optional<SiteFile> file = file(root, path);
            if (file.isEmpty() && Files.isDirectory(inside(root, path))) {
                file = file(root, path.endsWith("/") ? path + "index.html" : path + "/index.html");  // never a listing
            }
            if (file.isPresent()) {
                return new SiteLookup.Found(file.get(), 200, false);
            }
            if (site.spa() && !SitePaths.lastSegment(path).contains(".")) {
                Optional<SiteFile> index = file(root, "/index.html");
                if (index.isPresent()) {
                    return new SiteLookup.Found(index.get(), 200, true);
                }
            }
            if (site.notFound().isPresent()) {
                Optional<SiteFile> page = file(root, "/" + site.notFound().get());
                if (page.isPresent()) {
                    return new SiteLookup.Found(page.get(), 404, true);
                }
            }
            return SiteLookup.MISSING;
        } catch (IOException e) {
            return SiteLookup.MISSING;  // the root itself is gone: the revision's files were removed under us
        }
    }

    private static Path inside(Path root, String path) {
        return root.resolve(path.substring(1));
    }

    /** A regular file at {@code path} whose real location (symbolic links followed) is inside {@code root}, with its siblings. */
    private static Optional<SiteFile> file(Path root, String path) throws IOException {
        String name = SitePaths.lastSegment(path);
        if (regular(root, path).isEmpty()) {
            return Optional.empty();
        }
        return read(root, path, name, read(root, path + ".gz", name, Optional.empty(), Optional.empty()),
                read(root, path + ".br", name, Optional.empty(), Optional.empty()));
    }

    private static Optional<SiteFile> read(Path root, String path, String name, Optional<SiteFile> gzip, Optional<SiteFile> brotli)
            throws IOException {
        Optional<Path> found = regular(root, path);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        BasicFileAttributes attributes = Files.readAttributes(found.get(), BasicFileAttributes.class);
        return Optional.of(new SiteFile(found.get(), name, attributes.size(), attributes.lastModifiedTime().toMillis(),
                small(found.get(), attributes.size()), gzip, brotli));
    }

    private static Optional<Path> regular(Path root, String path) throws IOException {
        Path candidate = inside(root, path);
        if (!Files.isRegularFile(candidate)) {
            return Optional.empty();
        }
        Path real = candidate.toRealPath();
        // A symbolic link may point anywhere; only what really lies under the root is the site's.
        return real.startsWith(root) && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? Optional.of(real) : Optional.empty();
    }

    private static Optional<byte[]> small(Path file, long size) throws IOException {
        if (size > SMALL) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        Files.copy(file, out);
        return Optional.of(out.toByteArray());
    }
}
