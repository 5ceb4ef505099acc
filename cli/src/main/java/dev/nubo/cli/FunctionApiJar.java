package dev.nubo.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Nubo's function API ({@code dev.nubo:nubo-function-api}) as a Maven repository of one artifact
 * inside a new Java project: the API is not on Maven Central, so {@code nubo init java} copies the
 * jar this CLI runs with into {@code repo/}, which the template's pom names as a repository. Its
 * version there is the CLI's without {@code -SNAPSHOT}, since a file repository holds releases.
 */
final class FunctionApiJar {

    static final String API_CLASS = "dev.nubo.function.Handler";

    private FunctionApiJar() {}

    static String version() {
        String v = FunctionApiJar.class.getPackage().getImplementationVersion();
        return (v == null || v.isBlank() ? "0.1.0" : v).replace("-SNAPSHOT", "");
    }

    /** Writes the jar and a minimal pom under {@code repo} as Maven lays them out. */
    static void writeInto(Path repo) throws IOException {
        String version = version();
        Path dir = Files.createDirectories(repo.resolve("dev/nubo/nubo-function-api/" + version));
        Path location = location();
        Path jar = dir.resolve("nubo-function-api-" + version + ".jar");
        if (Files.isDirectory(location)) {
            jarOf(location, jar);
        } else {
            Files.copy(location, jar);
        }
        Files.writeString(dir.resolve("nubo-function-api-" + version + ".pom"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>dev.nubo</groupId>
                  <artifactId>nubo-function-api</artifactId>
                  <version>%s</version>
                </project>
                """.formatted(version));
    }

    private static Path location() {
        try {
            Class<?> api = Class.forName(API_CLASS, false, FunctionApiJar.class.getClassLoader());
            return Path.of(api.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException | RuntimeException e) {
            throw new CommandError("cannot find Nubo's function API (" + API_CLASS + ") beside the CLI",
                    "is Nubo's lib directory complete? Reinstall Nubo");
        }
    }

    /** The API compiled into a directory (a build of Nubo itself, before its jars are made), as a jar. */
    private static void jarOf(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }
}
