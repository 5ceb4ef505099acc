package dev.nubo.builds;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Nothing to build: the directory is uploaded as it is (less what is ignored). */
record NoBuild(String why) implements Build {

    @Override
    public String describe() {
        return "none (" + why + ")";
    }

    @Override
    public void run(Path dir, Map<String, String> env, BuildLog log) {}

    @Override
    public List<String> defaults() {
        return List.of();
    }
}
