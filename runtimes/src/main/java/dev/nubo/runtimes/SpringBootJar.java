package dev.nubo.runtimes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spring Boot executable jar that a command runs with {@code java … -jar app.jar}. Its classes sit
 * in nested jars that Spring's own class loader reads, which neither an AOT cache nor an AppCDS archive
 * can hold; its extracted form (Spring Boot 3.3+: {@code java -Djarmode=tools -jar app.jar extract}:
 * {@code app.jar} with a {@code Class-Path} over {@code lib/}) is the same application on the JVM's own
 * class path, which both can. Spring Boot documents it as the way to run with either. Extracted once,
 * at deploy, into the revision's cache directory; the command then names that jar instead, with every
 * other argument as written, and the working directory stays the code directory.
 *
 * @param jar the {@code -jar} argument as written
 * @param index where it is in the command
 */
record SpringBootJar(String jar, int index) {

    private static final Logger LOG = LoggerFactory.getLogger(SpringBootJar.class);
    private static final String EXTRACTED = "extracted";

    /** The Spring Boot executable jar {@code command} runs, if it runs one. */
    static Optional<SpringBootJar> in(List<String> command, Path codeDir) {
        int at = command.indexOf("-jar");
        if (at < 0 || at + 1 >= command.size()) {
            return Optional.empty();
        }
        Path file = codeDir.resolve(command.get(at + 1)).normalize();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (JarFile jar = new JarFile(file.toFile())) {
            Manifest manifest = jar.getManifest();
            boolean boot = manifest != null && manifest.getMainAttributes().getValue("Spring-Boot-Version") != null
                    && manifest.getMainAttributes().getValue("Spring-Boot-Lib") != null;
            return boot ? Optional.of(new SpringBootJar(command.get(at + 1), at + 1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The command with the extracted jar in place of the executable one, once there is one in {@code cacheDir}. */
    List<String> extracted(List<String> command, Path cacheDir) {
        Path extracted = extractedJar(cacheDir);
        if (!Files.isRegularFile(extracted)) {
            return command;
        }
        List<String> run = new ArrayList<>(command);
        run.set(index, extracted.toString());
        return List.copyOf(run);
    }

    /** Extracts the jar into {@code cacheDir} unless it is there already; a failure is noted there, not thrown. */
    void extract(JavaLauncher java, Path codeDir, Path cacheDir) {
        if (Files.isRegularFile(extractedJar(cacheDir))) {
            return;
        }
        Path partial = cacheDir.resolve(EXTRACTED + ".tmp");
        Path log = cacheDir.resolve("extract.log");
        try {
            deleteTree(partial);
            Process p = new ProcessBuilder(java.program().toString(), "-Djarmode=tools", "-jar",
                    codeDir.resolve(jar).normalize().toString(), "extract", "--destination", partial.toString())
                    .directory(codeDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                LOG.warn("extracting the Spring Boot jar {} took over 2 minutes; it runs as written", jar);
            } else if (p.exitValue() != 0) {
                LOG.warn("extracting the Spring Boot jar {} failed (exit {}; see {}); it runs as written", jar, p.exitValue(), log);
            } else {
                Files.move(partial, cacheDir.resolve(EXTRACTED), StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            LOG.warn("cannot extract the Spring Boot jar {}: {}; it runs as written", jar, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Extracted into {@code cacheDir}: its own words for {@code nubo describe}. */
    String describe(Path cacheDir) {
        return Files.isRegularFile(extractedJar(cacheDir))
                ? "; the Spring Boot jar " + jar + " runs extracted, from " + extractedJar(cacheDir)
                : "; the Spring Boot jar " + jar + " runs as written: it could not be extracted (Spring Boot 3.3+ can be;"
                        + " see " + cacheDir.resolve("extract.log") + "), so only the JDK's own classes are cached";
    }

    private Path extractedJar(Path cacheDir) {
        return cacheDir.resolve(EXTRACTED).resolve(Path.of(jar).getFileName());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
