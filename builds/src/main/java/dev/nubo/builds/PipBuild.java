package dev.nubo.builds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A project with a {@code requirements.txt} that names packages: they are installed apart, into
 * {@code .nubo/pip/packages} ({@code python3 -m pip install -r requirements.txt --target ...}), and
 * uploaded at the root of the code, where Python imports them from (as on Lambda). The install is
 * skipped while requirements.txt is unchanged. When no package index can be reached, the failure
 * says so, rather than leave the user with pip's retries.
 */
record PipBuild(List<String> outputs) implements Build {

    static final Path STAGE = Path.of(".nubo", "pip");
    /** What pip prints when it cannot reach an index, in its versions since 20. */
    private static final List<String> UNREACHABLE = List.of("failed to establish a new connection", "connection refused",
            "temporary failure in name resolution", "name or service not known", "could not fetch url",
            "network is unreachable", "no matching distribution found");

    @Override
    public String describe() {
        return "pip (python3 -m pip install -r requirements.txt --target .nubo/pip/packages)";
    }

    @Override
    public void run(Path dir, Map<String, String> env, BuildLog log) {
        Path stage = dir.resolve(STAGE);
        Path packages = stage.resolve("packages");
        try {
            if (!names(dir)) {
                Project.deleteTree(stage);
                log.step("requirements.txt names no package: nothing to install");
                return;
            }
            Files.createDirectories(stage);
            String stamp = Project.digest(dir, List.of("requirements.txt"));
            Path stampFile = stage.resolve(".installed");
            if (Files.isDirectory(packages) && Files.exists(stampFile) && Files.readString(stampFile).equals(stamp)) {
                log.step("requirements unchanged since the last install (requirements.txt)");
                return;
            }
            Files.deleteIfExists(stampFile);
            Project.deleteTree(packages);
            String python = Commands.onPath("python3", env).map(Path::toString).orElseThrow(() -> new BuildFailure(
                    "the project has a requirements.txt, but python3 is not installed here",
                    "install Python 3 (apt-get install python3 python3-pip), or set `build.command` in nubo.yaml"));
            List<String> command = List.of(python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                    "-q", "-r", "requirements.txt", "--target", packages.toString());
            Commands.run(command, dir, env, log, PipBuild::failure);
            Files.writeString(stampFile, stamp);
        } catch (IOException e) {
            throw new BuildFailure("cannot prepare " + stage + " for pip: " + e.getMessage(), "check that the directory is writable");
        }
    }

    static BuildFailure failure(List<String> lines) {
        String all = String.join("\n", lines).toLowerCase(Locale.ROOT);
        if (UNREACHABLE.stream().anyMatch(all::contains)) {
            return new BuildFailure("pip could not install requirements.txt: no package index is reachable from this machine"
                    + " (or it has no such package)", "vendor the packages into the directory (e.g. `pip install -r"
                    + " requirements.txt --target .` on a machine that reaches an index) and set `build: none`, or point pip"
                    + " at a reachable index (PIP_INDEX_URL)", lines);
        }
        if (all.contains("no module named pip")) {
            return new BuildFailure("pip is not installed for python3", "install it (apt-get install python3-pip)", lines);
        }
        return new BuildFailure("the build failed: `pip install -r requirements.txt` exited with an error",
                "check requirements.txt (the last lines are above)", lines);
    }

    /** Whether requirements.txt has a line that is neither blank nor a comment. */
    private static boolean names(Path dir) throws IOException {
        for (String line : Files.readAllLines(dir.resolve("requirements.txt"))) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<String> defaults() {
        return List.of("/.venv/", "/venv/");
    }

    @Override
    public Map<String, Path> staged(Path dir) {
        Path packages = dir.resolve(STAGE).resolve("packages");
        return Files.isDirectory(packages) ? Map.of("", packages) : Map.of();
    }

    static boolean applies(Path dir) {
        return Files.isRegularFile(dir.resolve("requirements.txt"));
    }
}
