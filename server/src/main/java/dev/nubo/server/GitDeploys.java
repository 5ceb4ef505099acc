package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.access.Secrets;
import dev.nubo.builds.Archive;
import dev.nubo.builds.BuildFailure;
import dev.nubo.builds.BuildLog;
import dev.nubo.builds.GitCheckout;
import dev.nubo.builds.Project;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import dev.nubo.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys from a git repository the server can reach: clone the ref, build the project in its
 * {@code path} where the server runs (Maven, npm, pip, or {@code build.command}: see {@link Project}),
 * zip it and deploy it exactly as an upload. The server does it, not the CLI, because a push webhook
 * must be able to redeploy with no CLI running: the same code serves both.
 *
 * <p>Each service deployed from git keeps its origin (repository, ref, path, and a random push token)
 * in {@code NUBO_HOME/git/NAME.json}, so that {@code POST /v1/git/NAME/push?token=...} redeploys it. The
 * token is sealed under the master key ({@link Secrets#sealValue}), as webhook secrets are: it must be
 * shown again (a redeploy prints the same push URL), so it cannot be a hash. A token stored in the
 * clear by an older Nubo still works, and is sealed at the service's next git deploy. A
 * push payload (GitHub, Gitea, GitLab: {@code "ref": "refs/heads/main"}) for another branch is
 * ignored. Deploys of one service from git run one at a time.
 */
final class GitDeploys {

    private static final Logger LOG = LoggerFactory.getLogger(GitDeploys.class);

    /** Where a service was deployed from. */
    record Origin(String service, String repository, Optional<String> ref, String path, String token) {}

    /** A finished git deploy: what an upload answers, the commit, the build's output, and the push webhook. */
    record Result(Deployments.Deployed deployed, String commit, List<String> build, String pushUrl) {}

    private final Deployments deployments;
    private final Store store;
    private final Home home;
    private final Urls urls;
    private final InstantSource clock;
    private final Secrets secrets;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    GitDeploys(Deployments deployments, Store store, Home home, Urls urls, InstantSource clock, Secrets secrets) {
        this.secrets = secrets;
        this.deployments = deployments;
        this.store = store;
        this.home = home;
        this.urls = urls;
        this.clock = clock;
    }

    /** Clones, builds and deploys; blocks for as long as the build takes. */
    Result deploy(String repository, Optional<String> ref, String path) {
        checkPath(path);
        List<String> lines = new ArrayList<>();
        BuildLog log = new BuildLog() {
            @Override
            public synchronized void step(String description) {
                lines.add("$ " + description);
            }

            @Override
            public synchronized void output(String line) {
                lines.add(line);
            }
        };
        Path work;
        try {
            work = Files.createTempDirectory(home.tmp(), "git-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for the clone in " + home.tmp(), e);
        }
        try {
            GitCheckout checkout = GitCheckout.clone(repository, ref, work.resolve("checkout"), log);
            Path dir = checkout.directory().resolve(path).normalize();
            if (!dir.startsWith(checkout.directory()) || !Files.isRegularFile(dir.resolve("nubo.yaml"))) {
                throw UserError.badRequest("git.invalid", "the repository has no nubo.yaml in "
                        + (path.isEmpty() ? "its root" : path) + " at " + ref.orElse("its default branch"),
                        "give the directory that holds nubo.yaml with --path sub/dir");
            }
            Project project = Project.open(dir);
            project.build(log);
            Deployments.Deployed deployed;
            try (Archive archive = project.archive()) {
                deployed = deployments.deploy(archive.file());
            }
            Origin origin = remember(deployed.service(), repository, ref, path);
            store.addEvent(deployed.service(), Optional.of(deployed.revision()), clock.instant(), deployed.revision()
                    + " built from git " + repository + ref.map(r -> "#" + r).orElse("") + " at " + shortCommit(checkout.commit()));
            return new Result(deployed, checkout.commit(), List.copyOf(lines), pushUrl(origin));
        } catch (BuildFailure e) {
            List<String> tail = e.lastLines();
            throw UserError.badRequest("build.failed", e.getMessage() + (tail.isEmpty() ? ""
                    : "; its last lines:\n    " + String.join("\n    ", tail)), e.hint());
        } finally {
            deleteQuietly(work);
        }
    }

    /**
     * A push to the service's repository: redeploys it in the background if the push is for its ref.
     *
     * @return what happens, for the webhook's answer
     */
    String push(String service, String token, JsonNode payload) {
        Origin origin = origin(service).filter(o -> java.security.MessageDigest.isEqual(o.token().getBytes(), token.getBytes()))
                .orElseThrow(() -> UserError.notFound("git.unknown", "no service " + service + " deployed from git with this token",
                        "deploy it with `nubo deploy --git REPO`, which prints its push webhook's URL"));
        if (store.service(service).isEmpty()) {
            forget(service); // deleted since: its webhook ends with it
            throw NotFound.service(service);
        }
        String pushed = payload.path("ref").asText("");
        if (!pushed.isEmpty() && origin.ref().isPresent() && !pushed.equals("refs/heads/" + origin.ref().get())
                && !pushed.equals(origin.ref().get())) {
            return "ignored: a push to " + pushed + "; " + service + " follows " + origin.ref().get();
        }
        Thread.ofVirtual().name("nubo-git-push-" + service).start(() -> {
            ReentrantLock lock = locks.computeIfAbsent(service, s -> new ReentrantLock());
            lock.lock();
            try {
                Result r = deploy(origin.repository(), origin.ref(), origin.path());
                LOG.info("redeployed {} from a push to {}: {} at {}", service, origin.repository(), r.deployed().revision(), r.commit());
            } catch (RuntimeException e) {
                LOG.warn("a push to {} did not redeploy {}: {}", origin.repository(), service, e.getMessage());
                if (store.service(service).isPresent()) {
                    store.addEvent(service, Optional.empty(), clock.instant(), "a git push did not redeploy: " + e.getMessage());
                }
            } finally {
                lock.unlock();
            }
        });
        return "redeploying " + service + " from " + origin.repository() + origin.ref().map(r -> "#" + r).orElse("");
    }

    Origin remember(String service, String repository, Optional<String> ref, String path) {
        String token = origin(service).filter(o -> o.repository().equals(repository)).map(Origin::token)
                .orElseGet(() -> HexFormat.of().formatHex(bytes(16)));
        Origin origin = new Origin(service, repository, ref, path, token);
        try {
            Files.createDirectories(dir());
            Path partial = Files.createTempFile(dir(), service, ".tmp");
            var json = Json.mapper().createObjectNode().put("repository", repository).put("path", path)
                    .put("token", secrets.sealValue(purpose(service), token));
            ref.ifPresent(r -> json.put("ref", r));
            Files.writeString(partial, json.toString());
            Files.move(partial, file(service), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the git origin of " + service, e);
        }
        return origin;
    }

    Optional<Origin> origin(String service) {
        Path file = file(service);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = Json.mapper().readTree(file.toFile());
            return Optional.of(new Origin(service, n.path("repository").asText(), n.path("ref").isTextual()
                    ? Optional.of(n.path("ref").asText()) : Optional.empty(), n.path("path").asText(""), token(service, n.path("token").asText())));
        } catch (IOException | dev.nubo.model.NuboException e) {  // the latter: a token sealed under another master key
            LOG.warn("cannot read the git origin of {} in {}: {}", service, file, e.getMessage());
            return Optional.empty();
        }
    }

    private String token(String service, String stored) {
        return Secrets.isSealed(stored) ? secrets.openValue(purpose(service), stored) : stored;
    }

    /** Bound to the sealed token: one copied into another service's file does not open. */
    private static String purpose(String service) {
        return "git:push:" + service;
    }

    /** Forgets a deleted service's origin, so that its push webhook stops. */
    void forget(String service) {
        try {
            Files.deleteIfExists(file(service));
        } catch (IOException e) {
            LOG.warn("cannot delete the git origin of {}: {}", service, e.getMessage());
        }
    }

    String pushUrl(Origin origin) {
        return urls.api() + "/v1/git/" + origin.service() + "/push?token=" + origin.token();
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private Path dir() {
        return home.root().resolve("git");
    }

    private Path file(String service) {
        if (!service.matches("[a-z]([a-z0-9-]{0,38}[a-z0-9])?")) {
            throw NotFound.service(service);
        }
        return dir().resolve(service + ".json");
    }

    private static void checkPath(String path) {
        if (path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            throw UserError.badRequest("git.invalid", "`path` must be a directory inside the repository (got '" + path + "')",
                    "e.g. --path services/hello");
        }
    }

    private static String shortCommit(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete the git work directory {}: {}", dir, e.getMessage());
        }
    }
}
