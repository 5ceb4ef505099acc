package dev.nubo.server;

import dev.nubo.gateway.RevisionRoute;
import dev.nubo.gateway.ServiceRoute;
import dev.nubo.gateway.Site;
import dev.nubo.model.Descriptor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Points the routes of {@code runtime: static} revisions at their directories, which the gateway then
 * serves itself: each revision's own code directory (content-addressed, never changed once stored), so
 * a split or a rollback between two revisions serves each one's files exactly as deployed.
 */
final class StaticSites {

    private StaticSites() {}

    /** {@code route} with every static revision's {@link Site}; {@code codeDir} maps a revision id to its code directory. */
    static ServiceRoute attach(ServiceRoute route, Map<String, Descriptor> descriptors, Function<String, Path> codeDir) {
        Map<String, RevisionRoute> revisions = new LinkedHashMap<>(route.revisions());
        boolean any = false;
        for (RevisionRoute r : route.revisions().values()) {
            if (descriptors.get(r.revision()) instanceof Descriptor d && d.runtime() instanceof Descriptor.Static site) {
                Path root = codeDir.apply(r.revision()).resolve(site.root()).toAbsolutePath().normalize();
                revisions.put(r.revision(), r.withSite(new Site(root, site.spa(), site.notFound())));
                any = true;
            }
        }
        return any ? route.with(route.tags(), revisions) : route;
    }

    /** Whether the revision runs no process: nothing to launch, nothing to wait for before it takes traffic. */
    static boolean isSite(Descriptor d) {
        return d.runtime() instanceof Descriptor.Static;
    }
}
