package dev.nubo.builds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenEnvironmentTest {

    @TempDir
    Path jdk;

    @Test
    void aBuildRunsMavenOnC1AndTheSerialCollectorAndQuietOnJdk24AndLater() throws IOException {
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");

        Map<String, String> env = MavenBuild.mavenEnvironment(Map.of("JAVA_HOME", jdk.toString(), "PATH", "/usr/bin"));

        assertThat(env).containsEntry("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC --sun-misc-unsafe-memory-access=allow")
                .containsEntry("PATH", "/usr/bin");
    }

    @Test
    void theUsersOwnMavenOptsComeLastSoTheyWinAndOlderJdksGetNoFlagTheyRefuse() throws IOException {
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"21.0.5\"\n");

        Map<String, String> env = MavenBuild.mavenEnvironment(Map.of("JAVA_HOME", jdk.toString(), "MAVEN_OPTS", "-XX:TieredStopAtLevel=4 -Xmx1g"));

        assertThat(env.get("MAVEN_OPTS")).isEqualTo("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:TieredStopAtLevel=4 -Xmx1g");
    }

    @Test
    void aMavenOptsThatSilencesUnsafeAlreadyIsNotRepeated() throws IOException {
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25\"\n");

        Map<String, String> env = MavenBuild.mavenEnvironment(Map.of("JAVA_HOME", jdk.toString(),
                "MAVEN_OPTS", "--sun-misc-unsafe-memory-access=allow"));

        assertThat(env.get("MAVEN_OPTS")).isEqualTo("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC --sun-misc-unsafe-memory-access=allow");
    }
}
