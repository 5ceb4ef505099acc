package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.model.Descriptor;
import dev.nubo.model.UserError;
import dev.nubo.instances.WarmStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code runtime: static}: a directory the gateway serves itself. There is no process to launch; the
 * deploy only checks that the served directory (and the not-found page, when named) exist.
 */
record StaticKind(Descriptor.Static site) implements RuntimeKind {

    @Override
    public void validate(Path codeDir) {
        Path root = codeDir.resolve(site.root()).normalize();
        if (!Files.isDirectory(root)) {
            throw UserError.badRequest("descriptor.invalid", "nubo.yaml: `root: " + site.root() + "` is not a directory of the deployed one",
                    "build the site first (e.g. `npm run build`), and point `root` at its output, e.g. `root: dist`");
        }
        site.notFound().filter(page -> !Files.isRegularFile(root.resolve(page))).ifPresent(page -> {
            throw UserError.badRequest("descriptor.invalid", "nubo.yaml: `notFound: " + page + "` is not a file under " + site.root(),
                    "name a page inside the served directory, e.g. `notFound: 404.html`, or remove `notFound`");
        });
    }

    @Override
    public void launch(Runtimes.Target target, Map<String, String> env, LaunchSpec.Builder spec) {
        throw new IllegalStateException("a static site (" + target.revision() + ") has no process; the gateway serves it");
    }

    @Override
    public Optional<WarmStart> warmStart(Descriptor d) {
        return Optional.empty();
    }
}
