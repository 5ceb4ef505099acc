package dev.nubo.cli;

import dev.nubo.cli.RevisionWatch.Goal;
import dev.nubo.cli.RevisionWatch.Outcome;
import dev.nubo.cli.Service.Deployment;
import dev.nubo.model.Descriptor;
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
import picocli.CommandLine.Parameters;

/** {@code nubo deploy [DIR]}: zip the service directory, upload it, follow the new revision until it serves. */
@Command(name = "deploy",
        description = "Deploy the service in DIR (the directory that holds nubo.yaml) as a new revision.")
final class Deploy extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".",
            description = "The service directory, or its nubo.yaml (default: the current directory).")
    Path source;

    @Mixin
    WaitOptions waiting;

    @Mixin
    Output output;

    Deploy(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        Path dir = serviceDirectory(source.toAbsolutePath().normalize());
        Screen screen = new Screen(output.json() ? new PrintWriter(Writer.nullWriter()) : out(), env);
        try (Archive archive = zip(dir); Api api = api()) {
            archive.skipped().forEach(s -> screen.line("  skipped " + s));
            Deployment created = api.read(api.upload("/v1/deployments", body(archive, screen)), Deployment.class);
            screen.done("uploaded " + Human.bytes(created.size() > 0 ? created.size() : archive.size())
                    + " (" + Human.shortDigest(created.digest()) + ")");
            screen.done("revision " + created.revision() + " created");
            if (waiting.noWait) {
                if (output.json()) {
                    printJson(api.get("/v1/services/" + Api.segment(created.service())
                            + "/revisions/" + Api.segment(created.revision())));
                }
                screen.line("not waiting; follow it with `nubo describe " + created.service() + "`");
                return 0;
            }
            var started = env.clock().instant();
            Outcome outcome = new RevisionWatch(api, screen, env, true)
                    .await(created.service(), created.revision(), Goal.READY, waiting.timeout);
            if (output.json()) {
                printJson(outcome.json());
            } else if (outcome.reached()) {
                var revision = outcome.revision();
                var from = revision.created().orElse(started);
                var to = revision.ready().orElse(env.clock().instant());
                screen.done("ready in " + Human.millis(Duration.between(from, to).toMillis()));
                screen.line("URL: " + created.url());
            }
            return outcome.reached() ? 0 : ErrorReport.FAILED;
        }
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

    private static Archive zip(Path dir) {
        try {
            return Archive.of(dir);
        } catch (IOException e) {
            throw new CommandError("cannot zip " + dir + " (" + e + ")",
                    "check that every file in it is readable, or move unreadable ones out");
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
