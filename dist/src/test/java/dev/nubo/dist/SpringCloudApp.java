package dev.nubo.dist;

import dev.nubo.testing.TestNubo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code examples/spring-cloud-greeter} (Spring Boot 4.0.7, Spring Cloud 2025.1.4, the Eureka
 * client from Maven Central), built by Maven once per checkout and kept under {@code dist/target}:
 * later runs reuse the jar while the example's sources are older than it.
 */
final class SpringCloudApp {

    private static final Path BUILT = Path.of("target", "spring-cloud-greeter").toAbsolutePath();

    private SpringCloudApp() {}

    /** The built example's directory: {@code nubo.yaml} and {@code target/app.jar}. */
    static synchronized Path built() {
        Path example = TestNubo.example("spring-cloud-greeter");
        Path jar = BUILT.resolve("target/app.jar");
        try {
            if (Files.isRegularFile(jar) && newest(example) < Files.getLastModifiedTime(jar).toMillis()) {
                return BUILT;
            }
            copy(example, BUILT);
            Path log = BUILT.resolve("build.log");
            Process mvn = new ProcessBuilder(List.of("mvn", "-B", "-q", "package", "-DskipTests")).directory(BUILT.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!mvn.waitFor(15, TimeUnit.MINUTES) || mvn.exitValue() != 0) {
                mvn.destroyForcibly();
                throw new IllegalStateException("mvn package of examples/spring-cloud-greeter failed; its output:\n" + Files.readString(log));
            }
            return BUILT;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The built app as a service of another name: its own directory with that {@code name:} in {@code nubo.yaml}. */
    static Path named(Path parent, String name) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name).resolve("target"));
        Files.copy(built().resolve("target/app.jar"), dir.resolve("app.jar"), StandardCopyOption.REPLACE_EXISTING);
        String yaml = Files.readString(built().resolve("nubo.yaml")).replaceFirst("(?m)^name: .*$", "name: " + name);
        Files.writeString(dir.getParent().resolve("nubo.yaml"), yaml);
        return dir.getParent();
    }

    private static long newest(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> !dir.relativize(f).startsWith("target"))
                    .mapToLong(f -> f.toFile().lastModified()).max().orElse(0);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !from.relativize(f).startsWith("target")).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
