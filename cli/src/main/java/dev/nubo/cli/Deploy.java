package dev.nubo.cli;

import dev.nubo.builds.Archive;
import dev.nubo.builds.BuildFailure;
import dev.nubo.builds.BuildLog;
import dev.nubo.builds.GitCheckout;
import dev.nubo.builds.Project;
import dev.nubo.cli.RevisionWatch.Goal;
import dev.nubo.cli.RevisionWatch.Outcome;
import dev.nubo.cli.Service.Deployment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Descriptor;
import dev.nubo.model.Json;
import dev.nubo.model.NuboException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo deploy [DIR]}: build the service from source (see {@link Project}), zip what is to be
 * uploaded, upload it, follow the new revision until it serves.
 */
@Command(name = "deploy",
        description = "Build the service in DIR (the directory that holds nubo.yaml) and deploy it as a new revision.")
final class Deploy extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".",
            description = "The service directory, or its nubo.yaml (default: the current directory).")
    Path source;

    @Option(names = "--no-build", description = "Upload the directory as it is, without running its build.")
    boolean noBuild;

    @Option(names = "--git", paramLabel = "REPO[#REF]", description = "Deploy from a git repository the server can"
            + " reach (a URL, or a path on the server's machine) at REF (a branch, tag or commit; default: its default"
            + " branch); the server clones and builds it, and redeploys it on a push to its push webhook.")
    String git;

    @Option(names = "--path", paramLabel = "DIR", defaultValue = "", description = "With --git: the directory in the"
            + " repository that holds nubo.yaml (default: its root).")
    String path;

    @Mixin
    WaitOptions waiting;

    @Mixin
    Output output;

    Deploy(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        Screen screen = new Screen(output.json() ? new PrintWriter(Writer.nullWriter()) : out(), env);
        if (git != null) {
            return fromGit(screen);
        }
        Path dir = serviceDirectory(source.toAbsolutePath().normalize());
        Project project = project(dir, env);
        if (!noBuild) {
            build(project, screen);
        }
        try (Archive archive = archive(project); Api api = api()) {
            Deployment created = upload(api, archive, screen, namespaceQuery());
            if (waiting.noWait) {
                if (output.json()) {
                    printJson(api.get("/v1/services/" + Api.segment(created.service())
                            + "/revisions/" + Api.segment(created.revision())));
                }
                screen.line("not waiting; follow it with `nubo describe " + created.service() + "`");
                return 0;
            }
            Outcome outcome = await(api, screen, env, created, waiting.timeout);
            if (output.json()) {
                printJson(outcome.json());
            }
            return outcome.reached() ? 0 : ErrorReport.FAILED;
        }
    }

    /** {@code --git}: the server clones, builds and deploys; the build's output comes back with its answer. */
    private int fromGit(Screen screen) {
        if (!source.toString().equals(".")) {
            throw new ParameterException(spec.commandLine(), "give either DIR or --git, not both; with --git, --path names"
                    + " the directory in the repository");
        }
        var repoAndRef = GitCheckout.split(git);
        ObjectNode body = Json.mapper().createObjectNode().put("repository", repoAndRef.getKey()).put("path", path);
        repoAndRef.getValue().ifPresent(ref -> body.put("ref", ref));
        screen.pending("building " + git + (path.isEmpty() ? "" : " (" + path + ")") + " on the server");
        try (Api api = api()) {
            JsonNode answer = api.postAndWait("/v1/deployments/git", body);
            answer.path("build").forEach(line -> screen.line("  " + line.asText()));
            screen.done("built commit " + answer.path("commit").asText().substring(0, Math.min(12, answer.path("commit").asText().length())));
            Deployment created = api.read(answer, Deployment.class);
            screen.done("uploaded " + Human.bytes(created.size()) + " (" + Human.shortDigest(created.digest()) + ")");
            screen.done("revision " + created.revision() + " created");
            screen.line("push webhook: POST " + answer.path("pushUrl").asText() + " redeploys it on a push"
                    + repoAndRef.getValue().map(r -> " to " + r).orElse(""));
            if (waiting.noWait) {
                if (output.json()) {
                    printJson(answer);
                }
                return 0;
            }
            Outcome outcome = await(api, screen, env, created, waiting.timeout);
            if (output.json()) {
                printJson(outcome.json());
            }
            return outcome.reached() ? 0 : ErrorReport.FAILED;
        }
    }

    /** Uploads the archive as a new revision ({@code query}: its namespace, if named), and says so. */
    static Deployment upload(Api api, Archive archive, Screen screen, String query) {
        archive.skipped().forEach(s -> screen.line("  skipped " + s));
        Deployment created = api.read(api.upload("/v1/deployments" + query, body(archive, screen)), Deployment.class);
        screen.done("uploaded " + Human.bytes(created.size() > 0 ? created.size() : archive.size())
                + " (" + Human.shortDigest(created.digest()) + ")");
        screen.done("revision " + created.revision() + " created");
        return created;
    }

    /** Follows the new revision until it is ready (then prints how long that took, and the URL) or failed. */
    static Outcome await(Api api, Screen screen, Env env, Deployment created, Duration timeout) {
        var started = env.clock().instant();
        Outcome outcome = new RevisionWatch(api, screen, env, true)
                .await(created.service(), created.revision(), Goal.READY, timeout);
        if (outcome.reached()) {
            var revision = outcome.revision();
            var from = revision.created().orElse(started);
            var to = revision.ready().orElse(env.clock().instant());
            screen.done("ready in " + Human.millis(Duration.between(from, to).toMillis()));
            screen.line("URL: " + created.url());
        }
        return outcome;
    }

    /** The directory itself, or the directory of a nubo.yaml that was named directly. */
    static Path serviceDirectory(Path source) {
        String hint = "run `nubo deploy` in the directory that has " + Descriptor.FILE_NAME
                + ", or pass it: `nubo deploy examples/hello-java`";
        boolean descriptor = Files.isRegularFile(source)
                && source.getFileName().toString().equals(Descriptor.FILE_NAME);
        Path dir = descriptor ? source.getParent() : source;
        if (!Files.isDirectory(dir)) {
            throw new CommandError(Files.exists(dir)
                    ? dir + " is neither a directory nor a " + Descriptor.FILE_NAME
                    : "no such directory: " + dir, hint);
        }
        if (!Files.isRegularFile(dir.resolve(Descriptor.FILE_NAME))) {
            throw new CommandError("no " + Descriptor.FILE_NAME + " in " + dir, hint);
        }
        return dir;
    }

    static Project project(Path dir, Env env) {
        try {
            return Project.open(dir, env.vars());
        } catch (BuildFailure e) {
            throw new CommandError(e.getMessage(), e.hint());
        } catch (NuboException e) {
            // nubo.yaml's build: section, read here before anything is sent; the server checks the rest.
            throw new CommandError(e.getMessage(), e.hint());
        }
    }

    /** Runs the project's build, its steps and output under the deploy's progress; a failure ends the command. */
    static void build(Project project, Screen screen) {
        if (!project.builds()) {
            return;
        }
        screen.pending("building: " + project.describeBuild());
        long started = System.nanoTime();
        try {
            project.build(new BuildLog() {
                @Override
                public void step(String description) {
                    screen.line("  $ " + description);
                }

                @Override
                public void output(String line) {
                    screen.line("  " + line);
                }
            });
        } catch (BuildFailure e) {
            screen.failed(e.getMessage());
            throw new CommandError(e.getMessage() + (e.lastLines().isEmpty() ? ""
                    : "; its last lines:\n    " + String.join("\n    ", e.lastLines())), e.hint());
        }
        screen.done("built in " + Human.millis((System.nanoTime() - started) / 1_000_000));
    }

    static Archive archive(Project project) {
        try {
            return project.archive();
        } catch (BuildFailure e) {
            throw new CommandError(e.getMessage(), e.hint());
        }
    }

    /** The zip as a request body with a known length, redrawing an upload gauge as it is sent. */
    private static BodyPublisher body(Archive archive, Screen screen) {
        String total = Human.bytes(archive.size());
        LongConsumer progress = sent -> screen.status("uploading " + Human.bytes(sent) + " / " + total);
        return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> {
            try {
                return new Counting(Files.newInputStream(archive.file()), progress);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), archive.size());
    }

    private static final class Counting extends FilterInputStream {
        private final LongConsumer progress;
        private long count;

        Counting(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                progress.accept(count += n);
            }
            return n;
        }
    }
}
