package dev.nubo.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which build a directory gets, what of it is uploaded, and how a failed build reads. */
class ProjectTest {

    @TempDir
    Path dir;

    final List<String> log = new ArrayList<>();
    final BuildLog recording = new BuildLog() {
        @Override
        public void step(String description) {
            log.add("step: " + description);
        }

        @Override
        public void output(String line) {
            log.add(line);
        }
    };

    @Test
    void aMavenFunctionUploadsItsCodeAndLibrariesButNotItsSourcesNorTheRestOfTarget() throws IOException {
        write("nubo.yaml", "name: hello\nruntime: java\nhandler: com.example.Hello\ncode: target/classes\n");
        write("pom.xml", "<project/>");
        write("src/main/java/com/example/Hello.java", "class Hello {}");
        write("target/classes/com/example/Hello.class", "bytes");
        write("target/lib/dep-1.0.jar", "jar");
        write("target/surefire-reports/TEST.xml", "report");
        write("target/hello-0.1.jar", "old jar");
        write(".nubo/npm/x", "x");

        Project project = Project.open(dir);

        assertThat(project.describeBuild()).startsWith("Maven (mvn -q -B -Dstyle.color=never package " + MavenBuild.DEPENDENCY_PLUGIN
                + ":copy-dependencies -DincludeScope=runtime -DoutputDirectory=");
        assertThat(project.files().keySet()).containsExactly("nubo.yaml", "pom.xml", "target/classes/com/example/Hello.class",
                "target/lib/dep-1.0.jar");
    }

    @Test
    void aMavenAppKeepsTheJarItsCommandRuns() throws IOException {
        write("nubo.yaml", "name: app\nruntime: process\ncommand: [java, -jar, target/app.jar]\n");
        write("pom.xml", "<project/>");
        write("target/app.jar", "jar");
        write("target/app.jar.original", "thin jar");

        assertThat(Project.open(dir).files().keySet()).containsExactly("nubo.yaml", "pom.xml", "target/app.jar");
    }

    @Test
    void nuboignoreLeavesOutAndReincludesAfterTheDefaults() throws IOException {
        write("nubo.yaml", "name: app\nruntime: process\ncommand: [python3, app.py]\n");
        write("app.py", "print()");
        write("notes/todo.md", "x");
        write("data/big.bin", "x");
        write("data/small.bin", "x");
        write("cache/__pycache__/app.cpython-311.pyc", "x");
        write(".git/HEAD", "x");
        write(".nuboignore", "notes/\ndata/*\n!data/small.bin\nnubo.yaml\n");

        assertThat(Project.open(dir).files().keySet()).containsExactly(".nuboignore", "app.py", "data/small.bin", "nubo.yaml");
    }

    @Test
    void aBuildCommandRunsInTheDirectoryAndItsOutputStreamsToTheLog() throws IOException {
        write("nubo.yaml", "name: app\nruntime: process\ncommand: [sh, run.sh]\nbuild:\n  command: echo built > out.txt; echo done\n  output: out.txt\n");

        Project project = Project.open(dir);
        project.build(recording);

        assertThat(project.describeBuild()).isEqualTo("build.command (echo built > out.txt; echo done)");
        assertThat(log).containsExactly("step: sh -c echo built > out.txt; echo done", "done");
        assertThat(project.files()).containsKey("out.txt");
    }

    @Test
    void aFailedBuildStopsWithTheCommandAndItsLastLines() throws IOException {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= 25; i++) {
            script.append("echo line ").append(i).append("; ");
        }
        write("nubo.yaml", "name: app\nruntime: process\ncommand: [sh, run.sh]\nbuild:\n  command: '" + script
                + "echo broken >&2; exit 3'\n");

