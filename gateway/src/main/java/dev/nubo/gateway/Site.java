package dev.nubo.gateway;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A revision the gateway serves from a directory itself, with no instance ({@code runtime: static}):
 * {@code root} is the directory (a revision's code is never changed once deployed, which is what lets
 * {@link SiteFiles} cache what it read of it for good); with {@code spa}, a path that names no file and
 * no extension answers with {@code index.html} (a single-page app's own router takes over); else
 * {@code notFound}, a file under the root, answers with 404.
 */
public record Site(Path root, boolean spa, Optional<String> notFound) {

    public Site {
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("a site's root must be an absolute path, got " + root);
        }
        root = root.normalize();
    }
}
