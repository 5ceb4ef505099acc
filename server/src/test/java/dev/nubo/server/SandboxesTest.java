package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SandboxesTest {

    /**
     * Found when the suite ran from a clone under /tmp: every sandbox has a private /tmp, so pooled Java
     * hosts could not load their own classes ("Could not find or load main class JavaHost").
     */
    @Test
    void instancesMayReadTheJarsAndJdkTheServerRunsFromWhereverItIsInstalled() {
        Path home = Path.of("/tmp/nubo-home");
        var readable = Sandboxes.readable(ServerConfig.defaults(home));

        Path jdk = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
        assertThat(readable).contains(home.resolve("cache"), jdk);
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).filter(e -> !e.isBlank())
                .map(e -> Path.of(e).toAbsolutePath().normalize())
                .forEach(e -> assertThat(readable).contains(Files.isDirectory(e) ? e : e.getParent()));
    }

    @Test
    void neverADirectoryThatHoldsTheServersHome() {
        // A home inside the directory of the server's own jars, say: binding that directory would show the home again.
        Path jar = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).filter(e -> e.endsWith(".jar"))
                .map(e -> Path.of(e).toAbsolutePath().normalize()).findFirst().orElseThrow();
        Path home = jar.getParent().resolve("nubo-home");

        assertThat(Sandboxes.readable(ServerConfig.defaults(home))).doesNotContain(jar.getParent())
                .allSatisfy(dir -> assertThat(home.startsWith(dir)).as(dir + " holds the home").isFalse());
    }
}
