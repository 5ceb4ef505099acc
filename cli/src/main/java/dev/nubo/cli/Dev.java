package dev.nubo.cli;

import dev.nubo.builds.Archive;
import dev.nubo.builds.BuildFailure;
import dev.nubo.builds.BuildLog;
import dev.nubo.builds.JavaCompile;
import dev.nubo.builds.Project;
import dev.nubo.cli.RevisionWatch.Outcome;
import dev.nubo.cli.Service.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo dev [DIR]}: deploy, then watch the directory and on every save rebuild what changed,
 * deploy it as a new revision and say when it serves, while the service's logs stream in the same
 * terminal. A Maven Java function recompiles only the changed sources ({@link JavaCompile}); npm and
 * pip installs are skipped while their manifests are unchanged; the server hands the new revision to
 * a prewarmed process. A failed build or revision is reported and the loop goes on: the previous
 * revision keeps serving until a save fixes it. Ctrl-C ends it; the service stays deployed.
 */
@Command(name = "dev", description = "Deploy DIR, then redeploy it on every save and follow its logs (Ctrl-C to stop).")
final class Dev extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".",
            description = "The service directory (default: the current directory).")
    Path source;

    @Option(names = "--no-logs", description = "Do not follow the service's logs.")
    boolean noLogs;

    /** The digest of the last archive uploaded, so that a save that changes nothing uploaded deploys nothing. */
    private String shipped = "";

    Dev(Env env) {
        super(env);
    }

    @Override
    public Integer call() throws IOException {
        Path dir = Deploy.serviceDirectory(source.toAbsolutePath().normalize());
        Screen screen = new Screen(out(), env);
        Project project = Deploy.project(dir, env);
        Optional<JavaCompile> javac = JavaCompile.of(project);
        try (Api api = api(); SourceWatch watch = new SourceWatch(dir)) {
            Optional<Deployment> first = round(api, screen, project, javac, Set.of(), System.nanoTime());
            screen.line("watching " + dir + " for changes (Ctrl-C to stop)");
            if (!noLogs) {
                first.ifPresent(d -> follow(d.service(), screen));
            }
            boolean following = first.isPresent() || noLogs;
            while (true) {
                Set<Path> changed = watch.next();
                long saved = System.nanoTime();
                screen.line("");
                screen.pending("changed: " + String.join(", ", changed.stream().map(Path::toString).limit(5).toList())
                        + (changed.size() > 5 ? " and " + (changed.size() - 5) + " more" : ""));
                if (changed.contains(Path.of(Project.IGNORE_FILE)) || changed.contains(Path.of("nubo.yaml"))) {
                    project = Deploy.project(dir, env);
                    javac = JavaCompile.of(project);
                }
                Optional<Deployment> shipped = round(api, screen, project, javac, changed, saved);
                if (!following && shipped.isPresent()) {
                    follow(shipped.get().service(), screen);
                    following = true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Builds (incrementally when it can), uploads and follows one revision; empty when it did not get to serve. */
    private Optional<Deployment> round(Api api, Screen screen, Project project, Optional<JavaCompile> javac, Set<Path> changed,
            long saved) {
        try {
            if (!javac.isPresent() || changed.isEmpty() || changed.contains(Path.of("pom.xml"))
                    || !javac.get().update(changed, log(screen))) {
                Deploy.build(project, screen);
                if (javac.isPresent()) {
                    javac.get().prepare(project, log(screen));
                }
            }
            Deployment created;
            try (Archive archive = Deploy.archive(project)) {
                String digest = archive.sha256();
                if (digest.equals(shipped)) {
                    // An editor's save often comes as two bursts of events; the second changes nothing.
                    screen.done("nothing changed in what is uploaded: still serving");
                    return Optional.empty();
                }
                created = Deploy.upload(api, archive, screen, namespaceQuery());
                shipped = digest;
            }
            Outcome outcome = Deploy.await(api, screen, env, created, Duration.ofMinutes(5));
            if (!outcome.reached()) {
                return Optional.empty();
            }
            screen.done("serving " + created.revision() + " " + Human.millis((System.nanoTime() - saved) / 1_000_000)
                    + (changed.isEmpty() ? " after the start" : " after the save"));
            return Optional.of(created);
        } catch (BuildFailure e) {
            screen.failed(e.getMessage());
            e.lastLines().forEach(line -> screen.line("    " + line));
            screen.line("  " + e.hint());
        } catch (CommandError e) {
            screen.failed(e.getMessage());
            if (!e.hint().isEmpty()) {
                screen.line("  hint: " + e.hint());
            }
        } catch (RuntimeException e) {
            // One bad round must not end the session: the next save gets another.
            screen.failed("this round failed unexpectedly: " + e + " (please report it; save again to retry)");
        }
        return Optional.empty();
    }

    private static BuildLog log(Screen screen) {
        return new BuildLog() {
            @Override
            public void step(String description) {
                screen.line("  $ " + description);
            }

            @Override
            public void output(String line) {
                screen.line("  " + line);
            }
        };
    }

    /** The service's new log lines, printed as they come, on a daemon thread that ends with the command. */
    private void follow(String service, Screen screen) {
        Thread.ofPlatform().daemon().name("nubo-dev-logs").start(() -> {
            try (Api logs = api()) {
                var request = logs.request("/v1/services/" + Api.segment(service(service)) + "/logs?follow=true&tail=0").GET().build();
                HttpResponse<Stream<String>> response = logs.send(request, BodyHandlers.ofLines());
                try (Stream<String> lines = response.body()) {
                    lines.forEach(line -> screen.line("  │ " + line));
                }
            } catch (UncheckedIOException | CommandError e) {
                screen.line("(the log stream ended: " + e.getMessage() + ")");
            }
        });
    }

}
