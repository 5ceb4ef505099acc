package dev.nubo.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `nubo dev` does to a Maven Java function on a save, without Maven. */
class JavaCompileTest {

    @TempDir
    Path dir;

    JavaCompile javac;

    @BeforeEach
    void project() throws IOException {
        write("nubo.yaml", "name: hello\nruntime: java\nhandler: com.example.Hello\ncode: target/classes\n");
        write("pom.xml", "<project><properties><maven.compiler.release>21</maven.compiler.release></properties></project>");
        write("src/main/java/com/example/Greeting.java", "package com.example; public class Greeting { static String of() { return \"Hello\"; } }");
        write("src/main/java/com/example/Hello.java", "package com.example; public class Hello { String hi() { return Greeting.of(); } }");
        Files.createDirectories(dir.resolve("target/classes"));
        javac = JavaCompile.of(Project.open(dir)).orElseThrow();
    }

    @Test
    void compilesTheChangedSourceIntoTargetClassesFindingTheOthersBySourcePath() {
        assertThat(javac.update(Set.of(Path.of("src/main/java/com/example/Hello.java")), BuildLog.quiet())).isTrue();

        assertThat(dir.resolve("target/classes/com/example/Hello.class")).isNotEmptyFile();
        assertThat(dir.resolve("target/classes/com/example/Greeting.class")).as("compiled because Hello needs it").exists();
    }

    @Test
    void copiesResourcesAndForgetsDeletedClassesWithTheirInnerClasses() throws IOException {
        write("src/main/resources/app.properties", "greeting=hi");
        write("target/classes/com/example/Gone.class", "x");
        write("target/classes/com/example/Gone$Inner.class", "x");
        write("target/classes/com/example/Gonezo.class", "x");

        javac.update(Set.of(Path.of("src/main/resources/app.properties"), Path.of("src/main/java/com/example/Gone.java")),
                BuildLog.quiet());

        assertThat(dir.resolve("target/classes/app.properties")).hasContent("greeting=hi");
        assertThat(dir.resolve("target/classes/com/example/Gone.class")).doesNotExist();
        assertThat(dir.resolve("target/classes/com/example/Gone$Inner.class")).doesNotExist();
        assertThat(dir.resolve("target/classes/com/example/Gonezo.class")).exists();
    }

    @Test
    void aSourceThatDoesNotCompileFailsWithJavacsMessage() throws IOException {
        write("src/main/java/com/example/Hello.java", "package com.example; public class Hello { int x = ; }");

        assertThatThrownBy(() -> javac.update(Set.of(Path.of("src/main/java/com/example/Hello.java")), BuildLog.quiet()))
                .isInstanceOfSatisfying(BuildFailure.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("the Java sources do not compile");
                    assertThat(String.join("\n", e.lastLines())).contains("Hello.java:1: error: illegal start of expression");
                });
    }

    @Test
    void aChangedPomOrAnyOtherFileNeedsTheFullBuild() {
        assertThat(javac.update(Set.of(Path.of("pom.xml")), BuildLog.quiet())).isFalse();
        assertThat(javac.update(Set.of(Path.of("src/test/java/com/example/HelloTest.java")), BuildLog.quiet())).isTrue();
        assertThat(JavaCompile.release(dir.resolve("pom.xml"))).isEqualTo("21");
    }

    @Test
    void asksMavenForTheClassPathOncePerPomXmlAndAgainWhenAnEntryIsGone() throws IOException {
        // A Maven wrapper that counts its runs and writes the class path it is asked for: one directory, in the project.
        Files.createDirectories(dir.resolve("deps"));
        write("mvnw", """
                #!/bin/sh
                echo run >> "$(dirname "$0")/mvn.runs"
                for a in "$@"; do case "$a" in -Dmdep.outputFile=*) printf '%s' "$(dirname "$0")/deps" > "${a#*=}";; esac; done
                """);
        dir.resolve("mvnw").toFile().setExecutable(true);
        Files.createDirectories(dir.resolve(".nubo"));
        List<String> steps = new ArrayList<>();
        BuildLog log = new BuildLog() {
            @Override
            public void step(String description) {
                steps.add(description);
            }

            @Override
            public void output(String line) {
            }
        };

        javac.prepare(Project.open(dir), log);
        javac.prepare(Project.open(dir), log);
        assertThat(Files.readAllLines(dir.resolve("mvn.runs"))).hasSize(1);
        assertThat(steps).contains("class path unchanged since pom.xml last changed (.nubo/classpath)");

        write("pom.xml", Files.readString(dir.resolve("pom.xml")).replace("</project>", "<!-- a new dependency --></project>"));
        javac.prepare(Project.open(dir), log);
        Files.delete(dir.resolve("deps"));
        javac.prepare(Project.open(dir), log);

        assertThat(Files.readAllLines(dir.resolve("mvn.runs"))).as("after pom.xml changed, and after deps went").hasSize(3);
    }

    private void write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
