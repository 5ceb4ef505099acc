package dev.nubo.builds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .nuboignore} is read as git reads {@code .gitignore}: each case here is checked against
 * git itself ({@code git ls-files --others --exclude-from}), which lists the files git would not
 * ignore, on the same tree.
 */
class IgnoreRulesTest {

    /** A tree with the shapes rules trip on: names at several depths, dots, brackets, spaces, deep paths. */
    static final List<String> TREE = List.of("nubo.yaml", "app.log", "README.md", "a b.txt", "trailing.txt",
            "src/main/java/App.java", "src/main/resources/app.log", "src/test/java/AppTest.java",
            "target/app.jar", "target/lib/dep.jar", "target/classes/App.class", "target/classes/nested/target/x",
            "build/out.txt", "docs/build/page.html", "logs/today.log", "logs/keep/important.log",
            "node_modules/pkg/index.js", "web/node_modules/x.js", "x/y/z/deep.txt", "x/a/y/z/deeper.txt",
            "#notes", "!bang", "data[1].csv", "data1.csv", "dataa.csv", "foo/bar", "foobar/x", "a/foo/b/c.txt",
            "doc/frotz/f", "frotz/g", "q/r/frotz/h");

    static final List<String> CASES = List.of(
            "*.log",
            "*.log\n!logs/keep/important.log",
            "logs/\n!logs/keep/important.log",
            "logs/*\n!logs/keep/",
            "/target/*\n!/target/lib/\n!/target/app.jar",
            "target/\n!target/lib/",
            "build/",
            "/build/",
            "build",
            "node_modules/",
            "/node_modules/",
            "**/node_modules",
            "src/**/*.log",
            "x/**/z",
            "x/**",
            "**",
            "**/deep.txt",
            "*\n!*/\n!*.txt",
            "doc/frotz/",
            "frotz/",
            "/frotz/",
            "data[0-9].csv",
            "data[!0-9].csv",
            "data\\[1\\].csv",
            "\\#notes\n\\!bang",
            "#notes",
            "a\\ b.txt",
            "trailing.txt   ",
            "foo",
            "foo/",
            "foo*",
            "?oo",
            "a/**/c.txt",
            "*/*/*",
            "src\n!src/main/java/App.java",
            "/src/\n/target/*\n!/target/classes\n*.md\n!README.md");

    @TempDir
    Path dir;

    @Test
    void leavesOutExactlyWhatGitIgnores() throws Exception {
        for (String file : TREE) {
            Path path = dir.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, file);
        }
        run("git", "init", "-q");
        for (String rules : CASES) {
            Path exclude = Files.writeString(dir.resolve(".git/rules"), rules + "\n");
            TreeSet<String> byGit = new TreeSet<>(List.of(run("git", "-c", "core.quotePath=false", "ls-files", "--others",
                    "--exclude-from=" + exclude).split("\n")));
            byGit.remove("");
            TreeSet<String> ours = new TreeSet<>(SourceFiles.collect(dir, IgnoreRules.parse(".git/\n" + rules)).files().keySet());

            assertThat(ours).as("files kept by the rules:\n%s", rules).isEqualTo(byGit);
        }
    }

    @Test
    void theLastMatchingRuleDecidesAndDirectoryRulesSkipFiles() {
        IgnoreRules rules = IgnoreRules.parse("# comment\n\ntarget/*\n!target/lib/\nbuild/\n");

        assertThat(rules.ignored("target/classes", true)).isTrue();
        assertThat(rules.ignored("target/lib", true)).isFalse();
        assertThat(rules.ignored("target", true)).isFalse();
        assertThat(rules.ignored("build", true)).isTrue();
        assertThat(rules.ignored("build", false)).as("a file named build").isFalse();
        assertThat(rules.rules()).hasSize(3);
    }

    private String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
