package dev.nubo.builds;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code build.command} of nubo.yaml, run as written in the directory. */
record CommandBuild(List<String> command, List<String> outputs) implements Build {

    @Override
    public String describe() {
        return "build.command (" + Project.shown(command) + ")";
    }

    @Override
    public void run(Path dir, Map<String, String> env, BuildLog log) {
        Commands.run(command, dir, env, log, Commands.failed(command,
                "fix the build (its last lines are above), or `build.command` in nubo.yaml"));
    }

    @Override
    public List<String> defaults() {
        return List.of();
    }
}