        assertThatThrownBy(() -> Project.open(dir).build(recording))
                .isInstanceOfSatisfying(BuildFailure.class, e -> {
                    assertThat(e.getMessage()).startsWith("the build failed: `sh -c echo line 1; ").endsWith("` exited with an error");
                    assertThat(e.hint()).isEqualTo("fix the build (its last lines are above), or `build.command` in nubo.yaml");
                    assertThat(e.lastLines()).hasSize(Commands.LAST_LINES).startsWith("line 7").endsWith("line 25", "broken");
                });
    }

    @Test
    void aBuildThatMakesNoOutputSaysWhichAndWhatToFix() throws IOException {
        write("nubo.yaml", "name: app\nruntime: process\ncommand: [sh, run.sh]\nbuild: {command: 'true', output: [dist]}\n");

        assertThatThrownBy(() -> Project.open(dir).build(recording)).isInstanceOfSatisfying(BuildFailure.class, e -> {
            assertThat(e.getMessage()).isEqualTo("the build ran but made no dist");
            assertThat(e.hint()).isEqualTo("check that the build writes it, or fix `build.output` in nubo.yaml");
        });
    }

    @Test
    void buildNoneUploadsTheDirectoryAsItIs() throws IOException {
        write("nubo.yaml", "name: app\nruntime: process\ncommand: [node, server.js]\nbuild: none\n");
        write("package.json", "{\"dependencies\": {\"x\": \"1\"}}");
        write("node_modules/x/index.js", "x");

        Project project = Project.open(dir);
        project.build(recording);

        assertThat(project.builds()).isFalse();
        assertThat(log).isEmpty();
        assertThat(project.files().keySet()).containsExactly("node_modules/x/index.js", "nubo.yaml", "package.json");
    }

    @Test
    void aMalformedBuildSectionIsRefusedNamingTheField() throws IOException {
        write("nubo.yaml", "name: app\nbuild: {comand: make}\n");

        assertThatThrownBy(() -> Project.open(dir)).isInstanceOf(UserError.class)
                .hasMessage("nubo.yaml: unknown field `build.comand`");
    }

    @Test
    void pipWithoutAReachablePackageIndexSaysSoAndHowToVendor() throws IOException {
        write("nubo.yaml", "name: app\nruntime: python\nhandler: main.handler\n");
        write("main.py", "def handler(event, context): return {}");
        write("requirements.txt", "# what the function imports\nnubo-no-such-package==1.0\n");
        Map<String, String> env = new HashMap<>(System.getenv());
        // Port 9 (discard) on loopback refuses: an index that cannot be reached, whatever this machine's pip config says.
        env.putAll(Map.of("PIP_CONFIG_FILE", "/dev/null", "PIP_INDEX_URL", "http://127.0.0.1:9/simple",
                "PIP_EXTRA_INDEX_URL", "", "PIP_FIND_LINKS", "", "PIP_RETRIES", "0", "PIP_TIMEOUT", "2"));

        assertThatThrownBy(() -> Project.open(dir, env).build(recording)).isInstanceOfSatisfying(BuildFailure.class, e -> {
            assertThat(e.getMessage()).isEqualTo("pip could not install requirements.txt: no package index is reachable"
                    + " from this machine (or it has no such package)");
            assertThat(e.hint()).startsWith("vendor the packages into the directory");
            assertThat(String.join("\n", e.lastLines())).containsIgnoringCase("nubo-no-such-package");
        });
    }

    @Test
    void requirementsWithoutPackagesInstallNothing() throws IOException {
        write("nubo.yaml", "name: app\nruntime: python\nhandler: main.handler\n");
        write("main.py", "def handler(event, context): return {}");
        write("requirements.txt", "# none yet\n");

        Project project = Project.open(dir);
        project.build(recording);

        assertThat(log).containsExactly("step: requirements.txt names no package: nothing to install");
        assertThat(project.files().keySet()).containsExactly("main.py", "nubo.yaml", "requirements.txt");
    }

    @Test
    void npmInstallsProductionDependenciesApartOnceAndUploadsThemAsNodeModules(@TempDir Path registry) throws Exception {
        // A dependency as a tarball on disk: npm installs it without a registry, as it would one from the registry.
        Path pkg = Files.createDirectories(registry.resolve("greet"));
        Files.writeString(pkg.resolve("package.json"), "{\"name\": \"greet\", \"version\": \"1.0.0\", \"main\": \"index.js\"}");
        Files.writeString(pkg.resolve("index.js"), "module.exports = (n) => 'hi ' + n;");
        Process pack = new ProcessBuilder("npm", "pack", "--silent", pkg.toString()).directory(registry.toFile())
                .redirectErrorStream(true).start();
        assertThat(pack.waitFor()).as(new String(pack.getInputStream().readAllBytes())).isZero();
        Path tarball = registry.resolve("greet-1.0.0.tgz");
        write("nubo.yaml", "name: app\nruntime: node\nhandler: index.handler\n");
        write("index.js", "exports.handler = async () => require('greet')('you');");
        write("package.json", "{\"name\": \"app\", \"dependencies\": {\"greet\": \"file:" + tarball + "\"},"
                + " \"devDependencies\": {}}");
        write("node_modules/only-for-tests/index.js", "x");

        Project project = Project.open(dir);
        project.build(recording);
        log.clear();
        project.build(recording);

        assertThat(log).containsExactly("step: dependencies unchanged since the last install (package.json, package-lock.json)");
        assertThat(project.files().keySet()).containsExactly("index.js", "node_modules/.package-lock.json",
                "node_modules/greet/index.js", "node_modules/greet/package.json", "nubo.yaml", "package.json");
    }

    private void write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
