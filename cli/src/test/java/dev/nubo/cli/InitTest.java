package dev.nubo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.builds.Project;
import dev.nubo.cli.CannedApi.Run;
import dev.nubo.model.Descriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every template makes a project whose nubo.yaml the server accepts and whose build Nubo detects.
 * Building and deploying them is the end-to-end tests' part (dist's TemplatesTest).
 */
class InitTest {

    @TempDir
    Path home;

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(Template.class)
    void makesAProjectWithAValidDescriptorAReadmeAndATest(Template template) throws IOException {
        Path dir = work.resolve("My_" + template.kind());

        Run run = CannedApi.run(env(), "init", template.kind(), dir.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        String name = "my-" + template.kind();
        assertThat(run.out()).startsWith("✓ created " + template.description + " in " + dir + ": service " + name + "\n")
                .contains("next: nubo deploy " + dir);
        Descriptor descriptor = Descriptor.parse(Files.readString(dir.resolve("nubo.yaml")));
        assertThat(descriptor.name()).isEqualTo(name);
        assertThat(Files.readString(dir.resolve("README.md"))).startsWith("# " + name + "\n").hasLineCount(3);
        assertThat(dir.resolve(".gitignore")).exists();
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(Path::toString))
                    .as("a unit test").anyMatch(f -> f.matches(".*(Test\\.java|\\.test\\.js|/test_\\w+\\.py)"))
                    .allSatisfy(f -> assertThat(f.endsWith(".jar") || !Files.readString(Path.of(f)).matches("(?s).*__[A-Z_]+__.*"))
                            .as("placeholders replaced in " + f).isTrue());
        }
        String build = Project.open(dir).describeBuild();
        assertThat(build).startsWith(switch (template) {
            case java, java_lambda, spring_boot -> "Maven";
            case node, node_function -> "npm";
            case python, python_function -> "pip";
        });
    }

    @Test
    void aJavaFunctionProjectCarriesNubosFunctionApiAsAMavenRepository() throws IOException {
        Path dir = work.resolve("hello");

        assertThat(CannedApi.run(env(), "init", "java", dir.toString()).exit()).isZero();

        String version = FunctionApiJar.version();
        assertThat(dir.resolve("repo/dev/nubo/nubo-function-api/" + version + "/nubo-function-api-" + version + ".jar"))
                .isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("pom.xml"))).contains("<artifactId>nubo-function-api</artifactId><version>"
                + version + "</version>");
    }

    @Test
    void theTestsOfThePythonAndNodeTemplatesPassAsWritten() throws Exception {
        Path python = work.resolve("py");
        Path node = work.resolve("js");
        CannedApi.run(env(), "init", "python-function", python.toString());
        CannedApi.run(env(), "init", "node", node.toString());

        assertThat(run(python, "python3", "-m", "unittest", "-q")).isZero();
        assertThat(run(node, "npm", "test", "--silent")).isZero();
    }

    @Test
    void refusesToOverwriteAndNamesWhatIsThere() throws IOException {
        Path dir = Files.createDirectories(work.resolve("taken"));
        Files.writeString(dir.resolve("nubo.yaml"), "name: mine\n");

        Run run = CannedApi.run(env(), "init", "node-function", dir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: " + dir + " already has nubo.yaml\nhint: choose an empty or new directory:"
                + " `nubo init node-function my-service`\n");
        assertThat(Files.readString(dir.resolve("nubo.yaml"))).isEqualTo("name: mine\n");
        assertThat(dir.resolve("index.js")).doesNotExist();
    }

    @Test
    void anUnknownKindIsAUsageMistakeListingTheKinds() {
        Run run = CannedApi.run(env(), "init", "rust", work.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("unknown KIND 'rust'; use one of java, java-lambda, spring-boot, node,"
                + " node-function, python, python-function\n");
    }

    @Test
    void namesTheServiceAfterTheDirectoryAsADnsLabel() {
        assertThat(Init.nameOf(Path.of("/tmp/My_Cool.Service--"))).isEqualTo("my-cool-service");
        assertThat(Init.nameOf(Path.of("/tmp/2fast"))).isEqualTo("fast");
        assertThat(Init.nameOf(Path.of("/tmp/___"))).isEqualTo("hello");
    }

    private Env env() {
        return new Env(java.util.Map.of(), home, false, java.time.InstantSource.fixed(CannedApi.NOW),
                new java.io.ByteArrayInputStream(new byte[0]));
    }

    private static int run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return p.exitValue();
    }
}
