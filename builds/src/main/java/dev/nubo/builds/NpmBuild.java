package dev.nubo.builds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A project with a {@code package.json}. Its production dependencies are installed apart, in
 * {@code .nubo/npm/} from copies of {@code package.json} and {@code package-lock.json}
 * ({@code npm ci --omit=dev}, or {@code npm install --omit=dev} without a lock), and uploaded as its
 * {@code node_modules/}: the user's own {@code node_modules} (with the dev dependencies their tests
 * need) is left as it is and not uploaded. The install is skipped while those two files are unchanged,
 * which keeps a redeploy, and {@code nubo dev}, quick. A {@code build} script runs in the directory
 * ({@code npm run build}), after {@code npm ci} there if it has no {@code node_modules} yet.
 */
record NpmBuild(List<String> outputs) implements Build {

    static final Path STAGE = Path.of(".nubo", "npm");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MANIFESTS = List.of("package.json", "package-lock.json", ".npmrc");

    @Override
    public String describe() {
        return "npm (npm ci --omit=dev, and npm run build if package.json has a build script)";
    }

    @Override
    public void run(Path dir, Map<String, String> env, BuildLog log) {
        JsonNode manifest = manifest(dir);
        Path npm = Commands.onPath("npm", env).orElseThrow(() -> new BuildFailure(
                "the project has a package.json, but npm is not installed here",
                "install Node.js with npm (apt-get install nodejs npm), or set `build.command` in nubo.yaml"));
        if (manifest.path("scripts").has("build")) {
            if (!Files.isDirectory(dir.resolve("node_modules"))) {
                install(npm, dir, false, env, log);
            }
            List<String> build = List.of(npm.toString(), "run", "build");
            Commands.run(build, dir, env, log, Commands.failed(List.of("npm", "run", "build"),
                    "fix the build script (its last lines are above)"));
        }
        Path stage = dir.resolve(STAGE);
        if (manifest.path("dependencies").isEmpty()) {
            Project.deleteTree(stage);
            log.step("no dependencies in package.json: nothing to install");
            return;
        }
        try {
            Files.createDirectories(stage);
            String stamp = Project.digest(dir, MANIFESTS);
            Path stampFile = stage.resolve(".installed");
            if (Files.isDirectory(stage.resolve("node_modules")) && Files.exists(stampFile)
                    && Files.readString(stampFile).equals(stamp)) {
                log.step("dependencies unchanged since the last install (package.json, package-lock.json)");
                return;
            }
            Files.deleteIfExists(stampFile);
            Project.deleteTree(stage.resolve("node_modules"));
            for (String name : MANIFESTS) {
                Files.deleteIfExists(stage.resolve(name));
                if (Files.exists(dir.resolve(name))) {
                    Files.copy(dir.resolve(name), stage.resolve(name));
                }
            }
            install(npm, stage, true, env, log);
            Files.writeString(stampFile, stamp);
        } catch (IOException e) {
            throw new BuildFailure("cannot prepare " + stage + " for npm: " + e.getMessage(), "check that the directory is writable");
        }
    }

    private static void install(Path npm, Path where, boolean production, Map<String, String> env, BuildLog log) {
        List<String> command = new ArrayList<>(List.of(npm.toString(), Files.exists(where.resolve("package-lock.json")) ? "ci" : "install"));
        if (production) {
            command.add("--omit=dev");
        }
        command.addAll(List.of("--no-audit", "--no-fund"));
        List<String> shown = new ArrayList<>(command);
        shown.set(0, "npm");
        Commands.run(command, where, env, log, Commands.failed(shown,
                "check package.json and that the npm registry is reachable (the last lines are above)"));
    }

    private static JsonNode manifest(Path dir) {
        try {
            return JSON.readTree(dir.resolve("package.json").toFile());
        } catch (IOException e) {
            throw new BuildFailure("package.json is not valid JSON: " + e.getMessage(), "fix it; `npm install` says where");
        }
    }

    @Override
    public List<String> defaults() {
        return List.of("/node_modules/");
    }

    @Override
    public Map<String, Path> staged(Path dir) {
        Path modules = dir.resolve(STAGE).resolve("node_modules");
        return Files.isDirectory(modules) ? Map.of("node_modules/", modules) : Map.of();
    }

    static boolean applies(Path dir) {
        return Files.isRegularFile(dir.resolve("package.json"));
    }
}
