package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as built: {@code bin/nubo} and {@code lib/*.jar}. A jar that a module needs at run
 * time but that is missing from lib/ shows up here as a build failure, not as a
 * NoClassDefFoundError in a user's hands (the CloudEvents SDK once went missing this way: dist's POM
 * declared it for tests only, and the nearest declaration won).
 */
class DistributionTest {

    static final Path DIST = ServerProcess.distribution();

    @TempDir
    Path home;

    @Test
    void everyClassNubosJarsReferenceIsInTheDistribution() throws Exception {
        List<Path> jars;
        try (Stream<Path> files = Files.list(DIST.resolve("lib"))) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
        List<String> nubo = jars.stream().filter(j -> j.getFileName().toString().startsWith("nubo-")).map(Path::toString).toList();
        String others = String.join(":", jars.stream().filter(j -> !j.getFileName().toString().startsWith("nubo-"))
                .map(Path::toString).toList());
        assertThat(nubo).as("Nubo's own jars in %s", DIST.resolve("lib")).hasSizeGreaterThan(10);

        // jdeps (the JDK's own dependency analyser) lists every class a Nubo jar references that is in
        // neither the JDK nor any jar of lib/.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jdeps").toString(),
                "--multi-release", Integer.toString(Runtime.version().feature()), "--missing-deps", "-cp", others));
        command.addAll(nubo);
        Process jdeps = new ProcessBuilder(command).redirectErrorStream(true).start();
        String report = new String(jdeps.getInputStream().readAllBytes());
        assertThat(jdeps.waitFor(2, TimeUnit.MINUTES)).isTrue();

        List<String> missing = report.lines().filter(l -> l.contains("not found")).toList();
        assertThat(missing)
                .as("classes Nubo needs at run time that %s lacks: is their artifact declared with test or provided scope"
                        + " in dist/pom.xml, or excluded? jdeps said:%n%s", DIST.resolve("lib"), report)
                .isEmpty();
    }

    @Test
    void theLauncherRunsNuboFromTheDistribution() {
        var version = ServerProcess.launcher(home, Duration.ofMinutes(1), "--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.out()).startsWith("nubo ");

        var help = ServerProcess.launcher(home, Duration.ofMinutes(1), "--help");
        assertThat(help.out()).contains("server", "deploy", "trigger", "events");
    }
}
