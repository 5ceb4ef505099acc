package dev.nubo.javaruntime;

import static dev.nubo.javaruntime.HostProcess.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nubo.function.HttpHandler;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function that brings its own libraries in {@code lib/} beside its code, as
 * {@code mvn dependency:copy-dependencies} lays them out: here a Jackson older than the host's
 * (target/function-lib, copied by this module's POM), which the function must get instead of Nubo's.
 */
class FunctionLibrariesTest {

    private static final String HANDLER = "com.example.deps.JacksonVersion";
    private static final String SOURCE = """
            package com.example.deps;

            import com.fasterxml.jackson.databind.ObjectMapper;
            import dev.nubo.function.*;
            import java.util.Map;

            public class JacksonVersion implements HttpHandler {
                @Override
                public HttpResponse handle(HttpRequest request, Context context) throws Exception {
                    String version = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();
                    return HttpResponse.of(200, "application/json", new ObjectMapper().writeValueAsString(Map.of("jackson", version)));
                }
            }
            """;

    @TempDir
    static Path project;
    static Path classes;
    static String oldJackson;

    /** Compiles the function against the old Jackson into target/classes, and puts that Jackson in target/lib. */
    @BeforeAll
    static void build() throws IOException {
        Path functionLib = HostProcess.TEST_CLASSES.resolveSibling("function-lib");
        Path lib = Files.createDirectories(project.resolve("target/lib"));
        List<Path> jars;
        try (Stream<Path> files = Files.list(functionLib)) {
            jars = files.sorted().toList();
        }
        for (Path jar : jars) {
            Files.copy(jar, lib.resolve(jar.getFileName()));
        }
        oldJackson = jars.getFirst().getFileName().toString().replaceAll(".*-(\\d+\\.\\d+\\.\\d+)\\.jar", "$1");
        Path source = Files.createDirectories(project.resolve("src/com/example/deps")).resolve("JacksonVersion.java");
        Files.writeString(source, SOURCE);
        classes = Files.createDirectories(project.resolve("target/classes"));
        String classPath = location(HttpHandler.class) + File.pathSeparator
                + String.join(File.pathSeparator, jars.stream().map(Path::toString).toList());
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "--release", "21", "-cp", classPath, "-d", classes.toString(), source.toString());
        assertThat(status).as("javac of the sample function").isZero();
    }

    @Test
    void aFunctionGetsTheJacksonInLibBesideItsClassesNotTheHosts() throws Exception {
        assertThat(oldJackson).isNotEqualTo(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());

        UserFunction function = FunctionLoader.load(classes, HANDLER);
        Class<?> theirs = function.handlerClass().getClassLoader().loadClass(ObjectMapper.class.getName());

        assertThat(theirs).isNotSameAs(ObjectMapper.class);
        assertThat(theirs.getProtectionDomain().getCodeSource().getLocation().getPath())
                .endsWith("/target/lib/jackson-databind-" + oldJackson + ".jar");
    }

    @Test
    void aPooledHostServesAJarWithItsLibrariesInLibBesideIt() throws Exception {
        Path jar = project.resolve("target/function.jar");
        jar(classes, jar);
        int port = HostProcess.freePort();
        try (HostProcess host = HostProcess.pooled(port)) {
            host.specialise(Map.of("PORT", String.valueOf(port), "NUBO_HANDLER", HANDLER, "NUBO_CODE", jar.toString()));
            host.awaitReady();

            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(host.uri("/")).build(), BodyHandlers.ofString());

            assertThat(response.body()).isEqualTo("{\"jackson\":\"" + oldJackson + "\"}");
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
